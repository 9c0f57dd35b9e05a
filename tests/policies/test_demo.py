"""The demo city's policy: all three layers, loaded once."""

from __future__ import annotations

from mamori.core.demo import load_demo_city
from mamori.policies.demo import load_demo
from mamori.policies.models import Layer, PolicyDocument, VersionStatus


def test_demo_loads_all_three_layers_once(db):
    load_demo_city()
    assert load_demo() == {"documents": 4}
    assert load_demo() == {"documents": 0}
    layers = sorted(PolicyDocument.objects.values_list("layer", flat=True))
    assert layers == sorted([Layer.BASIC, Layer.STANDARD, Layer.PROCEDURE, Layer.PROCEDURE])
    basic = PolicyDocument.objects.get(layer=Layer.BASIC)
    assert basic.is_public
    assert basic.versions.filter(status=VersionStatus.IN_FORCE).count() == 1
    assert basic.versions.filter(status=VersionStatus.SUPERSEDED).count() == 1
    standard = PolicyDocument.objects.get(layer=Layer.STANDARD)
    coded = standard.current_version().sections.filter(standard_section__code="3.2").get()
    assert coded.full_number == "第3章2"
    assert standard.versions.filter(status=VersionStatus.IN_REVIEW).exists()
    juki = PolicyDocument.objects.get(title="住民基本台帳システム運用手順")
    assert juki.owner_unit.code == "A0201"
    assert juki.is_review_overdue()
    assert juki.current_version().receipts.filter(person__unit__code="A0202").count() == 0
