"""The demo register of 青葉台市: realistic, idempotent, with exactly one deliberate inconsistency."""

from __future__ import annotations

from mamori.assets.demo import load_demo
from mamori.assets.models import Asset, System
from mamori.core.demo import load_demo_city


def test_demo_register_has_one_deliberate_finding_and_loads_once(db):
    load_demo_city()
    assert load_demo() == {"systems": 7, "assets": 15}
    assert load_demo() == {"systems": 0, "assets": 0}
    juki = System.objects.get(name="住民基本台帳システム")
    assert (juki.zone.name, juki.unit.code) == ("マイナンバー利用事務系", "A0201")
    assert System.objects.get(name="財務会計システム").zone.name == "LGWAN接続系"
    assert System.objects.get(name="メールシステム").zone.name == "インターネット接続系"
    assert set(Asset.objects.values_list("kind", flat=True)) == {"system", "electronic", "paper", "document"}
    with_findings = Asset.objects.filter(finding_count__gt=0)
    assert [(a.name, a.finding_codes) for a in with_findings] == [
        ("児童手当の申請データ", ",my_number_outside_zone,")
    ]
    assert not System.objects.exclude(finding_codes="").exists()
