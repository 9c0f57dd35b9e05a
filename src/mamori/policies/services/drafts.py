"""Create documents, open drafts (copied or imported) and edit their sections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models, transaction

from mamori.core import audit
from mamori.core.models import Body, Role, Unit
from mamori.policies.importing import ParsedDocument
from mamori.policies.models import (
    OPEN_STATUSES,
    Audience,
    DocumentEvent,
    Layer,
    PolicyDocument,
    PolicyVersion,
    Section,
    SectionAudience,
    StandardSection,
    VersionStatus,
)
from mamori.policies.services._common import PolicyActionError, acting_user, log_event, require_permission

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
    require_permission(actor, "policies.draft")
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
    log_event(document, DocumentEvent.Kind.CREATED, actor=actor, note=title)
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
    require_permission(actor, "policies.draft")
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
    log_event(
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
    require_permission(actor, "policies.draft")
    if document.versions.filter(status__in=OPEN_STATUSES).exists():
        raise PolicyActionError("draft_exists", "この文書には審議中または作成中の改正案がすでにあります。")
    return PolicyVersion.objects.create(
        document=document,
        number=_next_number(document),
        change_summary=change_summary,
        created_by=acting_user(actor),
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
    log_event(document, DocumentEvent.Kind.DRAFTED, actor=actor, version=draft, note=change_summary)
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
    log_event(
        document,
        DocumentEvent.Kind.IMPORTED,
        actor=actor,
        version=draft,
        note=f"{source_name}（{len(rows)}節）",
    )
    return draft


def _require_editable(actor: object, version: PolicyVersion) -> None:
    require_permission(actor, "policies.draft")
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
    log_event(version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=str(section))
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
    log_event(
        version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=f"追加: {section}"
    )
    return section


@transaction.atomic
def delete_section(*, actor: object, section: Section) -> None:
    """Remove a section from a draft."""
    version = PolicyVersion.objects.select_for_update().get(pk=section.version_id)
    _require_editable(actor, version)
    label = str(section)
    section.delete()
    renumber(version)
    log_event(
        version.document, DocumentEvent.Kind.EDITED, actor=actor, version=version, note=f"削除: {label}"
    )
