"""Every page of the register answers for the information policy section."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "name",
    [
        "asset_list",
        "asset_create",
        "system_list",
        "system_create",
        "findings",
        "scheme_list",
        "import",
        "zone_create",
    ],
)
def test_register_pages_answer_for_policy_office(name, login, policy_officer, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    response = login(policy_officer).get(reverse(f"assets:{name}"))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_asset_pages_answer(login, policy_officer, systems, make_asset):
    asset = make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    client = login(policy_officer)
    for name in ("asset_detail", "asset_edit", "asset_classify", "asset_label", "asset_delete"):
        assert client.get(reverse(f"assets:{name}", args=[asset.pk])).status_code == 200, name
    assert client.get(reverse("assets:system_detail", args=[systems["lgwan"].pk])).status_code == 200
    assert client.get(reverse("assets:system_edit", args=[systems["lgwan"].pk])).status_code == 200


@pytest.mark.parametrize("model", ["asset", "system", "level", "classificationscheme", "zone"])
def test_admin_lists_register_models(login, admin_user, systems, make_asset, model):
    make_asset()
    assert login(admin_user).get(f"/admin/assets/{model}/").status_code == 200


def test_admin_cannot_add_api_tokens(login, admin_user):
    client = login(admin_user)
    assert client.get("/admin/api/apitoken/").status_code == 200
    assert client.get("/admin/api/apitoken/add/").status_code == 403
