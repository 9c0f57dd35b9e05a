"""Running a 年度's self-inspection: create, open, answer, attach evidence, submit, review, close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mamori.assets.models import System
from mamori.assets.services import find_system, register_systems
from mamori.core import audit
from mamori.core.models import Person, RoleAssignment, Unit
from mamori.core.permissions import can
from mamori.inspections import limits, mail
from mamori.inspections.errors import EvidenceRejected, InspectionError, NotAllowed, SheetNotEditable
from mamori.inspections.models import (
    Answer,
    AnswerSheet,
    AnswerValue,
    Campaign,
    CampaignItem,
    ChecklistItem,
    Evidence,
    RespondentType,
)
from mamori.inspections.models.campaigns import POINTS
from mamori.inspections.services._guards import person_or_refuse, require
from mamori.inspections.services.catalogue import current_version

# Which role answers the unit and system items of a unit (domain/municipal-policy.md §5).
ROLE_FOR_TYPE = {RespondentType.UNIT: "security_manager", RespondentType.SYSTEM: "system_manager"}


def _respondents(unit: Unit, respondent_type: str, on: dt.date) -> list[Person]:
    if respondent_type == RespondentType.STAFF:
        return list(Person.objects.filter(unit__path__startswith=unit.path, is_active=True))
    assignments = (
        RoleAssignment.objects.current(on)
        .filter(role__code=ROLE_FOR_TYPE[RespondentType(respondent_type)], unit=unit, person__is_active=True)
        .select_related("person")
    )
    return list({a.person_id: a.person for a in assignments}.values())


def system_respondents(system: System, on: dt.date) -> list[Person]:
    """Return who answers for a register system: its 情報システム管理者 and the unit's system managers.

    The register names one manager per system; the role assignments of the owning unit add deputies
    and cover a system whose named manager has left.
    """
    people = {p.pk: p for p in _respondents(system.unit, RespondentType.SYSTEM, on)}
    if system.manager is not None and system.manager.is_active:
        people.setdefault(system.manager.pk, system.manager)
    return sorted(people.values(), key=lambda p: p.employee_number)


def _home_unit(system: System, units: Sequence[Unit]) -> Unit | None:
    """Return the deepest chosen unit that holds ``system``'s owning unit."""
    holding = [u for u in units if system.unit.is_within(u)]
    return max(holding, key=lambda u: len(u.path)) if holding else None


def _add_sheets(
    campaign: Campaign,
    units: Sequence[Unit],
    respondent_types: Iterable[str],
    systems: Sequence[System] = (),
) -> int:
    items_by_type: dict[str, list[CampaignItem]] = {}
    for ci in campaign.items.all():
        items_by_type.setdefault(ci.respondent_type, []).append(ci)
    systems_by_unit: dict[int, list[System]] = {}
    for system in systems:
        home = _home_unit(system, units)
        if home is not None:
            systems_by_unit.setdefault(home.pk, []).append(system)
    answers: list[Answer] = []
    n_sheets = 0

    def add(person: Person, unit: Unit, respondent_type: str, system: System | None) -> None:
        nonlocal n_sheets
        sheet = AnswerSheet.objects.create(
            campaign=campaign, person=person, unit=unit, respondent_type=respondent_type, system=system
        )
        n_sheets += 1
        answers.extend(
            Answer(sheet=sheet, campaign_item=ci, campaign=campaign, unit=unit, section_id=ci.section_id)
            for ci in items_by_type[respondent_type]
        )

    for unit in units:
        for respondent_type in respondent_types:
            if not items_by_type.get(respondent_type):
                continue
            chosen = systems_by_unit.get(unit.pk, []) if respondent_type == RespondentType.SYSTEM else []
            if chosen:
                # One sheet per register system, answered by whoever manages that system.
                for system in chosen:
                    for person in system_respondents(system, campaign.opens_on):
                        add(person, unit, respondent_type, system)
                continue
            for person in _respondents(unit, respondent_type, campaign.opens_on):
                add(person, unit, respondent_type, None)
    Answer.objects.bulk_create(answers, batch_size=2000)
    audit.record(
        "create",
        object_type="inspections.answer",
        object_repr=f"{campaign} の回答欄 {len(answers)}件（点検票 {n_sheets}件）",
        changes={"campaign": campaign.pk, "answers": len(answers), "sheets": n_sheets},
    )
    return n_sheets


def _check_dates(fiscal_year: int, opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise InspectionError("締切日は開始日より後にしてください。", code="bad_dates")
    if fiscal_year < 2000 or fiscal_year > 2100:
        raise InspectionError("年度が正しくありません。", code="bad_fiscal_year")


@transaction.atomic
def create_campaign(
    *,
    actor: object,
    fiscal_year: int,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    units: Sequence[Unit],
    respondent_types: Sequence[str],
    items: Iterable[ChecklistItem],
    previous: Campaign | None = None,
    show_previous_answers: bool = False,
    systems: Sequence[System] = (),
) -> Campaign:
    """Create a draft campaign with its items and one sheet per respondent in the chosen units.

    ``systems`` are asset register systems of the chosen units: each is answered on its own sheet by its
    情報システム管理者 (the register's manager and the owning unit's system managers). A chosen unit
    holding none of them gets one system sheet per system manager, as before.
    """
    require(actor, "inspections.manage_campaigns")
    _check_dates(fiscal_year, opens_on, closes_on)
    chosen = [i for i in items if i.is_active and i.respondent_type in respondent_types]
    if not chosen:
        raise InspectionError("点検項目を1件以上選んでください。", code="no_items")
    if not units:
        raise InspectionError("対象組織を1つ以上選んでください。", code="no_units")
    outside = [s.name for s in systems if _home_unit(s, units) is None]
    if outside:
        raise InspectionError(
            f"対象組織に含まれないシステムが選ばれています: {'、'.join(outside)}。"
            "所管課を対象組織に加えるか、選択を外してください。",
            code="system_outside_units",
        )
    campaign = Campaign.objects.create(
        fiscal_year=fiscal_year,
        title=title.strip() or f"{fiscal_year}年度 情報セキュリティ自己点検",
        catalogue_version=current_version(),
        opens_on=opens_on,
        closes_on=closes_on,
        previous=previous,
        show_previous_answers=show_previous_answers and previous is not None,
    )
    campaign.units.set(units)
    CampaignItem.objects.bulk_create(
        CampaignItem(
            campaign=campaign,
            item=i,
            section_id=i.section_id,
            respondent_type=i.respondent_type,
            question=i.question,
            guidance=i.guidance,
            requires_evidence=i.requires_evidence,
            is_priority=i.is_priority,
            order=i.order,
        )
        for i in chosen
    )
    _add_sheets(campaign, list(units), respondent_types, systems)
    return campaign


@transaction.atomic
def create_campaign_from(
    previous: Campaign,
    *,
    actor: object,
    fiscal_year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    title: str = "",
    show_previous_answers: bool = True,
) -> Campaign:
    """Start a campaign from last year's: the same units, respondent types and (still active) items."""
    item_ids = previous.items.values_list("item_id", flat=True)
    system_ids = set(
        previous.sheets.filter(respondent_type=RespondentType.SYSTEM, system__isnull=False).values_list(
            "system_id", flat=True
        )
    )
    # Sheets older than the register link name their system in text; carry those the register knows.
    for ref in (
        previous.sheets.filter(respondent_type=RespondentType.SYSTEM, system__isnull=True)
        .exclude(system_ref="")
        .values_list("system_ref", flat=True)
        .distinct()
    ):
        match = find_system(ref)
        if match is not None:
            system_ids.add(match.pk)
    systems = list(register_systems().filter(pk__in=system_ids))
    types = sorted(set(previous.items.values_list("respondent_type", flat=True)))
    return create_campaign(
        actor=actor,
        fiscal_year=fiscal_year,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        units=list(previous.units.all()),
        respondent_types=types,
        items=ChecklistItem.objects.filter(pk__in=item_ids, is_active=True),
        previous=previous,
        show_previous_answers=show_previous_answers,
        systems=systems,
    )


def _emails(campaign: Campaign, statuses: Iterable[str]) -> list[str]:
    return list(
        campaign.sheets.filter(status__in=list(statuses)).values_list("person__email", flat=True).distinct()
    )


@transaction.atomic
def open_campaign(campaign: Campaign, *, actor: object) -> None:
    """Open a draft campaign: respondents get a task and an e-mail."""
    require(actor, "inspections.manage_campaigns")
    if campaign.status != Campaign.Status.DRAFT:
        raise InspectionError("準備中の自己点検だけを開始できます。", code="not_draft")
    campaign.status = Campaign.Status.OPEN
    campaign.save()
    mail.campaign_opened(campaign, _emails(campaign, [AnswerSheet.Status.NOT_STARTED]))


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor: object) -> None:
    """Close an open campaign; answers can no longer change."""
    require(actor, "inspections.manage_campaigns")
    if campaign.status != Campaign.Status.OPEN:
        raise InspectionError("実施中の自己点検だけを終了できます。", code="not_open")
    campaign.status = Campaign.Status.CLOSED
    campaign.save()
    raise_review_triggers(campaign, actor=actor)


def raise_review_triggers(campaign: Campaign, *, actor: object) -> list[str]:
    """Ask the policy section to review each section whose evidence needs it after ``campaign``.

    Returns the section codes; the policies app keeps one trigger per section and campaign, so
    calling this again adds nothing.
    """
    from mamori.inspections.review import section_evidence
    from mamori.policies.services import raise_review_trigger

    codes = sorted(set(campaign.items.values_list("section__code", flat=True)))
    raised = []
    for code in codes:
        evidence = section_evidence(code)
        if not evidence.needs_review:
            continue
        score = "－" if evidence.latest_score is None else f"{evidence.latest_score:.0f}%"
        raise_review_trigger(
            actor=actor,
            section_code=code,
            reason=(
                f"{campaign.title}の結果、見直しが必要です（実施率 {score}・未対応の指摘 "
                f"{evidence.open_findings}件・未完了の是正措置 {len(evidence.open_actions)}件）。"
            ),
            source=campaign,
        )
        raised.append(code)
    return raised


PENDING = (AnswerSheet.Status.NOT_STARTED, AnswerSheet.Status.IN_PROGRESS, AnswerSheet.Status.RETURNED)


@transaction.atomic
def send_campaign_reminders(campaign: Campaign, *, actor: object | None = None) -> int:
    """E-mail every respondent who has not submitted; return how many sheets were reminded."""
    if actor is not None:
        require(actor, "inspections.manage_campaigns")
    if campaign.status != Campaign.Status.OPEN:
        return 0
    sheets = campaign.sheets.filter(status__in=PENDING)
    emails = list(sheets.values_list("person__email", flat=True).distinct())
    count = sheets.update(last_reminded_at=timezone.now())
    audit.record(
        "other",
        object_type="inspections.campaign",
        object_id=campaign.pk,
        object_repr=f"{campaign} の督促",
        changes={"sheets": count},
    )
    mail.campaign_reminder(campaign, emails)
    return count


def _require_respondent(sheet: AnswerSheet, actor: object) -> None:
    person = person_or_refuse(actor)
    if sheet.person_id != person.pk:  # type: ignore[attr-defined]
        raise NotAllowed("ご本人の点検票だけに回答できます。")
    if not sheet.is_editable:
        raise SheetNotEditable("この点検票は提出済み、または受付期間外のため変更できません。")


@transaction.atomic
def save_answer(
    sheet: AnswerSheet, campaign_item_id: int, *, actor: object, value: str, comment: str
) -> Answer:
    """Save one answer as the respondent types it (autosave); the sheet becomes 回答中."""
    sheet = AnswerSheet.objects.select_for_update().select_related("campaign").get(pk=sheet.pk)
    _require_respondent(sheet, actor)
    if value not in {"", *AnswerValue.values}:
        raise InspectionError("回答の選択肢が正しくありません。", code="bad_value")
    if len(comment) > limits.MAX_COMMENT_CHARS:
        raise InspectionError(
            f"コメントは{limits.MAX_COMMENT_CHARS}文字以内で入力してください。", code="comment_too_long"
        )
    try:
        answer = sheet.answers.get(campaign_item_id=campaign_item_id)
    except Answer.DoesNotExist:
        raise InspectionError("この点検票にない項目です。", code="unknown_item") from None
    if sheet.status == AnswerSheet.Status.RETURNED and answer.review != Answer.Review.RETURNED:
        raise SheetNotEditable("差し戻された回答だけを修正できます。")
    if answer.value == value and answer.comment == comment:
        return answer
    answer.value = value
    answer.points = POINTS[value]
    answer.comment = comment
    answer.save()
    if sheet.status == AnswerSheet.Status.NOT_STARTED:
        sheet.status = AnswerSheet.Status.IN_PROGRESS
        sheet.save()
    return answer


def _sniff(untrusted_head: bytes, signatures: tuple[bytes, ...] | None) -> bool:
    if signatures is None:
        return b"\x00" not in untrusted_head
    return any(untrusted_head.startswith(sig) for sig in signatures)


@transaction.atomic
def attach_evidence(answer: Answer, *, actor: object, upload: UploadedFile) -> Evidence:
    """Store an evidence file for an answer under the data directory, within the size and type limits."""
    sheet = answer.sheet
    _require_respondent(sheet, actor)
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in limits.EVIDENCE_TYPES:
        allowed = "、".join(sorted(s.lstrip(".") for s in limits.EVIDENCE_TYPES))
        raise EvidenceRejected(f"この種類のファイルは添付できません（添付できる種類: {allowed}）。")
    size = upload.size or 0
    if size == 0:
        raise EvidenceRejected("空のファイルは添付できません。")
    if size > limits.MAX_EVIDENCE_BYTES:
        raise EvidenceRejected(
            f"ファイルが大きすぎます（上限 {limits.MAX_EVIDENCE_BYTES // (1024 * 1024)}MB）。"
        )
    if answer.evidence.count() >= limits.MAX_EVIDENCE_PER_ANSWER:
        raise EvidenceRejected(f"1つの回答に添付できるのは{limits.MAX_EVIDENCE_PER_ANSWER}件までです。")
    content_type, signatures = limits.EVIDENCE_TYPES[suffix]
    upload.seek(0)
    untrusted_head = upload.read(512)
    upload.seek(0)
    if not _sniff(untrusted_head, signatures):
        raise EvidenceRejected("ファイルの中身が拡張子と一致しません。")
    # The stored name is generated: the uploaded name is kept only as a label.
    upload.name = f"evidence{suffix}"
    return Evidence.objects.create(
        answer=answer,
        file=upload,
        original_name=name[:255],
        size=size,
        content_type=content_type,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def submit_sheet(sheet: AnswerSheet, *, actor: object) -> None:
    """Submit a complete sheet for the unit head's review.

    Raises InspectionError listing the items still unanswered or missing required evidence.
    """
    sheet = AnswerSheet.objects.select_for_update().select_related("campaign").get(pk=sheet.pk)
    _require_respondent(sheet, actor)
    answers = list(sheet.answers.select_related("campaign_item__item").prefetch_related("evidence"))
    missing = [a.campaign_item.item.code for a in answers if not a.value]
    no_evidence = [
        a.campaign_item.item.code
        for a in answers
        if a.campaign_item.requires_evidence
        and a.value in {AnswerValue.DONE, AnswerValue.PARTIAL}
        and not a.evidence.all()
    ]
    problems = []
    if missing:
        problems.append(f"未回答の項目があります（{'、'.join(missing)}）。")
    if no_evidence:
        problems.append(f"証跡の添付が必要な項目があります（{'、'.join(no_evidence)}）。")
    if problems:
        raise InspectionError("".join(problems), code="incomplete")
    for answer in answers:
        if answer.review == Answer.Review.RETURNED:
            answer.review = Answer.Review.NONE
            answer.save()
    sheet.status = AnswerSheet.Status.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save()


def _require_reviewer(sheet: AnswerSheet, actor: object) -> Person:
    if not can(actor, "inspections.review_sheets", sheet):
        raise NotAllowed("この組織の点検票を確認する権限がありません。")
    person = person_or_refuse(actor)
    if sheet.person_id == person.pk:  # type: ignore[attr-defined]
        raise NotAllowed("ご自身の点検票は確認できません。")
    if sheet.status != AnswerSheet.Status.SUBMITTED:
        raise InspectionError("提出済みの点検票だけを確認できます。", code="not_submitted")
    return person  # type: ignore[return-value]


@transaction.atomic
def return_answers(sheet: AnswerSheet, *, actor: object, comments: Mapping[int, str]) -> None:
    """Return the given answers (answer id → reason) to the respondent for correction."""
    sheet = AnswerSheet.objects.select_for_update().select_related("campaign", "unit").get(pk=sheet.pk)
    reviewer = _require_reviewer(sheet, actor)
    reasons = {pk: text.strip() for pk, text in comments.items()}
    if not reasons:
        raise InspectionError("差し戻す回答を選んでください。", code="nothing_returned")
    if any(not text for text in reasons.values()):
        raise InspectionError("差し戻す回答には理由を書いてください。", code="reason_required")
    answers = {a.pk: a for a in sheet.answers.filter(pk__in=list(reasons))}
    if len(answers) != len(reasons):
        raise InspectionError("この点検票にない回答が含まれています。", code="unknown_answer")
    for pk, answer in answers.items():
        answer.review = Answer.Review.RETURNED
        answer.review_comment = reasons[pk]
        answer.save()
    sheet.status = AnswerSheet.Status.RETURNED
    sheet.reviewer = reviewer
    sheet.reviewed_at = timezone.now()
    sheet.save()
    mail.answers_returned(sheet, sheet.person.email)


@transaction.atomic
def accept_sheet(sheet: AnswerSheet, *, actor: object) -> None:
    """Accept every answer of a submitted sheet."""
    sheet = AnswerSheet.objects.select_for_update().select_related("campaign", "unit").get(pk=sheet.pk)
    reviewer = _require_reviewer(sheet, actor)
    # One summary entry instead of one per answer: a sheet can hold a hundred answers.
    count = sheet.answers.exclude(review=Answer.Review.ACCEPTED).update(
        review=Answer.Review.ACCEPTED, review_comment=""
    )
    audit.record(
        "update",
        object_type="inspections.answer",
        object_repr=f"{sheet} の回答 {count}件を承認",
        changes={"sheet": sheet.pk, "review": "accepted", "count": count},
    )
    sheet.status = AnswerSheet.Status.ACCEPTED
    sheet.reviewer = reviewer
    sheet.reviewed_at = timezone.now()
    sheet.save()
