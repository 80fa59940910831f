"""Administration: organisation, campaigns, the working-day calendar and the agency's rule figures.

The one place the admin pages change things through. Every change is one operation: it checks
the actor's role, runs as one unit of work (engine.unit_of_work), writes one audit event per
change and raises :mod:`engine.errors` exceptions with Vietnamese messages
(``ValidationFailed.field_errors`` names the form field at fault). Deploying and migrating
workflow versions stay :mod:`engine.workflow.operations`' own (``deploy_texts``,
``check_migration``, ``migrate``).
"""

from engine.admin.calendar import CalendarDay, DueMove, calendar_year, set_calendar_day
from engine.admin.campaigns import create_campaign, open_campaign
from engine.admin.common import require
from engine.admin.org import (
    change_user_unit,
    create_unit,
    create_user,
    deactivate_unit,
    deactivate_user,
    grant_role,
    has_actor,
    remove_council_member,
    reset_password,
    revoke_role,
    save_council_term,
    set_council_member,
    sign_out_everywhere,
    tasks_left_without,
    update_unit,
)
from engine.admin.rules import set_reminder_ladder, set_rule

__all__ = [
    "CalendarDay",
    "DueMove",
    "calendar_year",
    "change_user_unit",
    "create_campaign",
    "create_unit",
    "create_user",
    "deactivate_unit",
    "deactivate_user",
    "grant_role",
    "has_actor",
    "open_campaign",
    "remove_council_member",
    "require",
    "reset_password",
    "revoke_role",
    "save_council_term",
    "set_calendar_day",
    "set_council_member",
    "set_reminder_ladder",
    "set_rule",
    "sign_out_everywhere",
    "tasks_left_without",
    "update_unit",
]
