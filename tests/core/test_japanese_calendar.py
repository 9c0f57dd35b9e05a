import datetime as dt

import pytest

from mamori.core.japanese_calendar import (
    OutOfEraRange,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    wareki_date,
    wareki_year,
)


def test_fiscal_year_changes_between_march_31_and_april_1():
    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026


def test_january_belongs_to_the_previous_fiscal_year():
    assert fiscal_year(dt.date(2026, 1, 5)) == 2025
    assert fiscal_year(dt.datetime(2025, 12, 31, 23, 59)) == 2025


def test_fiscal_year_bounds_run_april_to_march():
    assert fiscal_year_bounds(2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_reiwa_starts_on_2019_05_01():
    assert wareki_date(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki_date(dt.date(2019, 5, 1)) == "令和1年5月1日"
    assert wareki_date(dt.date(2019, 5, 1), gannen=True) == "令和元年5月1日"


def test_heisei_starts_on_1989_01_08():
    assert wareki_year(dt.date(1989, 1, 7)) == "昭和64年"
    assert wareki_year(dt.date(1989, 1, 8)) == "平成1年"


def test_today_in_the_seed_example():
    assert wareki_date(dt.date(2025, 11, 25)) == "令和7年11月25日"
    assert fiscal_year_label(2025) == "令和7年度"


def test_fiscal_year_2019_is_named_reiwa_gannen():
    assert fiscal_year_label(2018) == "平成30年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(2020) == "令和2年度"


def test_fiscal_year_1988_keeps_showa_because_heisei_began_in_january():
    assert fiscal_year_label(1988) == "昭和63年度"


def test_dates_before_meiji_6_are_refused():
    with pytest.raises(OutOfEraRange):
        wareki_date(dt.date(1872, 12, 31))
