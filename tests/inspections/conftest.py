"""Fixtures of the inspections tests: a 税務課 head, a system manager and a ready-made campaign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_person


@pytest.fixture
def zeimu_head(city):
    return make_person(
        "zeimu-head", city.zeimu, number="900010", family="田中", roles=[("security_manager", city.zeimu)]
    )


@pytest.fixture
def system_manager(city):
    return make_person(
        "sysman", city.shimin, number="900011", family="佐藤", roles=[("system_manager", city.shimin)]
    )


@pytest.fixture
def staff_items(db):
    """Three staff items (screen lock, training, passwords) — a short sheet for fast tests."""
    from mamori.inspections.models import ChecklistItem

    return list(ChecklistItem.objects.filter(code__in=["4.4-01", "5.2-01", "5.4-01"]).order_by("code"))


@pytest.fixture
def make_campaign(policy_officer, city, staff_items):
    """Create (and open) a campaign for 市民課 and 税務課 staff, with the short item list by default."""
    from mamori.inspections import services

    def make(*, items=None, units=None, types=("staff",), open_it=True, year=None, **extra):
        today = timezone.localdate()
        campaign = services.create_campaign(
            actor=policy_officer,
            fiscal_year=year or 2026,
            title=extra.pop("title", "テスト自己点検"),
            opens_on=extra.pop("opens_on", today - dt.timedelta(days=1)),
            closes_on=extra.pop("closes_on", today + dt.timedelta(days=30)),
            units=units or [city.shimin, city.zeimu],
            respondent_types=list(types),
            items=items if items is not None else staff_items,
            **extra,
        )
        if open_it:
            services.open_campaign(campaign, actor=policy_officer)
        return campaign

    return make


def sheet_of(campaign, user, respondent_type="staff"):
    return campaign.sheets.get(person__user=user, respondent_type=respondent_type)


def answer_all(sheet, user, value="done", comment=""):
    from mamori.inspections import services

    for answer in sheet.answers.all():
        services.save_answer(sheet, answer.campaign_item_id, actor=user, value=value, comment=comment)


@pytest.fixture
def register(city, policy_officer):
    """Two 市民課 systems and one 税務課 system in the asset register (zones left unset)."""
    from mamori.assets import services

    def make(code, name, unit):
        return services.save_system(
            None, actor=policy_officer, values={"code": code, "name": name, "unit": unit}
        )

    return {
        "jyuki": make("SYS-100", "住民基本台帳システム", city.shimin),
        "yoyaku": make("SYS-101", "窓口予約システム", city.shimin),
        "zeimu": make("SYS-200", "税務システム", city.zeimu),
    }
