"""Each consistency rule: when it fires, that it names the rule and the fix, and that fixing clears it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from mamori.assets import consistency, services
from mamori.assets.models import Asset, ClassificationScheme, System

from .conftest import levels


def rules_of(asset: Asset) -> list[str]:
    asset.refresh_from_db()
    return consistency.decode(asset.finding_codes)


def test_my_number_on_lgwan_system_is_found_and_cleared_by_moving(policy_officer, systems, make_asset):
    asset = make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    assert rules_of(asset) == ["my_number_outside_zone"]
    assert asset.finding_count == 1
    finding = consistency.findings_of_asset(asset)[0]
    assert (
        finding.detail
        == "「住民記録データ」は特定個人情報を含みますが、LGWAN接続系の「財務会計システム」にあります。"
    )
    assert "マイナンバー利用事務系の情報システムに移して" in finding.rule.fix
    services.save_asset(asset, actor=policy_officer, values={}, systems=[systems["my_number"]])
    assert rules_of(asset) == []


def test_my_number_asset_with_own_zone_outside_my_number_is_found(make_asset, zones):
    asset = make_asset(
        "個人番号入りUSBメモリ", kind=Asset.Kind.SYSTEM, zone=zones["lgwan"], has_my_number=True
    )
    assert rules_of(asset) == ["my_number_outside_zone"]


def test_my_number_inside_my_number_zone_is_fine(systems, make_asset):
    assert rules_of(make_asset(system_list=[systems["my_number"]], has_my_number=True)) == []


def test_top_level_on_internet_system_is_found(systems, make_asset):
    asset = make_asset("国からの通知", system_list=[systems["internet"]], **levels("3B"))
    assert rules_of(asset) == ["top_level_on_internet"]
    assert rules_of(make_asset("お知らせ", system_list=[systems["internet"]], **levels("3C"))) == []


def test_top_level_rule_follows_the_level_setting(policy_officer, systems, make_asset):
    asset = make_asset("内部資料", system_list=[systems["internet"]], **levels("3C"))
    level = asset.confidentiality
    rules = {r.step: r.text for r in level.rules.all()}
    services.update_level(level, actor=policy_officer, values={"blocks_internet_zone": True}, rules=rules)
    assert rules_of(asset) == ["top_level_on_internet"]


def test_asset_without_owner_is_found(make_asset):
    asset = make_asset(owner=None)
    assert rules_of(asset) == ["no_owner"]
    assert consistency.findings_of_asset(asset)[0].rule.fix == "管理責任者（職員）を設定してください。"


def test_asset_without_classification_is_found(make_asset):
    asset = make_asset(confidentiality=None, integrity=None, availability=None)
    assert rules_of(asset) == ["no_classification"]


def test_owner_who_left_is_found_on_demand(make_asset, owner):
    asset = make_asset()
    assert rules_of(asset) == []
    owner.is_active = False
    owner.save()
    consistency.check_all()
    assert rules_of(asset) == ["owner_left"]


def test_classification_older_than_review_years_is_found(policy_officer, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(classified_at=timezone.now() - dt.timedelta(days=365 * 3 + 5))
    consistency.check_all()
    assert rules_of(asset) == ["review_due"]
    scheme = ClassificationScheme.objects.get(is_active=True)
    services.update_scheme(scheme, actor=policy_officer, values={"review_years": 5})
    assert rules_of(asset) == []


def test_reclassifying_renews_the_review(policy_officer, make_asset):
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(classified_at=timezone.now() - dt.timedelta(days=365 * 4))
    consistency.check_all()
    asset.refresh_from_db()
    services.classify(
        asset,
        actor=policy_officer,
        confidentiality=asset.confidentiality,
        integrity=asset.integrity,
        availability=asset.availability,
    )
    assert rules_of(asset) == []


def test_levels_of_an_inactive_scheme_are_found(make_asset):
    asset = make_asset()
    ClassificationScheme.objects.update(is_active=False)
    ClassificationScheme.objects.filter(code="classic").update(is_active=True)
    consistency.check_all()
    assert rules_of(asset) == ["inactive_scheme"]


def test_system_without_zone_is_found_and_cleared(policy_officer, city, zones):
    system = services.save_system(
        None, actor=policy_officer, values={"name": "試行システム", "unit": city.shimin}
    )
    assert system.finding_codes == ",system_without_zone,"
    services.save_system(system, actor=policy_officer, values={"zone": zones["lgwan"]})
    assert System.objects.get(pk=system.pk).finding_codes == ""


def test_moving_a_system_to_another_zone_rechecks_its_assets(policy_officer, systems, zones, make_asset):
    asset = make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    services.save_system(systems["lgwan"], actor=policy_officer, values={"zone": zones["my_number"]})
    assert rules_of(asset) == []


def test_custom_zone_that_allows_my_number_is_respected(policy_officer, city, make_asset):
    zone = services.save_zone(
        None,
        actor=policy_officer,
        values={"code": "shared-center", "name": "共同センター", "allows_my_number": True},
    )
    system = services.save_system(
        None, actor=policy_officer, values={"name": "共同利用システム", "unit": city.shimin, "zone": zone}
    )
    assert rules_of(make_asset(system_list=[system], has_my_number=True)) == []


def test_findings_page_lists_rule_detail_and_fix(login, policy_officer, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    page = login(policy_officer).get(reverse("assets:findings")).content.decode()
    assert "特定個人情報がマイナンバー利用事務系の外にある" in page
    assert "my_number_outside_zone" in page
    assert "マイナンバー利用事務系の情報システムに移してください" in page


def test_findings_page_hides_other_units_findings(login, other_staff, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    page = login(other_staff).get(reverse("assets:findings")).content.decode()
    assert "住民記録データ" not in page
    assert "指摘はありません。" in page


def test_on_demand_check_is_for_the_policy_office(login, policy_officer, staff):
    assert login(staff).post(reverse("assets:run_checks")).status_code == 404
    assert login(policy_officer).post(reverse("assets:run_checks")).status_code == 302


def test_dashboard_shows_findings_task_to_the_section_head(login, section_head, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    page = login(section_head).get(reverse("web:dashboard")).content.decode()
    assert "情報資産台帳の整合性の指摘が 1 件あります" in page
