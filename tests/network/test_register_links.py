"""Network systems are the asset register's systems: the link, both pages, the zone check."""

import pytest
from django.urls import reverse

from mamori.assets import services as assets_services
from mamori.assets.models import Zone as RegisterZone
from mamori.network import services
from mamori.network.demo import load_demo
from mamori.network.models import NetworkSystem


@pytest.fixture
def register(city, policy_officer):
    zones = {z.kind: z for z in RegisterZone.objects.all()}

    def make(code, name, kind):
        return assets_services.save_system(
            None,
            actor=policy_officer,
            values={"code": code, "name": name, "unit": city.shimin, "zone": zones[kind]},
        )

    return {
        "jyuki": make("SYS-000001", "住民基本台帳システム", "my_number"),
        "mail": make("SYS-000005", "メールシステム", "internet"),
        "zaimu": make("SYS-000003", "財務会計システム", "lgwan"),
    }


@pytest.fixture
def demo(register, ciso):
    load_demo()


def test_demo_links_its_systems_to_the_register(demo, register):
    linked = dict(NetworkSystem.objects.values_list("key", "register_system__code"))
    assert linked["jyuki-server"] == "SYS-000001"
    assert linked["mail-relay"] == "SYS-000005"
    assert linked["chukan-server"] is None
    load_demo()
    assert NetworkSystem.objects.filter(register_system__isnull=False).count() == 2


def test_system_form_offers_register_systems_and_saves_the_link(demo, register, policy_officer, login):
    client = login(policy_officer)
    system = NetworkSystem.objects.get(key="chukan-server")
    url = reverse("network:edit", args=["system", system.pk])
    page = client.get(url).content.decode()
    assert "SYS-000003" in page and "財務会計システム" in page
    response = client.post(
        url,
        {
            "key": system.key,
            "name": "中間サーバー",
            "zone": system.zone.pk,
            "role": system.role,
            "addresses": "10.20.5.10",
            "register_system": register["zaimu"].pk,
        },
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.register_system == register["zaimu"]
    overview = client.get(reverse("network:overview")).content.decode()
    assert "SYS-000003 財務会計システム" in overview


def test_register_system_page_shows_addresses_zone_and_latest_verdict(demo, register, policy_officer, login):
    page = login(policy_officer).get(reverse("assets:system_detail", args=[register["mail"].pk]))
    text = page.content.decode()
    assert "192.168.50.10" in text
    assert "インターネット接続系" in text
    # The demo run finds one definite violation from the internet zone into LGWAN.
    assert "違反 1件・可能性 0件" in text


def test_verdict_of_a_zone_without_violations_says_so(demo, register):
    assert services.network_profiles_of(register["jyuki"])[0].verdict.label == "違反なし"


def test_staff_without_network_rights_do_not_see_addresses_on_the_register_page(demo, register, staff, login):
    page = login(staff).get(reverse("assets:system_detail", args=[register["mail"].pk]))
    assert page.status_code == 200
    assert "192.168.50.10" not in page.content.decode()


def test_zone_disagreement_is_warned_with_the_fix(demo, register, policy_officer, login):
    lgwan_mail = NetworkSystem.objects.get(key="lgwan-mail")
    services.link_register_system(lgwan_mail, register["mail"], actor=policy_officer)
    mismatches = services.zone_mismatches()
    assert [m.network_system.key for m in mismatches] == ["lgwan-mail"]
    page = login(policy_officer).get(reverse("network:overview")).content.decode()
    assert "情報資産台帳とゾーンが一致しないシステム（1件）" in page
    assert "台帳のゾーンかゾーンモデルのシステムのゾーン（またはアドレス）のどちらかを正してください" in page


def test_matching_zones_raise_no_warning(demo, register):
    assert services.zone_mismatches() == []


def test_reimporting_the_model_keeps_the_links(demo, register, policy_officer):
    from mamori.network.model_yaml import plan_to_yaml

    services.import_model_yaml(plan_to_yaml(), actor=policy_officer)
    assert NetworkSystem.objects.get(key="jyuki-server").register_system == register["jyuki"]
