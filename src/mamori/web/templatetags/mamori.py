"""Template filters for Japanese dates and names."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from mamori.core.japanese_calendar import fiscal_year, fiscal_year_label, wareki_date

register = template.Library()


@register.filter
def wareki(value: object) -> str:
    """Show a date or datetime as 和暦 (令和7年11月25日); datetimes in local time."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return wareki_date(value.date())
    if isinstance(value, dt.date):
        return wareki_date(value)
    return ""


@register.filter
def wareki_time(value: object) -> str:
    """Show a datetime as 和暦 with the local time (令和7年11月25日 14:05)."""
    if not isinstance(value, dt.datetime):
        return wareki(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{wareki_date(local.date())} {local:%H:%M}"


@register.filter
def nendo(value: object) -> str:
    """Show the 年度 of a date, or a 年度 given as an integer (令和7年度)."""
    if isinstance(value, int):
        return fiscal_year_label(value)
    if isinstance(value, dt.date):
        return fiscal_year_label(fiscal_year(value))
    return ""


@register.filter
def display_name(user: object) -> str:
    """Show the person's name for a user account, or the username."""
    # A user without a person record raises RelatedObjectDoesNotExist, an AttributeError: getattr's default.
    person = getattr(user, "person", None) if user is not None else None
    if person is not None:
        return str(person.full_name)
    return str(getattr(user, "username", ""))


@register.filter
def get_item(mapping: object, key: object) -> object:
    """Look up ``key`` in a dict from a template (``children|get_item:unit.pk``)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def mul(value: object, factor: object) -> int:
    """Multiply two integers in a template (SVG coordinates)."""
    try:
        return int(value) * int(factor)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


@register.filter
def bar_width(value: object, maximum: object, full: int = 360) -> int:
    """Scale ``value`` to a bar length of at most ``full`` units against ``maximum``."""
    try:
        v, m = float(value), float(maximum)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    if m <= 0:
        return 0
    return round(full * max(0.0, min(v, m)) / m)
