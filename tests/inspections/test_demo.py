"""The demo: a finished campaign last 年度 and an open one this 年度 in 青葉台市, loaded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mamori.core.demo import load_demo_city
from mamori.core.japanese_calendar import fiscal_year
from mamori.inspections.demo import load_demo
from mamori.inspections.models import Answer, Campaign, CorrectiveAction, Finding
from mamori.inspections.results import campaign_results, trend

pytestmark = pytest.mark.django_db


def test_demo_loads_two_years_with_answers_once():
    load_demo_city(demo_password="demo-password-1234")
    load_demo()
    load_demo()
    year = fiscal_year(timezone.localdate())
    last = Campaign.objects.get(fiscal_year=year - 1)
    current = Campaign.objects.get(fiscal_year=year)
    assert (last.status, current.status) == ("closed", "open")
    assert current.previous == last
    assert Answer.objects.filter(campaign=last).exclude(value="").count() > 500
    assert Answer.objects.filter(campaign=current).exclude(value="").exists()
    results = campaign_results(last)
    assert len(results.units) == 4 and all(u.score is not None for u in results.units)
    assert len(trend()) == 2
    assert Finding.objects.count() == 1
    assert CorrectiveAction.objects.get().is_overdue()
