"""Demo self-inspections for 青葉台市: last 年度 finished, this 年度 open, an audit and a finding.

Idempotent: nothing is created when the demo campaigns already exist. Needs the demo city (core/demo.py).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mamori.assets.services import register_systems
from mamori.core import audit
from mamori.core.japanese_calendar import fiscal_year, fiscal_year_label
from mamori.core.models import Person, Unit
from mamori.inspections import services
from mamori.inspections.models import Answer, AnswerSheet, AuditItem, AuditPlan, Campaign, ChecklistItem
from mamori.inspections.models.campaigns import POINTS

DEMO_UNITS = ("A0103", "A0201", "A0202", "A0203")
# Systems of the demo asset register (assets/demo.py) audited this year.
DEMO_AUDIT_SYSTEMS = ("SYS-000001", "SYS-000002")
# Probability of 実施 / 一部実施 / 未実施 / 該当なし; this year is a little better than last year.
LAST_YEAR_WEIGHTS = (0.62, 0.2, 0.13, 0.05)
THIS_YEAR_WEIGHTS = (0.72, 0.16, 0.07, 0.05)
VALUES = ("done", "partial", "not_done", "na")


# Demo logins whose sheets stay unanswered this year, so logging in as them shows the task.
LEAVE_OPEN = ("100014", "100013")


def _fill(
    campaign: Campaign,
    rng: random.Random,
    weights: tuple[float, ...],
    share: float,
    leave_open: tuple[str, ...] = (),
) -> int:
    """Answer a share of the sheets at random and mark them; return how many answers were filled."""
    answers: list[Answer] = []
    for sheet in campaign.sheets.select_related("person").order_by("pk"):
        if rng.random() > share or sheet.person.employee_number in leave_open:
            continue
        for answer in sheet.answers.all():
            value = rng.choices(VALUES, weights)[0]
            answer.value = value
            answer.points = POINTS[value]
            answer.comment = (
                "担当が替わり対応が追いついていない。年度内に改善する。"
                if value == "not_done" and rng.random() < 0.3
                else ""
            )
            answer.review = Answer.Review.ACCEPTED if campaign.status == Campaign.Status.CLOSED else ""
            answers.append(answer)
        sheet.status = (
            AnswerSheet.Status.ACCEPTED
            if campaign.status == Campaign.Status.CLOSED
            else AnswerSheet.Status.SUBMITTED
        )
        sheet.submitted_at = timezone.now()
        sheet.save()
    Answer.objects.bulk_update(answers, ["value", "points", "comment", "review"], batch_size=1000)
    audit.record(
        "update",
        object_type="inspections.answer",
        object_repr=f"{campaign} のデモ回答 {len(answers)}件",
        changes={"campaign": campaign.pk, "answers": len(answers)},
    )
    return len(answers)


def load_demo() -> None:
    """Create the demo campaigns, audit plan, finding and corrective action once."""
    officer = get_user_model().objects.filter(username="seisaku").first()
    units = list(Unit.objects.filter(code__in=DEMO_UNITS).order_by("path"))
    if officer is None or len(units) != len(DEMO_UNITS):
        return
    this_year = fiscal_year(timezone.localdate())
    last_title = f"{fiscal_year_label(this_year - 1)} 情報セキュリティ自己点検"
    if Campaign.objects.filter(title=last_title).exists():
        return
    rng = random.Random(20250401)  # noqa: S311 - demo answers, not secrets; fixed so charts repeat
    today = timezone.localdate()
    with transaction.atomic(), audit.acting_as(officer, via="demo"):
        last = services.create_campaign(
            actor=officer,
            fiscal_year=this_year - 1,
            title=last_title,
            opens_on=dt.date(this_year - 1, 10, 1),
            closes_on=dt.date(this_year - 1, 10, 31),
            units=units,
            respondent_types=["staff", "unit", "system"],
            items=ChecklistItem.objects.filter(is_active=True),
            # The register's systems of these units: each is answered by its 情報システム管理者.
            systems=list(register_systems().filter(unit__code__in=DEMO_UNITS)),
        )
        # Status set directly: the demo must not e-mail the (fictional) staff.
        last.status = Campaign.Status.CLOSED
        last.save()
        _fill(last, rng, LAST_YEAR_WEIGHTS, share=1.0)
        # Closing last year's campaign hands its weak sections to the policy review (issue 8 item 6).
        services.raise_review_triggers(last, actor=officer)
        current = services.create_campaign_from(
            last,
            actor=officer,
            fiscal_year=this_year,
            title=f"{fiscal_year_label(this_year)} 情報セキュリティ自己点検",
            opens_on=today - dt.timedelta(days=7),
            closes_on=today + dt.timedelta(days=21),
        )
        current.status = Campaign.Status.OPEN
        current.save()
        _fill(current, rng, THIS_YEAR_WEIGHTS, share=0.6, leave_open=LEAVE_OPEN)
        _demo_audit(officer, this_year, today)


def _demo_audit(officer: object, year: int, today: dt.date) -> None:
    shimin = Unit.objects.get(code="A0201")
    plan = services.create_plan(
        actor=officer,
        fiscal_year=year,
        title=f"{fiscal_year_label(year)} 情報セキュリティ内部監査",
        scope="マイナンバー利用事務系を扱う課の管理状況と、前年度自己点検で実施率の低かった項目",
        units=[shimin, Unit.objects.get(code="A0202")],
        systems=list(register_systems().filter(code__in=DEMO_AUDIT_SYSTEMS)),
        items=list(AuditItem.objects.filter(is_priority=True)),
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=30),
    )
    auditor = Person.objects.filter(employee_number="100034").first()
    if auditor is None:
        return
    services.assign_auditor(plan, actor=officer, auditor=auditor, unit=shimin, is_lead=True)
    plan.status = AuditPlan.Status.FIELDWORK
    plan.save()
    failing = Answer.objects.filter(unit=shimin, value="not_done", campaign__fiscal_year=year - 1).first()
    if failing is None:
        return
    finding = services.raise_finding_from_answer(failing, actor=officer, severity="medium")
    head = Person.objects.filter(employee_number="100013").first() or auditor
    services.add_action(
        finding,
        actor=officer,
        description="課内で手順を再周知し、月次で実施状況を確認する。",
        owner=head,
        due_on=today - dt.timedelta(days=10),
    )
