"""Query parameters several operations share (their bounds are the read side's)."""

from __future__ import annotations

from typing import Any

from engine.db import MAX_ID
from engine.read import queries
from web.api.base import Param

ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def list_params(sorts: tuple[str, ...]) -> tuple[Param, ...]:
    """The filters of the task and dossier lists (page and per_page come with every list)."""
    return (
        Param(
            "q",
            {"type": "string", "maxLength": queries.MAX_QUERY},
            "Nominee name, diacritics optional ('nguyen van')",
        ),
        Param("campaign", ID, "Campaign id"),
        Param("stage", {"type": "string"}, "Procedure stage"),
        Param("title", {"type": "string"}, "Title code, e.g. CSTDCS"),
        Param("unit", ID, "Nominating unit id"),
        Param(
            "sort",
            {"type": "string", "enum": list(sorts)},
            f"Sort key (default {sorts[0]}); prefix '-' for descending",
        ),
        Param(
            "cursor",
            {"type": "string", "maxLength": queries.MAX_CURSOR},
            "A position given out in a Link header (rel next-cursor / prev-cursor / last-cursor):"
            " the page after or before it, read off the order's index however deep; with it,"
            " page is not used",
        ),
    )
