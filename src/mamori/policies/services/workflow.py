"""The approval workflow: draft → 委員会 review → CISO approval → in force on a date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mamori.core import audit
from mamori.core.permissions import can
from mamori.policies.audience import addressed_people
from mamori.policies.models import (
    DocumentEvent,
    PolicyVersion,
    ReadReceipt,
    VersionComment,
    VersionStatus,
)
from mamori.policies.services._common import PolicyActionError, acting_user, log_event, require_permission

# --- approval workflow ------------------------------------------------------------------------------


def _lock(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)


def _comment(version: PolicyVersion, actor: object, stage: str, text: str) -> None:
    if text.strip():
        VersionComment.objects.create(
            version=version,
            author=acting_user(actor),
            stage=stage,
            text=text.strip(),
        )


@transaction.atomic
def add_comment(*, actor: object, version: PolicyVersion, text: str) -> None:
    """Comment on a version under review (drafters, committee members and the CISO)."""
    if not (can(actor, "policies.draft") or can(actor, "policies.review") or can(actor, "policies.approve")):
        raise PolicyActionError("forbidden", "この操作を行う権限がありません。")
    if not text.strip():
        raise PolicyActionError("empty", "コメントを入力してください。")
    _comment(version, actor, version.status, text)


@transaction.atomic
def submit_for_review(*, actor: object, version: PolicyVersion, comment: str = "") -> PolicyVersion:
    """Send a draft to the 情報セキュリティ委員会."""
    version = _lock(version)
    require_permission(actor, "policies.draft")
    if version.status != VersionStatus.DRAFT:
        raise PolicyActionError("bad_state", "下書きの版だけを審議に回せます。")
    if not version.sections.exists():
        raise PolicyActionError("empty", "節が1つもない版は審議に回せません。")
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.DRAFT, comment)
    log_event(version.document, DocumentEvent.Kind.SUBMITTED, actor=actor, version=version, note=comment)
    return version


@transaction.atomic
def record_committee_decision(
    *, actor: object, version: PolicyVersion, approve: bool, comment: str = ""
) -> PolicyVersion:
    """Record the committee's decision: forward to the CISO, or return the draft with comments."""
    version = _lock(version)
    require_permission(actor, "policies.review")
    if version.status != VersionStatus.IN_REVIEW:
        raise PolicyActionError("bad_state", "委員会審議中の版ではありません。")
    if not approve and not comment.strip():
        raise PolicyActionError("reason_required", "差し戻す理由を入力してください。")
    version.status = VersionStatus.AWAITING_APPROVAL if approve else VersionStatus.DRAFT
    version.reviewed_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.IN_REVIEW, comment)
    kind = DocumentEvent.Kind.REVIEWED if approve else DocumentEvent.Kind.RETURNED
    log_event(version.document, kind, actor=actor, version=version, note=comment)
    return version


@transaction.atomic
def approve_version(
    *, actor: object, version: PolicyVersion, effective_on: dt.date, comment: str = ""
) -> PolicyVersion:
    """Approve a version as CISO; it comes into force on ``effective_on`` (at once when that is today or past)."""
    version = _lock(version)
    require_permission(actor, "policies.approve")
    if version.status != VersionStatus.AWAITING_APPROVAL:
        raise PolicyActionError("bad_state", "委員会の審議を経た版だけを承認できます。")
    version.status = VersionStatus.APPROVED
    version.effective_on = effective_on
    version.approved_by = acting_user(actor)
    version.approved_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.AWAITING_APPROVAL, comment)
    log_event(version.document, DocumentEvent.Kind.APPROVED, actor=actor, version=version, note=version.label)
    if effective_on <= timezone.localdate():
        bring_into_force(version, actor=actor)
    return version


@transaction.atomic
def return_to_draft(*, actor: object, version: PolicyVersion, comment: str) -> PolicyVersion:
    """Send a version awaiting approval back to the drafters (CISO) with the reason."""
    version = _lock(version)
    require_permission(actor, "policies.approve")
    if version.status != VersionStatus.AWAITING_APPROVAL:
        raise PolicyActionError("bad_state", "承認待ちの版ではありません。")
    if not comment.strip():
        raise PolicyActionError("reason_required", "差し戻す理由を入力してください。")
    version.status = VersionStatus.DRAFT
    version.save()
    _comment(version, actor, VersionStatus.AWAITING_APPROVAL, comment)
    log_event(version.document, DocumentEvent.Kind.RETURNED, actor=actor, version=version, note=comment)
    return version


@transaction.atomic
def bring_into_force(version: PolicyVersion, *, actor: object) -> None:
    """Put an approved version in force now: supersede the old one and ask its readers to confirm."""
    if version.status != VersionStatus.APPROVED:
        raise PolicyActionError("bad_state", "承認済みの版だけを施行できます。")
    document = version.document
    for old in document.versions.filter(status=VersionStatus.IN_FORCE).exclude(pk=version.pk):
        old.status = VersionStatus.SUPERSEDED
        old.save()
    version.status = VersionStatus.IN_FORCE
    version.save()
    document.last_reviewed_on = version.effective_on
    document.save()
    people = list(addressed_people(document).values_list("pk", flat=True))
    existing = set(version.receipts.values_list("person_id", flat=True))
    ReadReceipt.objects.bulk_create(
        [ReadReceipt(version=version, person_id=pk) for pk in people if pk not in existing]
    )
    audit.record(
        "create",
        object_type="policies.readreceipt",
        object_repr=f"{version} 確認依頼",
        changes={"version": version.pk, "people": len(people) - len(existing & set(people))},
    )
    log_event(document, DocumentEvent.Kind.IN_FORCE, actor=actor, version=version, note=version.label)


def bring_due_versions_into_force(*, today: dt.date | None = None) -> int:
    """Bring approved versions whose effective date has come into force; return how many (idempotent)."""
    day = today or timezone.localdate()
    count = 0
    due = PolicyVersion.objects.filter(status=VersionStatus.APPROVED, effective_on__lte=day).order_by(
        "effective_on"
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            version = _lock(PolicyVersion(pk=pk))
            if version.status != VersionStatus.APPROVED:
                continue  # another worker got there first
            with audit.acting_as(None, via="task", label="施行処理"):
                bring_into_force(version, actor=None)
            count += 1
    return count
