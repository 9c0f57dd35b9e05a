"""A small register: systems in each zone and helpers to add assets through the services."""

from __future__ import annotations

import pytest

from mamori.assets import services
from mamori.assets.models import Asset, Level, System, Zone


def level(axis: str, code: str, scheme: str = "r6") -> Level:
    return Level.objects.get(scheme__code=scheme, axis=axis, code=code)


def levels(c: str, i: str = "2", a: str = "2", scheme: str = "r6") -> dict[str, Level]:
    return {
        "confidentiality": level("confidentiality", c, scheme),
        "integrity": level("integrity", i, scheme),
        "availability": level("availability", a, scheme),
    }


@pytest.fixture
def zones(db):
    return {z.kind: z for z in Zone.objects.all()}


@pytest.fixture
def systems(city, policy_officer, zones):
    def make(code: str, name: str, kind: str | None, unit=None) -> System:
        return services.save_system(
            None,
            actor=policy_officer,
            values={
                "code": code,
                "name": name,
                "unit": unit or city.shimin,
                "zone": zones.get(kind) if kind else None,
            },
        )

    return {
        "my_number": make("SYS-MN", "住民基本台帳システム", "my_number"),
        "lgwan": make("SYS-LG", "財務会計システム", "lgwan", city.seisaku),
        "internet": make("SYS-IN", "メールシステム", "internet", city.seisaku),
    }


@pytest.fixture
def owner(city, section_head):
    return section_head.person


@pytest.fixture
def make_asset(city, policy_officer, owner):
    def make(name: str = "住民記録データ", *, actor=None, system_list=(), unit=None, **values) -> Asset:
        data = {"name": name, "kind": Asset.Kind.ELECTRONIC, "unit": unit or city.shimin, "owner": owner}
        data.update(levels("3C"))
        data.update(values)
        return services.save_asset(
            None, actor=actor or policy_officer, values=data, systems=list(system_list)
        )

    return make
