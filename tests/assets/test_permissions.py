"""Who may see and change which assets and systems: the role × object × action matrix, denials included."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mamori.assets import services
from mamori.assets.access import can_manage_unit, manageable_units, visible_assets
from mamori.core.models import AuditEntry

# person → (may read 市民課 asset, may change it, may read 税務課 asset, may change it)
MATRIX = {
    "policy_officer": (True, True, True, True),
    "section_head": (True, True, False, False),
    "staff": (True, False, False, False),
    "other_staff": (False, False, True, False),
    "auditor": (True, False, True, False),
    "ciso": (True, False, True, False),
    "contractor": (False, False, False, False),
}


@pytest.fixture
def two_assets(city, make_asset):
    return make_asset("住民記録データ", unit=city.shimin), make_asset("課税台帳", unit=city.zeimu)


@pytest.mark.parametrize("who", list(MATRIX))
def test_asset_page_matrix(request, login, two_assets, who):
    user = request.getfixturevalue(who)
    client = login(user)
    expected = MATRIX[who]
    for asset, may_read, may_change in ((two_assets[0], *expected[:2]), (two_assets[1], *expected[2:])):
        detail = client.get(reverse("assets:asset_detail", args=[asset.pk]))
        assert detail.status_code == (200 if may_read else 404), (who, asset.name, "read")
        for name in ("asset_edit", "asset_classify", "asset_delete"):
            response = client.get(reverse(f"assets:{name}", args=[asset.pk]))
            assert response.status_code == (200 if may_change else 404), (who, asset.name, name)


@pytest.mark.parametrize("who", list(MATRIX))
def test_asset_list_shows_only_readable_assets(request, login, two_assets, who):
    page = login(request.getfixturevalue(who)).get(reverse("assets:asset_list"))
    if who == "contractor":
        assert page.status_code == 404
        return
    text = page.content.decode()
    assert ("住民記録データ" in text) is MATRIX[who][0]
    assert ("課税台帳" in text) is MATRIX[who][2]


def test_visible_assets_and_scopes(city, staff, section_head, policy_officer, two_assets):
    assert list(visible_assets(staff)) == [two_assets[0]]
    assert set(visible_assets(policy_officer)) == set(two_assets)
    assert list(manageable_units(section_head)) == [city.shimin]
    assert manageable_units(staff).count() == 0
    assert can_manage_unit(section_head, city.shimin) is True
    assert can_manage_unit(section_head, city.zeimu) is False


def test_section_head_cannot_move_an_asset_to_another_unit(section_head, city, two_assets):
    with pytest.raises(PermissionDenied):
        services.save_asset(two_assets[0], actor=section_head, values={"unit": city.zeimu})


def test_section_head_cannot_create_assets_for_another_unit_by_post(login, section_head, city):
    response = login(section_head).post(
        reverse("assets:asset_create"), {"name": "他課の資産", "kind": "paper", "unit": city.zeimu.pk}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


def test_staff_cannot_create_or_import(login, staff):
    client = login(staff)
    assert client.get(reverse("assets:asset_create")).status_code == 404
    assert client.get(reverse("assets:import")).status_code == 404
    assert client.get(reverse("assets:system_create")).status_code == 404


def test_staff_can_read_the_system_catalogue_but_not_change_it(login, staff, systems):
    client = login(staff)
    assert client.get(reverse("assets:system_list")).status_code == 200
    assert client.get(reverse("assets:system_detail", args=[systems["lgwan"].pk])).status_code == 200
    assert client.get(reverse("assets:system_edit", args=[systems["lgwan"].pk])).status_code == 404


def test_section_head_changes_own_units_system_only(login, section_head, systems):
    client = login(section_head)
    assert client.get(reverse("assets:system_edit", args=[systems["my_number"].pk])).status_code == 200
    assert client.get(reverse("assets:system_edit", args=[systems["lgwan"].pk])).status_code == 404


def test_only_the_policy_office_edits_schemes_and_zones(login, section_head, policy_officer):
    assert login(section_head).get(reverse("assets:zone_create")).status_code == 404
    assert login(policy_officer).get(reverse("assets:zone_create")).status_code == 200


def test_every_change_lands_in_the_audit_trail(login, section_head, city, systems):
    client = login(section_head)
    response = client.post(
        reverse("assets:asset_create"),
        {"name": "窓口受付簿", "kind": "paper", "unit": city.shimin.pk, "systems": [systems["my_number"].pk]},
    )
    assert response.status_code == 302
    created = AuditEntry.objects.filter(object_type="assets.asset", action="create").get()
    assert created.actor == section_head
    assert created.via == "web"
    links = AuditEntry.objects.filter(object_type="assets.asset", action="update").get()
    assert links.changes == {"before": {"systems": []}, "after": {"systems": ["SYS-MN"]}}
    asset_id = created.object_id
    client.post(reverse("assets:asset_delete", args=[asset_id]))
    assert AuditEntry.objects.filter(object_type="assets.asset", action="delete", object_id=asset_id).exists()
