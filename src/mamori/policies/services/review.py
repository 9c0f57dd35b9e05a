"""The review cycle (見直し), review triggers and the editable 対策基準 section tree."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from mamori.policies.models import (
    DocumentEvent,
    PolicyDocument,
    ReviewTrigger,
    StandardSection,
)
from mamori.policies.services._common import PolicyActionError, acting_user, log_event, require_permission

# --- review cycle ----------------------------------------------------------------------------------


@transaction.atomic
def mark_reviewed(*, actor: object, document: PolicyDocument, note: str) -> PolicyDocument:
    """Record a review that changed nothing; the next review is due one interval later."""
    require_permission(actor, "policies.draft")
    document.last_reviewed_on = timezone.localdate()
    document.save()
    log_event(document, DocumentEvent.Kind.REVIEW_DONE, actor=actor, note=note)
    return document


@transaction.atomic
def raise_review_trigger(
    *,
    actor: object,
    section_code: str,
    reason: str,
    source: models.Model | None = None,
    document: PolicyDocument | None = None,
) -> ReviewTrigger:
    """Ask for a policy review of a 対策基準 section (called by the audit and self-inspection apps).

    With a ``source``, one trigger per section and source: asking again returns the trigger raised
    before (resolved or not), so a caller may repeat itself without piling up duplicates.
    """
    standard = StandardSection.objects.filter(code=section_code).first()
    if standard is None:
        raise PolicyActionError("unknown_section", f"対策基準の節「{section_code}」がありません。")
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    if source is not None:
        earlier = ReviewTrigger.objects.filter(
            standard_section=standard, source_type=source_type, source_id=str(source.pk)
        ).first()
        if earlier is not None:
            return earlier
    return ReviewTrigger.objects.create(
        standard_section=standard,
        document=document,
        reason=reason,
        source_type=source_type,
        source_id=str(source.pk) if source is not None else "",
        source_label=str(source)[:255] if source is not None else "",
    )


@transaction.atomic
def resolve_trigger(*, actor: object, trigger: ReviewTrigger, resolution: str) -> ReviewTrigger:
    """Close a review trigger with what was done about it."""
    require_permission(actor, "policies.draft")
    if not resolution.strip():
        raise PolicyActionError("empty", "対応内容を入力してください。")
    trigger.resolved_at = timezone.now()
    trigger.resolved_by = acting_user(actor)
    trigger.resolution = resolution
    trigger.save()
    return trigger


# --- the 対策基準 section tree ---------------------------------------------------------------------


@transaction.atomic
def update_standard_section(
    *, actor: object, section: StandardSection, title: str, is_active: bool
) -> StandardSection:
    """Rename or retire a 対策基準 code; the code itself never changes (other registers key on it)."""
    require_permission(actor, "policies.manage_standard")
    if not title.strip():
        raise PolicyActionError("empty", "見出しを入力してください。")
    section.title = title.strip()
    section.is_active = is_active
    section.save()
    return section


@transaction.atomic
def add_standard_section(
    *, actor: object, parent: StandardSection | None, code: str, title: str, guideline_version: str = ""
) -> StandardSection:
    """Add a code under ``parent`` (``3.4`` under ``3``) or a new top-level code."""
    require_permission(actor, "policies.manage_standard")
    code = code.strip()
    expected_prefix = f"{parent.code}." if parent is not None else ""
    tail = code[len(expected_prefix) :]
    if (
        not code.startswith(expected_prefix)
        or not tail
        or "." in tail
        or not tail.isascii()
        or not tail.isalnum()
    ):
        raise PolicyActionError(
            "bad_code",
            f"節番号は「{expected_prefix}」に続けて英数字で指定してください（例: {expected_prefix}9）。",
        )
    if StandardSection.objects.filter(code=code).exists():
        raise PolicyActionError("duplicate_code", f"節番号「{code}」はすでにあります。")
    if not title.strip():
        raise PolicyActionError("empty", "見出しを入力してください。")
    last = StandardSection.objects.aggregate(n=models.Max("order"))["n"] or 0
    return StandardSection.objects.create(
        code=code,
        title=title.strip(),
        parent=parent,
        order=last + 1,
        guideline_version=guideline_version or (parent.guideline_version if parent else ""),
    )
