"""Domain events an operation publishes inside its transaction.

Operations call ``publish`` before they commit; the runtime's subscribers (``engine.wiring``:
notifications, the award history) write their rows in the same transaction, so a rolled-back
step leaves no notification behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from engine import wiring


@dataclass(frozen=True)
class TaskReady:
    """A human task became ready for its candidate group (or its assignee).

    ``new``: the engine inserted the row in this very step (engine.workflow.projection), with the
    columns its hooks set, such as the first reminder; no subscriber has seen it before.
    """

    task_id: int
    new: bool = False


@dataclass(frozen=True)
class TaskAssigned:
    """A task was claimed or reassigned; ``previous_id`` held it before (None: nobody)."""

    task_id: int
    assignee_id: int | None
    previous_id: int | None
    by_id: int | None


@dataclass(frozen=True)
class TaskCompleted:
    task_id: int
    by_id: int | None


@dataclass(frozen=True)
class DossierReturned:
    """A reviewer sent the dossier back for revision, with the reason given."""

    dossier_id: int
    task_id: int
    reason: str
    by_id: int | None = None


@dataclass(frozen=True)
class DossierDecided:
    """The dossier reached an outcome: awarded, rejected, not_selected, not_approved, …"""

    dossier_id: int
    outcome: str


@dataclass(frozen=True)
class DueDatesMoved:
    """A calendar change moved the due dates of open tasks (ids); their holders are told once."""

    task_ids: tuple[int, ...]
    day: date


@dataclass(frozen=True)
class CampaignOpened:
    """The secretariat launched a campaign; the units' clerks are told."""

    campaign_id: int


@dataclass(frozen=True)
class TaskOverdue:
    """The reminder sweep found an open task past its due time, for the first time."""

    task_id: int


@dataclass(frozen=True)
class DossierSubmitted:
    """The unit sent the dossier up: a step of the unit's lanes (clerk, head) completed and the
    dossier now waits on the agency (in the standard procedure: the unit head approved it at
    the unit's review and the secretariat's completeness check opened). ``task_id``: that step."""

    dossier_id: int
    task_id: int
    by_id: int | None


@dataclass(frozen=True)
class CouncilSessionClosed:
    """The council session's tally was counted and the session closed.

    Counts only: ``results`` maps each decided dossier id to its counts and outcome (agree,
    disagree, blank, recused, base, needed, selected, reason), ``undecided`` a dossier id to why
    (no quorum). Never a sheet, a member or who voted how.
    """

    council_session_id: int
    members: int
    participants: int
    results: dict[int, dict[str, object]]
    undecided: dict[int, str]


Event = (
    TaskReady
    | TaskAssigned
    | TaskCompleted
    | DossierReturned
    | DossierDecided
    | DueDatesMoved
    | CampaignOpened
    | TaskOverdue
    | DossierSubmitted
    | CouncilSessionClosed
)
Subscriber = Callable[[Session, list[Event]], None]


def publish(session: Session, events: list[Event]) -> None:
    """Hand ``events`` to the runtime's subscribers (engine.wiring), inside the caller's
    transaction."""
    if not events:
        return
    for subscriber in wiring.of(session).subscribers:
        subscriber(session, events)
