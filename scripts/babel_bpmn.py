"""Babel extractor for workflows/*.bpmn and *.dmn: the names people read, for the catalogue.

`make translations` (babel.cfg) runs it, so the English catalogue covers step names, gateway and
flow labels and the task forms' labels, help and choices; the web shows them with
``web.i18n.translate``. Codes (lane names such as ``unit_clerk``, field names) are left out:
the web names those from the engine's own tables.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO, Any

_CODE = re.compile(r"^[a-z0-9_.]*$")


def _texts_of_form(value: str) -> Iterator[str]:
    try:
        fields = json.loads(value)
    except ValueError:
        return
    for field in fields if isinstance(fields, list) else []:
        if not isinstance(field, dict):
            continue
        for key in ("label", "help", "placeholder"):
            if isinstance(field.get(key), str):
                yield field[key]
        for choice in field.get("choices") or []:
            if isinstance(choice, dict) and isinstance(choice.get("label"), str):
                yield choice["label"]


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield (line, function, message, comments) for each name and form text of the file."""
    root = ET.parse(fileobj).getroot()  # noqa: S314 - our own workflow files
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("BPMNDiagram", "BPMNPlane", "BPMNShape", "BPMNEdge", "BPMNLabel"):
            continue
        if tag == "property":
            if element.get("name") == "formFields":
                for text in _texts_of_form(element.get("value") or ""):
                    if text.strip() and not _CODE.match(text):
                        yield 0, "gettext", text, []
            continue
        texts = [element.get("name"), element.get("label")]
        if tag == "description":  # a DMN rule's citation, shown on the admin rules page
            texts.append(element.text)
        for text in texts:
            if text and text.strip() and not _CODE.match(text.strip()):
                yield 0, "gettext", " ".join(text.split()), []
