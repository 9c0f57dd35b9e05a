"""Both shipped schemes, their handling restrictions, and migrating the register through the mapping."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mamori.assets import services
from mamori.assets.models import (
    ClassificationDecision,
    ClassificationScheme,
    HandlingRule,
    Level,
    LevelMapping,
)

from .conftest import level, levels


def codes(scheme: str, axis: str) -> list[str]:
    return list(
        Level.objects.filter(scheme__code=scheme, axis=axis).order_by("-rank").values_list("code", flat=True)
    )


def test_classic_scheme_has_three_confidentiality_levels(db):
    scheme = ClassificationScheme.objects.get(code="classic")
    assert scheme.guideline_version == "2023-03"
    assert codes("classic", "confidentiality") == ["3", "2", "1"]
    assert codes("classic", "integrity") == ["2", "1"]
    assert codes("classic", "availability") == ["2", "1"]


def test_2024_scheme_has_five_confidentiality_levels_and_is_active(db):
    scheme = ClassificationScheme.objects.get(code="r6")
    assert scheme.guideline_version == "2024-10"
    assert scheme.is_active
    assert codes("r6", "confidentiality") == ["3A", "3B", "3C", "2", "1"]
    assert ClassificationScheme.objects.filter(is_active=True).count() == 1


def test_every_level_has_a_rule_for_each_life_cycle_step(db):
    for lv in Level.objects.all():
        assert HandlingRule.objects.filter(level=lv).count() == 8, lv


def test_asset_page_shows_what_staff_must_do_at_each_step(login, staff, city, make_asset):
    asset = make_asset("住民票写し", **levels("3B"))
    page = login(staff).get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    for step in ("作成", "入手", "利用", "保管", "送信", "運搬", "提供・公表", "廃棄"):
        assert f'<th scope="row">{step}</th>' in page
    assert "パスワード付きファイルの別送（PPAP）によらない方法" in page  # 3B 送信
    assert "バックアップを取得し、ログ等で改ざんを検知" in page  # 完全性2 保管


def test_edited_handling_rule_appears_on_the_asset_page(login, policy_officer, staff, make_asset):
    asset = make_asset("住民票写し", **levels("3B"))
    target = level("confidentiality", "3B")
    form = {"label": target.label, "definition": target.definition, "blocks_internet_zone": "on"}
    form |= {f"rule_{step}": "" for step in ("create", "obtain", "use", "store", "send", "carry", "publish")}
    form["rule_dispose"] = "溶解処理業者に引き渡し、溶解証明書を保管する。"
    response = login(policy_officer).post(reverse("assets:level_edit", args=[target.pk]), form)
    assert response.status_code == 302
    page = login(staff).get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert "溶解処理業者に引き渡し、溶解証明書を保管する。" in page


def test_staff_cannot_edit_handling_rules(login, staff):
    target = level("confidentiality", "3B")
    assert login(staff).get(reverse("assets:level_edit", args=[target.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_level(target, actor=staff, values={"label": "x"}, rules={})


def test_mapping_covers_every_level_both_ways(db):
    for source, target in (("classic", "r6"), ("r6", "classic")):
        for lv in Level.objects.filter(scheme__code=source):
            assert LevelMapping.objects.filter(source=lv, target__scheme__code=target).count() == 1, lv


def activate(code: str) -> None:
    ClassificationScheme.objects.update(is_active=False)
    ClassificationScheme.objects.filter(code=code).update(is_active=True)


def test_migrating_classic_register_to_2024_maps_each_level(policy_officer, make_asset):
    activate("classic")
    secret = make_asset("住民記録", **levels("3", "2", "2", scheme="classic"))
    internal = make_asset("会議資料", **levels("2", "1", "1", scheme="classic"))
    moved = services.migrate_register(
        actor=policy_officer, target=ClassificationScheme.objects.get(code="r6")
    )
    assert moved == 2
    secret.refresh_from_db()
    internal.refresh_from_db()
    assert (secret.confidentiality.code, secret.confidentiality.scheme.code) == ("3B", "r6")
    assert (secret.integrity.code, secret.availability.code) == ("2", "2")
    assert internal.confidentiality.label == "自治体機密性2"
    assert ClassificationScheme.objects.get(is_active=True).code == "r6"
    decision = secret.decisions.first()
    assert decision.method == ClassificationDecision.Method.MAPPING
    assert decision.decided_by == policy_officer


def test_migrating_2024_register_to_classic_collapses_3a_3b_3c(policy_officer, make_asset):
    assets = [make_asset(f"資産{c}", **levels(c)) for c in ("3A", "3B", "3C")]
    services.migrate_register(actor=policy_officer, target=ClassificationScheme.objects.get(code="classic"))
    assert {a.__class__.objects.get(pk=a.pk).confidentiality.label for a in assets} == {"機密性3"}


def test_migration_refuses_when_a_level_in_use_has_no_mapping(policy_officer, make_asset):
    make_asset("国からの秘密文書", **levels("3A"))
    LevelMapping.objects.filter(source=level("confidentiality", "3A")).delete()
    with pytest.raises(ValidationError) as error:
        services.migrate_register(
            actor=policy_officer, target=ClassificationScheme.objects.get(code="classic")
        )
    assert error.value.code == "mapping_missing"
    assert ClassificationScheme.objects.get(is_active=True).code == "r6"


def test_levels_of_the_inactive_scheme_are_refused_on_save(make_asset):
    with pytest.raises(ValidationError) as error:
        make_asset("旧基準の資産", **levels("3", scheme="classic"))
    assert error.value.code == "inactive_scheme"
