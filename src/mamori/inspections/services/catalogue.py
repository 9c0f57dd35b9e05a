"""Editing the checklist catalogue: add, edit, retire and restore items, and start a new version."""

from __future__ import annotations

from django.db import transaction

from mamori.inspections.errors import InspectionError
from mamori.inspections.models import CatalogueVersion, ChecklistItem, RespondentType
from mamori.inspections.services._guards import require
from mamori.policies.models import StandardSection

EDITABLE_FIELDS = ("section", "respondent_type", "question", "guidance", "requires_evidence", "is_priority")


def current_version() -> CatalogueVersion:
    """Return the current catalogue version (the newest one marked current)."""
    version = CatalogueVersion.objects.filter(is_current=True).first()
    if version is None:
        raise InspectionError("点検項目の現行版がありません。", code="no_current_version")
    return version


def next_code(section: StandardSection) -> str:
    """Return the next free item code within a section (``5.4-07``)."""
    prefix = f"{section.code}-"
    numbers = [
        int(code[len(prefix) :])
        for code in ChecklistItem.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _check(question: str, respondent_type: str) -> None:
    if not question.strip():
        raise InspectionError("点検内容を入力してください。", code="question_required")
    if respondent_type not in RespondentType.values:
        raise InspectionError("回答者の区分が正しくありません。", code="bad_respondent")


@transaction.atomic
def create_item(
    *,
    actor: object,
    section: StandardSection,
    respondent_type: str,
    question: str,
    guidance: str = "",
    requires_evidence: bool = False,
    is_priority: bool = False,
    code: str = "",
) -> ChecklistItem:
    """Add a municipality's own item to the current catalogue version."""
    require(actor, "inspections.manage_catalogue")
    _check(question, respondent_type)
    if code and ChecklistItem.objects.filter(code=code).exists():
        raise InspectionError(f"項目番号「{code}」は既に使われています。", code="duplicate_code")
    last = ChecklistItem.objects.order_by("-order").values_list("order", flat=True).first() or 0
    return ChecklistItem.objects.create(
        code=code or next_code(section),
        section=section,
        respondent_type=respondent_type,
        question=question.strip(),
        guidance=guidance.strip(),
        requires_evidence=requires_evidence,
        is_priority=is_priority,
        is_local=True,
        version=current_version(),
        order=last + 10,
    )


@transaction.atomic
def update_item(item: ChecklistItem, *, actor: object, **changes: object) -> bool:
    """Change an item's wording or flags; return False when nothing changed.

    Campaigns keep the wording they asked, so editing never rewrites past answers.
    """
    require(actor, "inspections.manage_catalogue")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = False
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    if not changed:
        return False
    _check(item.question, item.respondent_type)
    item.version = current_version()
    item.save()
    return True


@transaction.atomic
def retire_item(item: ChecklistItem, *, actor: object) -> None:
    """Stop asking an item in new campaigns; past answers stay."""
    require(actor, "inspections.manage_catalogue")
    if not item.is_active:
        return
    item.is_active = False
    item.retired_in = current_version()
    item.save()


@transaction.atomic
def restore_item(item: ChecklistItem, *, actor: object) -> None:
    """Ask a retired item again in new campaigns."""
    require(actor, "inspections.manage_catalogue")
    if item.is_active:
        return
    item.is_active = True
    item.retired_in = None
    item.version = current_version()
    item.save()


@transaction.atomic
def start_catalogue_version(
    *, actor: object, guideline_version: str, title: str, notes: str = ""
) -> CatalogueVersion:
    """Start a catalogue version for a new guideline version; later edits are recorded against it."""
    require(actor, "inspections.manage_catalogue")
    guideline_version = guideline_version.strip()
    if not guideline_version:
        raise InspectionError("ガイドライン版を入力してください。", code="version_required")
    if CatalogueVersion.objects.filter(guideline_version=guideline_version).exists():
        raise InspectionError(f"「{guideline_version}」の版は既にあります。", code="duplicate_version")
    for old in CatalogueVersion.objects.filter(is_current=True):
        old.is_current = False
        old.save()
    return CatalogueVersion.objects.create(
        guideline_version=guideline_version,
        title=title.strip() or guideline_version,
        notes=notes,
        is_current=True,
    )
