"""State changes of policy documents, and the functions other apps call.

Every function takes the acting user keyword-only, runs in one transaction and writes the change log;
the audit trail records the model changes by itself. Other apps use :func:`link_item`,
:func:`links_for`, :func:`sections_for_code` and :func:`raise_review_trigger`.
"""

from mamori.policies.services._common import PolicyActionError
from mamori.policies.services.drafts import (
    add_section,
    create_document,
    delete_section,
    import_draft,
    renumber,
    save_section,
    start_draft,
    update_document,
)
from mamori.policies.services.links import link_item, links_for, sections_for_code
from mamori.policies.services.receipts import confirm_read, send_reminders
from mamori.policies.services.review import (
    add_standard_section,
    mark_reviewed,
    raise_review_trigger,
    resolve_trigger,
    update_standard_section,
)
from mamori.policies.services.workflow import (
    add_comment,
    approve_version,
    bring_due_versions_into_force,
    bring_into_force,
    record_committee_decision,
    return_to_draft,
    submit_for_review,
)

__all__ = [
    "PolicyActionError",
    "add_comment",
    "add_section",
    "add_standard_section",
    "approve_version",
    "bring_due_versions_into_force",
    "bring_into_force",
    "confirm_read",
    "create_document",
    "delete_section",
    "import_draft",
    "link_item",
    "links_for",
    "mark_reviewed",
    "raise_review_trigger",
    "record_committee_decision",
    "renumber",
    "resolve_trigger",
    "return_to_draft",
    "save_section",
    "sections_for_code",
    "send_reminders",
    "start_draft",
    "submit_for_review",
    "update_document",
    "update_standard_section",
]
