"""A tiny server-side SVG bar chart with the design system's classes (app.css "charts")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_WIDTH = 720
_LABEL_WIDTH = 220
_ROW = 30
_BAR = 18
_VALUE_ROOM = 60  # room right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    """One bar: label, value, optional limit (a dashed line) and state ok|soon|over."""

    label: str
    value: float
    limit: float | None = None
    state: str = "ok"


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def bar_chart(bars: Sequence[Bar], label: str, unit: str = "") -> Markup:
    """Return a horizontal bar chart as inline SVG; the page puts the same data in a table."""
    if not bars:
        return Markup("")
    height = _ROW * len(bars) + 10
    scale_max = max([b.value for b in bars] + [b.limit or 0 for b in bars]) or 1
    room = _WIDTH - _LABEL_WIDTH - _VALUE_ROOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}">',
        f'<line class="chart-axis" x1="{_LABEL_WIDTH}" y1="0" x2="{_LABEL_WIDTH}" y2="{height}"/>',
    ]
    for index, bar in enumerate(bars):
        top = 5 + index * _ROW
        width = round(bar.value / scale_max * room, 1)
        modifier = f" chart-bar--{bar.state}" if bar.state in ("soon", "over") else ""
        text_y = top + _BAR - 4
        parts.append(
            f'<text class="chart-label" x="{_LABEL_WIDTH - 6}" y="{text_y}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
        )
        parts.append(
            f'<rect class="chart-bar{modifier}" x="{_LABEL_WIDTH}" y="{top}" '
            f'width="{width}" height="{_BAR}"><title>{escape(bar.label)}: '
            f"{_number(bar.value)} {escape(unit)}</title></rect>"
        )
        parts.append(
            f'<text class="chart-label chart-label--muted" x="{_LABEL_WIDTH + width + 6}" '
            f'y="{text_y}">{_number(bar.value)}</text>'
        )
        if bar.limit is not None:
            x = round(_LABEL_WIDTH + bar.limit / scale_max * room, 1)
            parts.append(
                f'<line class="chart-limit" x1="{x}" y1="{top - 3}" x2="{x}" '
                f'y2="{top + _BAR + 3}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
