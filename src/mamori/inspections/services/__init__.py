"""State changes of the inspections app; other apps call these and ``review.section_evidence`` only."""

from mamori.inspections.services.audits import (
    add_fieldwork_note,
    assign_auditor,
    create_plan,
    set_plan_status,
)
from mamori.inspections.services.campaigns import (
    accept_sheet,
    attach_evidence,
    close_campaign,
    create_campaign,
    create_campaign_from,
    open_campaign,
    return_answers,
    save_answer,
    send_campaign_reminders,
    submit_sheet,
)
from mamori.inspections.services.catalogue import (
    create_item,
    current_version,
    restore_item,
    retire_item,
    start_catalogue_version,
    update_item,
)
from mamori.inspections.services.findings import (
    add_action,
    complete_action,
    overdue_actions,
    raise_audit_finding,
    raise_finding_from_answer,
    send_action_reminders,
    start_action,
    verify_action,
)

__all__ = [
    "accept_sheet",
    "add_action",
    "add_fieldwork_note",
    "assign_auditor",
    "attach_evidence",
    "close_campaign",
    "complete_action",
    "create_campaign",
    "create_campaign_from",
    "create_item",
    "create_plan",
    "current_version",
    "open_campaign",
    "overdue_actions",
    "raise_audit_finding",
    "raise_finding_from_answer",
    "restore_item",
    "retire_item",
    "return_answers",
    "save_answer",
    "send_action_reminders",
    "send_campaign_reminders",
    "set_plan_status",
    "start_action",
    "start_catalogue_version",
    "submit_sheet",
    "update_item",
    "verify_action",
]
