"""The diagrams stay readable: a boundary event's name is not printed over another name or
shape (the posting step's two events once printed their names over each other)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.workflows.spiff_helper import WORKFLOWS

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
}
Box = tuple[float, float, float, float]


def _box(bounds: Any) -> Box:
    x, y = float(bounds.get("x")), float(bounds.get("y"))
    return x, y, x + float(bounds.get("width")), y + float(bounds.get("height"))


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.bpmn")), ids=lambda p: p.name)
def test_boundary_event_labels_overlap_no_other_label_or_shape(path: Path) -> None:
    doc = etree.parse(str(path))
    attached = {
        e.get("id"): e.get("attachedToRef")
        for e in doc.xpath("//bpmn:boundaryEvent", namespaces=NS)
    }
    shapes = {s.get("bpmnElement"): s for s in doc.xpath("//bpmndi:BPMNShape", namespaces=NS)}
    containers = set(doc.xpath("//bpmn:participant/@id | //bpmn:lane/@id", namespaces=NS))
    boxes = {
        element: _box(s.find("dc:Bounds", NS))
        for element, s in shapes.items()
        if element not in containers
    }
    labels = {
        element: _box(label)
        for element, shape in shapes.items()
        for label in shape.xpath("bpmndi:BPMNLabel/dc:Bounds", namespaces=NS)
    }
    clashes = [
        f"{element}'s name overlaps {what} of {other}"
        for element in sorted(set(attached) & set(labels))
        for what, others in (("the name", labels), ("the shape", boxes))
        for other, box in others.items()
        if other not in (element, attached[element]) and _overlap(labels[element], box)
    ]
    assert not clashes, "\n".join(clashes)
