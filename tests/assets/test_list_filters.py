"""The list filters by unit, type, zone, level, personal data and findings; sorts and paginates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mamori.assets.models import Asset

from .conftest import level, levels


@pytest.fixture
def register(city, systems, zones, make_asset):
    return {
        "resident": make_asset(
            "住民記録",
            system_list=[systems["my_number"]],
            has_my_number=True,
            has_personal_data=True,
            **levels("3B"),
        ),
        "misplaced": make_asset("児童手当申請", system_list=[systems["lgwan"]], has_my_number=True),
        "paper": make_asset("窓口日誌", kind=Asset.Kind.PAPER, **levels("2")),
        "tax": make_asset("課税資料", unit=city.zeimu, has_sensitive_personal_data=True),
        "usb": make_asset("USBメモリ", kind=Asset.Kind.SYSTEM, form="media", zone=zones["lgwan"]),
    }


def names(client, **params) -> list[str]:
    response = client.get(reverse("assets:asset_list"), params)
    assert response.status_code == 200
    return [a.name for a in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "paper"}, ["窓口日誌"]),
        ({"personal": "my_number"}, ["住民記録", "児童手当申請"]),
        ({"personal": "sensitive"}, ["課税資料"]),
        ({"finding": "any"}, ["児童手当申請"]),
        ({"finding": "my_number_outside_zone"}, ["児童手当申請"]),
        ({"q": "USB"}, ["USBメモリ"]),
    ],
)
def test_filters(login, policy_officer, register, params, expected):
    assert names(login(policy_officer), **params) == expected


def test_filter_by_zone_covers_systems_and_own_zone(login, policy_officer, register, zones):
    assert names(login(policy_officer), zone=zones["lgwan"].pk) == ["児童手当申請", "USBメモリ"]


def test_filter_by_unit_and_level(login, policy_officer, register, city):
    client = login(policy_officer)
    assert names(client, unit=city.zeimu.pk) == ["課税資料"]
    assert names(client, level=level("confidentiality", "3B").pk) == ["住民記録"]
    assert len(names(client, unit=city.department.pk)) == 5  # sub-units included


def test_sort_by_name_descending(login, policy_officer, register):
    result = names(login(policy_officer), sort="-name")
    assert result == sorted(result, reverse=True)


def test_pagination(login, policy_officer, make_asset):
    for i in range(55):
        make_asset(f"文書{i:03d}")
    client = login(policy_officer)
    assert len(names(client)) == 50
    second = client.get(reverse("assets:asset_list"), {"page": 2})
    assert len(second.context["page"]) == 5
    assert "2 / 2ページ" in second.content.decode()
