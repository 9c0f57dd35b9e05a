"""Fiscal year (年度, April to March) and Japanese era (和暦) helpers: the only place dates become 和暦."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str
    starts_on: dt.date


# Era start dates: 明治改元 by the solar calendar adoption, the rest by the 元号 proclamations.
ERAS: tuple[Era, ...] = (
    Era("令和", dt.date(2019, 5, 1)),
    Era("平成", dt.date(1989, 1, 8)),
    Era("昭和", dt.date(1926, 12, 25)),
    Era("大正", dt.date(1912, 7, 30)),
    Era("明治", dt.date(1873, 1, 1)),
)


class OutOfEraRange(ValueError):
    """The date is before the first era Mamori knows (明治6年)."""


def era_of(day: dt.date) -> tuple[Era, int]:
    """Return the era containing ``day`` and the year within it (1 for 元年)."""
    for era in ERAS:
        if day >= era.starts_on:
            return era, day.year - era.starts_on.year + 1
    raise OutOfEraRange(f"{day.isoformat()} is before 明治6年")


def _year_label(year: int, gannen: bool) -> str:
    return "元" if gannen and year == 1 else str(year)


def wareki_year(day: dt.date, *, gannen: bool = False) -> str:
    """Return the era year of ``day``, e.g. ``令和7年``."""
    era, year = era_of(day)
    return f"{era.name}{_year_label(year, gannen)}年"


def wareki_date(day: dt.date | dt.datetime, *, gannen: bool = False) -> str:
    """Return ``day`` as 和暦, e.g. ``令和7年11月25日``."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{wareki_year(day, gannen=gannen)}{day.month}月{day.day}日"


def fiscal_year(day: dt.date | dt.datetime) -> int:
    """Return the 年度 (as the Gregorian year it starts in) that contains ``day``."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of 年度 ``year``: 4月1日 to the next 3月31日."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """Return 年度 ``year`` as 和暦, e.g. ``令和7年度`` (元年 spelled 元).

    A 年度 takes the era in force at the end of its first calendar year: 2019年度 (2019-04-01 to
    2020-03-31) is 令和元年度, as budgets and settlements name it, while 1988年度 stays 昭和63年度
    because 平成 began only in January 1989.
    """
    era, era_year = era_of(dt.date(year, 12, 31))
    return f"{era.name}{_year_label(era_year, True)}年度"
