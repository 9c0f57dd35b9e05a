"""CRUD of assets and systems through /api/v1/ with the UI's permissions and audit trail; findings."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mamori.api.models import ApiToken
from mamori.assets.models import Asset
from mamori.core.models import AuditEntry


def api(user) -> APIClient:
    client = APIClient()
    _, raw = ApiToken.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_openapi_schema_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/assets/", "/api/v1/assets/{id}/", "/api/v1/systems/", "/api/v1/findings/"):
        assert path in schema["paths"]


def test_section_head_creates_an_asset_and_the_audit_names_them(section_head, city, systems):
    response = api(section_head).post(
        "/api/v1/assets/",
        {
            "name": "住民記録データ",
            "kind": "electronic",
            "unit": "A0201",
            "owner": "900003",
            "systems": ["SYS-LG"],
            "has_my_number": True,
            "confidentiality": "3B",
            "integrity": "2",
            "availability": "2",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "IA-000001"
    assert body["classified_by"] == "head"
    assert [f["rule"] for f in body["findings"]] == ["my_number_outside_zone"]
    entry = AuditEntry.objects.filter(object_type="assets.asset", action="create").get()
    assert (entry.actor, entry.via) == (section_head, "api")


def test_moving_the_asset_clears_the_finding(section_head, systems, make_asset):
    asset = make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    client = api(section_head)
    response = client.patch(f"/api/v1/assets/{asset.pk}/", {"systems": ["SYS-MN"]}, format="json")
    assert response.status_code == 200
    assert response.json()["findings"] == []
    assert client.get("/api/v1/findings/").json()["results"] == []


def test_findings_endpoint_names_rule_and_fix(staff, systems, make_asset):
    asset = make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    rows = api(staff).get("/api/v1/findings/").json()["results"]
    assert rows == [
        {
            "rule": "my_number_outside_zone",
            "title": "特定個人情報がマイナンバー利用事務系の外にある",
            "detail": "「住民記録データ」は特定個人情報を含みますが、LGWAN接続系の「財務会計システム」にあります。",
            "fix": "マイナンバー利用事務系の情報システムに移してください。特定個人情報を含まないなら、その印を外してください。",
            "asset": asset.pk,
            "system": None,
        }
    ]


def test_staff_reads_but_cannot_change(staff, make_asset):
    asset = make_asset()
    client = api(staff)
    assert client.get(f"/api/v1/assets/{asset.pk}/").status_code == 200
    assert client.patch(f"/api/v1/assets/{asset.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/assets/{asset.pk}/").status_code == 404
    response = client.post("/api/v1/assets/", {"name": "x", "kind": "paper", "unit": "A0201"}, format="json")
    assert response.status_code == 403


def test_other_units_assets_are_invisible(other_staff, make_asset):
    asset = make_asset()
    client = api(other_staff)
    assert client.get("/api/v1/assets/").json()["count"] == 0
    assert client.get(f"/api/v1/assets/{asset.pk}/").status_code == 404


def test_section_head_cannot_create_for_another_unit(section_head, city):
    response = api(section_head).post(
        "/api/v1/assets/", {"name": "x", "kind": "paper", "unit": "A0202"}, format="json"
    )
    assert response.status_code == 403


def test_invalid_level_is_a_japanese_400(policy_officer, city):
    response = api(policy_officer).post(
        "/api/v1/assets/",
        {"name": "x", "kind": "paper", "unit": "A0201", "confidentiality": "3"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["confidentiality"] == ["「3」は使用中の分類基準の機密性の区分ではありません。"]


def test_delete_is_audited(policy_officer, make_asset):
    asset = make_asset()
    assert api(policy_officer).delete(f"/api/v1/assets/{asset.pk}/").status_code == 204
    assert not Asset.objects.exists()
    assert AuditEntry.objects.filter(object_type="assets.asset", action="delete", via="api").exists()


def test_list_filters(policy_officer, city, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    make_asset("課税資料", unit=city.zeimu)
    client = api(policy_officer)
    assert [a["name"] for a in client.get("/api/v1/assets/", {"unit": "A0202"}).json()["results"]] == [
        "課税資料"
    ]
    assert client.get("/api/v1/assets/", {"has_findings": "true"}).json()["count"] == 1
    assert client.get("/api/v1/assets/", {"has_my_number": "false"}).json()["count"] == 1


def test_systems_crud_follows_unit_scope(section_head, staff, zones, systems):
    head = api(section_head)
    created = head.post(
        "/api/v1/systems/", {"name": "窓口予約", "unit": "A0201", "zone": "lgwan"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["zone"] == "lgwan"
    pk = created.json()["id"]
    assert head.patch(f"/api/v1/systems/{pk}/", {"zone": None}, format="json").json()["findings"][0][
        "rule"
    ] == ("system_without_zone")
    assert (
        head.patch(f"/api/v1/systems/{systems['lgwan'].pk}/", {"name": "x"}, format="json").status_code == 404
    )
    reader = api(staff)
    assert reader.get(f"/api/v1/systems/{pk}/").status_code == 200
    assert reader.delete(f"/api/v1/systems/{pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/assets/abc/", "/api/v1/assets/99999999999999999999999/"])
def test_odd_ids_are_404(policy_officer, path):
    assert api(policy_officer).get(path).status_code == 404


def test_account_without_a_person_sees_nothing(contractor, systems, make_asset):
    make_asset()
    client = api(contractor)
    assert client.get("/api/v1/assets/").json()["count"] == 0
    assert client.get("/api/v1/systems/").json()["count"] == 0
    assert client.get(f"/api/v1/systems/{systems['lgwan'].pk}/").status_code == 404
    assert client.get("/api/v1/findings/").json()["results"] == []
