"""State changes of policy documents, and the functions other apps call.

Every function takes the acting user keyword-only, runs in one transaction and writes the change log;
the audit trail records the model changes by itself. Other apps use :func:`link_item`,
:func:`links_for`, :func:`sections_for_code` and :func:`raise_review_trigger`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from mamori.core import audit
from mamori.core.models import Body, Person, Role, Unit
from mamori.core.permissions import can, person_of
from mamori.policies.audience import addressed_people
from mamori.policies.importing import ParsedDocument
from mamori.policies.models import (
    OPEN_STATUSES,
    Audience,
    DocumentEvent,
    Layer,
    PolicyDocument,
    PolicyVersion,
    ReadReceipt,
    ReviewTrigger,
    Section,
    SectionAudience,
    SectionLink,
    StandardSection,
    VersionComment,
    VersionStatus,
)


class PolicyActionError(Exception):
    """A policy action that is not allowed now; ``message`` says why in Japanese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _user(actor: object) -> User | None:
    """Return the acting account for a foreign key (None for the system and for demo loading)."""
    return actor if isinstance(actor, User) else None


def _require(actor: object, action: str, obj: object | None = None) -> None:
    if not can(actor, action, obj):
        raise PolicyActionError("forbidden", "この操作を行う権限がありません。")


def _event(
    document: PolicyDocument,
    kind: str,
    *,
    actor: object,
    version: PolicyVersion | None = None,
    note: str = "",
) -> None:
    DocumentEvent.objects.create(
        document=document,
        version=version,
        kind=kind,
        note=note,
        actor=_user(actor),
    )


# --- documents -------------------------------------------------------------------------------------


@transaction.atomic
def create_document(
    *,
    actor: object,
    title: str,
    layer: str,
    body: Body | None = None,
    owner_unit: Unit | None = None,
    system_name: str = "",
    audience: str | None = None,
    audience_roles: Iterable[Role] = (),
    audience_units: Iterable[Unit] = (),
    include_system_managers: bool | None = None,
    review_interval_months: int = 12,
) -> PolicyDocument:
    """Create a document; a 実施手順 defaults to its system's managers and its owner unit."""
    _require(actor, "policies.draft")
    is_procedure = layer == Layer.PROCEDURE
    if audience is None:
        audience = Audience.RESTRICTED if is_procedure else Audience.STAFF
    _check_audience(layer, audience)
    if is_procedure and owner_unit is None:
        raise PolicyActionError("owner_required", "実施手順には所管組織を指定してください。")
    document = PolicyDocument.objects.create(
        title=title,
        layer=layer,
        body=body,
        owner_unit=owner_unit,
        system_name=system_name,
        audience=audience,
        include_system_managers=is_procedure if include_system_managers is None else include_system_managers,
        review_interval_months=review_interval_months,
    )
    units = list(audience_units)
    if is_procedure and not units and owner_unit is not None:
        units = [owner_unit]
    document.audience_units.set(units)
    document.audience_roles.set(list(audience_roles))
    _event(document, DocumentEvent.Kind.CREATED, actor=actor, note=title)
    return document


def _check_audience(layer: str, audience: str) -> None:
    # 実施手順 are never published (domain/municipal-policy.md §1).
    if layer == Layer.PROCEDURE and audience == Audience.PUBLIC:
        raise PolicyActionError("procedure_public", "実施手順は一般公開できません。")


@transaction.atomic
def update_document(
    *,
    actor: object,
    document: PolicyDocument,
    title: str,
    body: Body | None,
    owner_unit: Unit | None,
    system_name: str,
    audience: str,
    audience_roles: Iterable[Role],
    audience_units: Iterable[Unit],
    include_system_managers: bool,
    review_interval_months: int,
) -> PolicyDocument:
    """Change a document's title, owner, audience and review interval."""
    _require(actor, "policies.draft")
    _check_audience(document.layer, audience)
    document.title = title
    document.body = body
    document.owner_unit = owner_unit
    document.system_name = system_name
    document.audience = audience
    document.include_system_managers = include_system_managers
    document.review_interval_months = review_interval_months
    document.save()
    document.audience_roles.set(list(audience_roles))
    document.audience_units.set(list(audience_units))
    _event(
        document,
        DocumentEvent.Kind.SETTINGS,
        actor=actor,
        note=f"公開範囲: {document.get_audience_display()}",
    )
    return document


# --- drafts and sections ---------------------------------------------------------------------------


def _next_number(document: PolicyDocument) -> int:
    last = document.versions.aggregate(n=models.Max("number"))["n"]
    return (last or 0) + 1


def _base_version(document: PolicyDocument) -> PolicyVersion | None:
    return document.current_version() or document.versions.filter(status=VersionStatus.APPROVED).first()


def _new_draft(*, actor: object, document: PolicyDocument, change_summary: str) -> PolicyVersion:
    _require(actor, "policies.draft")
    if document.versions.filter(status__in=OPEN_STATUSES).exists():
        raise PolicyActionError("draft_exists", "この文書には審議中または作成中の改正案がすでにあります。")
    return PolicyVersion.objects.create(
        document=document,
        number=_next_number(document),
        change_summary=change_summary,
        created_by=_user(actor),
    )


def _copy_sections(source: Sequence[Section], target: PolicyVersion) -> None:
    copies = [
        Section(
            version=target,
            lineage=s.lineage,
            order=s.order,
            level=s.level,
            number=s.number,
            full_number=s.full_number,
            heading=s.heading,
            text=s.text,
            standard_section_id=s.standard_section_id,
            audience=s.audience,
        )
        for s in source
    ]
    created = Section.objects.bulk_create(copies)
    role_rows, unit_rows = [], []
    for old, new in zip(source, created, strict=True):
        role_rows += [
            Section.audience_roles.through(section_id=new.pk, role_id=r.pk) for r in old.audience_roles.all()
        ]
        unit_rows += [
            Section.audience_units.through(section_id=new.pk, unit_id=u.pk) for u in old.audience_units.all()
        ]
    Section.audience_roles.through.objects.bulk_create(role_rows)
    Section.audience_units.through.objects.bulk_create(unit_rows)


@transaction.atomic
def start_draft(*, actor: object, document: PolicyDocument, change_summary: str = "") -> PolicyVersion:
    """Open a new draft that starts as a copy of the version in force."""
    draft = _new_draft(actor=actor, document=document, change_summary=change_summary)
    base = _base_version(document)
    if base is not None:
        sections = list(base.sections.prefetch_related("audience_roles", "audience_units"))
        _copy_sections(sections, draft)
        audit.record(
            "create",
            object_type="policies.section",
            object_repr=f"{draft}（{base.label}から{len(sections)}節を複写）",
            changes={"version": draft.pk, "copied_from": base.pk},
        )
    _event(document, DocumentEvent.Kind.DRAFTED, actor=actor, version=draft, note=change_summary)
    return draft


def renumber(version: PolicyVersion) -> None:
    """Recompute every section's full number (第3章 + 2 → 第3章2) from the numbers above it."""
    stack: list[tuple[int, str]] = []
    sections = list(version.sections.order_by("order", "id"))
    for section in sections:
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        stack.append((section.level, section.number))
        section.full_number = "".join(number for _, number in stack)[:200]
    Section.objects.bulk_update(sections, ["full_number"])


def _standard_for(number: str, heading: str, by_title: dict[str, StandardSection]) -> StandardSection | None:
    return by_title.get(heading.strip())


@transaction.atomic
def import_draft(
    *,
    actor: object,
    document: PolicyDocument,
    parsed: ParsedDocument,
    change_summary: str = "",
    source_name: str = "",
) -> PolicyVersion:
    """Open a new draft whose sections are the imported ones; sections with the same number keep their identity."""
    if not parsed.sections:
        raise PolicyActionError("empty", "見出しや本文が見つかりませんでした。")
    draft = _new_draft(
        actor=actor, document=document, change_summary=change_summary or f"{source_name} から取込"
    )
    base = _base_version(document)
    previous: dict[tuple[int, str, str], Section] = {}
    if base is not None:
        for s in base.sections.all():
            previous.setdefault((s.level, s.number, s.heading), s)
            previous.setdefault((s.level, s.number, ""), s)
    by_title = (
        {s.title: s for s in StandardSection.objects.filter(is_active=True)}
        if document.layer == Layer.STANDARD
        else {}
    )
    rows = []
    for order, parsed_section in enumerate(parsed.sections, start=1):
        match = previous.get(
            (parsed_section.level, parsed_section.number, parsed_section.heading)
        ) or previous.get((parsed_section.level, parsed_section.number, ""))
        section = Section(
            version=draft,
            order=order * 10,
            level=parsed_section.level,
            number=parsed_section.number,
            heading=parsed_section.heading,
            text=parsed_section.text,
            standard_section=match.standard_section
            if match
            else _standard_for(parsed_section.number, parsed_section.heading, by_title),
            audience=match.audience if match else SectionAudience.INHERIT,
        )
        if match is not None:
            section.lineage = match.lineage
        rows.append(section)
    Section.objects.bulk_create(rows)
    renumber(draft)
    audit.record(
        "import",
        object_type="policies.policyversion",
        object_id=draft.pk,
        object_repr=str(draft),
        changes={"source": source_name, "sections": len(rows)},
    )
    _event(
        document,
        DocumentEvent.Kind.IMPORTED,
        actor=actor,
        version=draft,
        note=f"{source_name}（{len(rows)}節）",
    )
    return draft


def _require_editable(actor: object, version: PolicyVersion) -> None:
    _require(actor, "policies.draft")
    if not version.is_editable:
        raise PolicyActionError("not_draft", "下書きの版だけを編集できます。")


@transaction.atomic
def save_section(
    *,
    actor: object,
    section: Section,
    number: str,
    heading: str,
    text: str,
    level: int,
    standard_section: StandardSection | None = None,
    audience: str = SectionAudience.INHERIT,
    audience_roles: Iterable[Role] = (),
    audience_units: Iterable[Unit] = (),
) -> Section:
    """Change a section of a draft."""
    version = PolicyVersion.objects.select_for_update().get(pk=section.version_id)
    _require_editable(actor, version)
    section.number = number
    section.heading = heading
    section.text = text
    section.level = level
    section.standard_section = standard_section
    section.audience = audience
    section.save()
    section.audience_roles.set(list(audience_roles))
    section.audience_units.set(list(audience_units))
    renumber(version)
    _event(version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=str(section))
    return section


@transaction.atomic
def add_section(
    *,
    actor: object,
    version: PolicyVersion,
    after: Section | None,
    number: str,
    heading: str,
    text: str,
    level: int,
    standard_section: StandardSection | None = None,
) -> Section:
    """Insert a new section into a draft after ``after`` (or at the end)."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _require_editable(actor, version)
    if after is None:
        order = (version.sections.aggregate(n=models.Max("order"))["n"] or 0) + 10
    else:
        order = after.order + 1
        following = list(version.sections.filter(order__gte=order).order_by("order"))
        for offset, other in enumerate(following, start=1):
            other.order = order + offset
        Section.objects.bulk_update(following, ["order"])
    section = Section.objects.create(
        version=version,
        order=order,
        level=level,
        number=number,
        heading=heading,
        text=text,
        standard_section=standard_section,
    )
    renumber(version)
    _event(version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=f"追加: {section}")
    return section


@transaction.atomic
def delete_section(*, actor: object, section: Section) -> None:
    """Remove a section from a draft."""
    version = PolicyVersion.objects.select_for_update().get(pk=section.version_id)
    _require_editable(actor, version)
    label = str(section)
    section.delete()
    renumber(version)
    _event(version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=f"削除: {label}")


# --- approval workflow ------------------------------------------------------------------------------


def _lock(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)


def _comment(version: PolicyVersion, actor: object, stage: str, text: str) -> None:
    if text.strip():
        VersionComment.objects.create(
            version=version,
            author=_user(actor),
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
    _require(actor, "policies.draft")
    if version.status != VersionStatus.DRAFT:
        raise PolicyActionError("bad_state", "下書きの版だけを審議に回せます。")
    if not version.sections.exists():
        raise PolicyActionError("empty", "節が1つもない版は審議に回せません。")
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.DRAFT, comment)
    _event(version.document, DocumentEvent.Kind.SUBMITTED, actor=actor, version=version, note=comment)
    return version


@transaction.atomic
def record_committee_decision(
    *, actor: object, version: PolicyVersion, approve: bool, comment: str = ""
) -> PolicyVersion:
    """Record the committee's decision: forward to the CISO, or return the draft with comments."""
    version = _lock(version)
    _require(actor, "policies.review")
    if version.status != VersionStatus.IN_REVIEW:
        raise PolicyActionError("bad_state", "委員会審議中の版ではありません。")
    if not approve and not comment.strip():
        raise PolicyActionError("reason_required", "差し戻す理由を入力してください。")
    version.status = VersionStatus.AWAITING_APPROVAL if approve else VersionStatus.DRAFT
    version.reviewed_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.IN_REVIEW, comment)
    kind = DocumentEvent.Kind.REVIEWED if approve else DocumentEvent.Kind.RETURNED
    _event(version.document, kind, actor=actor, version=version, note=comment)
    return version


@transaction.atomic
def approve_version(
    *, actor: object, version: PolicyVersion, effective_on: dt.date, comment: str = ""
) -> PolicyVersion:
    """Approve a version as CISO; it comes into force on ``effective_on`` (at once when that is today or past)."""
    version = _lock(version)
    _require(actor, "policies.approve")
    if version.status != VersionStatus.AWAITING_APPROVAL:
        raise PolicyActionError("bad_state", "委員会の審議を経た版だけを承認できます。")
    version.status = VersionStatus.APPROVED
    version.effective_on = effective_on
    version.approved_by = _user(actor)
    version.approved_at = timezone.now()
    version.save()
    _comment(version, actor, VersionStatus.AWAITING_APPROVAL, comment)
    _event(version.document, DocumentEvent.Kind.APPROVED, actor=actor, version=version, note=version.label)
    if effective_on <= timezone.localdate():
        _bring_into_force(version, actor=actor)
    return version


@transaction.atomic
def return_to_draft(*, actor: object, version: PolicyVersion, comment: str) -> PolicyVersion:
    """Send a version awaiting approval back to the drafters (CISO) with the reason."""
    version = _lock(version)
    _require(actor, "policies.approve")
    if version.status != VersionStatus.AWAITING_APPROVAL:
        raise PolicyActionError("bad_state", "承認待ちの版ではありません。")
    if not comment.strip():
        raise PolicyActionError("reason_required", "差し戻す理由を入力してください。")
    version.status = VersionStatus.DRAFT
    version.save()
    _comment(version, actor, VersionStatus.AWAITING_APPROVAL, comment)
    _event(version.document, DocumentEvent.Kind.RETURNED, actor=actor, version=version, note=comment)
    return version


def _bring_into_force(version: PolicyVersion, *, actor: object) -> None:
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
    _event(document, DocumentEvent.Kind.IN_FORCE, actor=actor, version=version, note=version.label)


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
                _bring_into_force(version, actor=None)
            count += 1
    return count


# --- read receipts ---------------------------------------------------------------------------------


@transaction.atomic
def confirm_read(*, actor: object, version: PolicyVersion) -> ReadReceipt:
    """Record that the acting person has read the version in force (確認しました)."""
    person = person_of(actor)
    if not isinstance(person, Person):
        raise PolicyActionError("no_person", "職員として登録されていないため確認できません。")
    receipt = ReadReceipt.objects.select_for_update().filter(version=version, person=person).first()
    if receipt is None:
        raise PolicyActionError("not_addressed", "この版の確認対象ではありません。")
    if receipt.confirmed_at is None:
        receipt.confirmed_at = timezone.now()
        receipt.save()
    return receipt


def _send_reminder(receipt: ReadReceipt) -> None:
    version = receipt.version
    title = version.document.title
    send_mail(
        subject=f"【確認のお願い】{title}（{version.label}）",
        message=(
            f"{receipt.person.full_name} 様\n\n"
            f"「{title}」{version.label} が施行されています。\n"
            "内容を読み、守りの画面で「確認しました」を押してください。\n\n"
            "このメールは守り（Mamori）から自動送信しています。\n"
        ),
        from_email=None,
        recipient_list=[receipt.person.email],
    )


def send_reminders(
    *,
    min_days_between: int = 7,
    now: dt.datetime | None = None,
    version: PolicyVersion | None = None,
    person_ids: Iterable[int] | None = None,
) -> int:
    """E-mail everyone who has not confirmed an in-force version; at most one reminder per interval."""
    moment = now or timezone.now()
    cutoff = moment - dt.timedelta(days=min_days_between)
    pending = (
        ReadReceipt.objects.filter(confirmed_at__isnull=True, version__status=VersionStatus.IN_FORCE)
        .filter(models.Q(last_reminded_at__isnull=True) | models.Q(last_reminded_at__lt=cutoff))
        .exclude(person__email="")
        .filter(person__is_active=True)
        .select_related("person", "version", "version__document")
    )
    if version is not None:
        pending = pending.filter(version=version)
    if person_ids is not None:
        pending = pending.filter(person_id__in=list(person_ids))
    sent = 0
    for receipt in pending:
        with transaction.atomic():
            # Claim the receipt with a conditional update so two workers never mail the same person twice.
            claimed = ReadReceipt.objects.filter(
                pk=receipt.pk, last_reminded_at=receipt.last_reminded_at
            ).update(last_reminded_at=moment, reminder_count=models.F("reminder_count") + 1)
            if not claimed:
                continue
            transaction.on_commit(partial(_send_reminder, receipt))
            sent += 1
    if sent:
        audit.record(
            "other",
            object_type="policies.readreceipt",
            object_repr="確認の督促メール",
            changes={"sent": sent},
        )
    return sent


# --- review cycle ----------------------------------------------------------------------------------


@transaction.atomic
def mark_reviewed(*, actor: object, document: PolicyDocument, note: str) -> PolicyDocument:
    """Record a review that changed nothing; the next review is due one interval later."""
    _require(actor, "policies.draft")
    document.last_reviewed_on = timezone.localdate()
    document.save()
    _event(document, DocumentEvent.Kind.REVIEW_DONE, actor=actor, note=note)
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
    """Ask for a policy review of a 対策基準 section (called by the audit and self-inspection apps)."""
    standard = StandardSection.objects.filter(code=section_code).first()
    if standard is None:
        raise PolicyActionError("unknown_section", f"対策基準の節「{section_code}」がありません。")
    return ReviewTrigger.objects.create(
        standard_section=standard,
        document=document,
        reason=reason,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
        source_label=str(source)[:255] if source is not None else "",
    )


@transaction.atomic
def resolve_trigger(*, actor: object, trigger: ReviewTrigger, resolution: str) -> ReviewTrigger:
    """Close a review trigger with what was done about it."""
    _require(actor, "policies.draft")
    if not resolution.strip():
        raise PolicyActionError("empty", "対応内容を入力してください。")
    trigger.resolved_at = timezone.now()
    trigger.resolved_by = _user(actor)
    trigger.resolution = resolution
    trigger.save()
    return trigger


# --- links for other registers ----------------------------------------------------------------------


@transaction.atomic
def link_item(
    *,
    actor: object,
    item: models.Model,
    kind: str,
    section_code: str | None = None,
    section: Section | None = None,
) -> SectionLink:
    """Link an asset, a self-inspection item or an audit item to a 対策基準 code or a document section."""
    if (section_code is None) == (section is None):
        raise PolicyActionError("target", "対策基準の節番号か文書の節のどちらか一方を指定してください。")
    standard = None
    document = None
    lineage = None
    if section_code is not None:
        standard = StandardSection.objects.filter(code=section_code).first()
        if standard is None:
            raise PolicyActionError("unknown_section", f"対策基準の節「{section_code}」がありません。")
    else:
        assert section is not None
        document = section.version.document
        lineage = section.lineage
    link, _ = SectionLink.objects.get_or_create(
        standard_section=standard,
        document=document,
        section_lineage=lineage,
        target_type=ContentType.objects.get_for_model(item),
        target_id=str(item.pk),
        defaults={"kind": kind},
    )
    return link


def links_for(*, section_code: str | None = None, section: Section | None = None) -> list[SectionLink]:
    """Return the items linked to a 対策基準 code (including its sections in force) or to one section."""
    if section is not None:
        condition = models.Q(document=section.version.document, section_lineage=section.lineage)
        if section.standard_section_id:
            condition |= models.Q(standard_section_id=section.standard_section_id)
        return list(SectionLink.objects.filter(condition).select_related("target_type"))
    return list(SectionLink.objects.filter(standard_section__code=section_code).select_related("target_type"))


def sections_for_code(section_code: str) -> list[Section]:
    """Return the sections in force that implement a 対策基準 code (for display by other apps)."""
    return list(
        Section.objects.filter(
            standard_section__code=section_code, version__status=VersionStatus.IN_FORCE
        ).select_related("version", "version__document")
    )


# --- the 対策基準 section tree ---------------------------------------------------------------------


@transaction.atomic
def update_standard_section(
    *, actor: object, section: StandardSection, title: str, is_active: bool
) -> StandardSection:
    """Rename or retire a 対策基準 code; the code itself never changes (other registers key on it)."""
    _require(actor, "policies.manage_standard")
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
    _require(actor, "policies.manage_standard")
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
