import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from mamori.core.models import AuditEntry
from mamori.network import services
from mamori.network.demo import DATA, load_demo
from mamori.network.model_yaml import plan_to_yaml
from mamori.network.models import AllowedFlow, Device, DeviceConfig, NetworkSystem, VerificationRun, Zone

FORTIGATE = (DATA / "configs" / "fw-lgwan.conf").read_bytes()


@pytest.fixture
def demo(db, ciso):
    load_demo()


def test_demo_loads_the_model_configs_and_a_finished_run(demo):
    assert set(Zone.objects.values_list("key", flat=True)) == {"mynumber", "lgwan", "internet"}
    assert DeviceConfig.objects.count() == 2
    run = VerificationRun.objects.get()
    assert run.status == VerificationRun.Status.DONE
    assert run.violation_count == 1
    violation = run.result["violations"][0]
    assert (violation["device"], violation["rule"], violation["from_zone"], violation["to_zone"]) == (
        "fw-lgwan",
        "20",
        "internet",
        "lgwan",
    )
    assert violation["witness"]["dst_port"] == 443
    assert [f["id"] for f in run.result["expired_flows"]] == ["file-transfer"]


def test_demo_is_loaded_only_once(demo):
    load_demo()
    assert VerificationRun.objects.count() == 1
    assert Zone.objects.count() == 3


def test_yaml_export_reimports_to_the_same_model(demo, policy_officer):
    first = plan_to_yaml()
    services.import_model_yaml(first, actor=policy_officer)
    assert plan_to_yaml() == first
    flows = {f["id"]: f for f in yaml.safe_load(first)["allowed_flows"]}
    assert flows["file-transfer"]["expires"] == dt.date(2026, 3, 31)
    assert "expires" not in flows["mail-text"]


def test_invalid_yaml_changes_nothing_and_says_where(demo, policy_officer):
    broken = plan_to_yaml().replace("kind: lgwan", "kind: wan")
    with pytest.raises(Exception) as caught:
        services.import_model_yaml(broken, actor=policy_officer)
    assert "行" in str(caught.value)
    assert Zone.objects.get(key="lgwan").kind == "lgwan"


def test_config_versions_are_kept(demo, policy_officer):
    device = Device.objects.get(key="fw-lgwan")
    services.upload_config(device, FORTIGATE.replace(b'"HTTPS"', b'"SSH"'), "fw.conf", actor=policy_officer)
    assert list(device.configs.values_list("version", flat=True)) == [2, 1]


def test_unreadable_config_is_refused_in_japanese(demo, policy_officer):
    device = Device.objects.get(key="fw-lgwan")
    with pytest.raises(Exception) as caught:
        services.upload_config(device, b"\x00\x01\x02" * 100, "binary.bin", actor=policy_officer)
    assert "設定ファイルを読み込めませんでした" in str(caught.value)


def test_fixing_the_rule_clears_the_violation_and_the_comparison_shows_it(
    demo, policy_officer, django_capture_on_commit_callbacks
):
    device = Device.objects.get(key="fw-lgwan")
    fixed = FORTIGATE.replace(
        b'        set action accept\n        set schedule "always"\n        set service "HTTPS"',
        b'        set action deny\n        set schedule "always"\n        set service "HTTPS"',
    )
    assert fixed != FORTIGATE
    services.upload_config(device, fixed, "fw-lgwan.conf", actor=policy_officer)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_verification(actor=policy_officer)
    run.refresh_from_db()
    assert run.status == VerificationRun.Status.DONE
    assert run.violation_count == 0
    previous = VerificationRun.objects.exclude(pk=run.pk).get()
    changes = services.compare_runs(run, previous)
    assert changes["new"] == []
    assert [v["rule"] for v in changes["resolved"]] == ["20"]


def test_renewing_the_exception_clears_the_violation(
    demo, policy_officer, django_capture_on_commit_callbacks
):
    AllowedFlow.objects.filter(key="file-transfer").update(expires=dt.date(2027, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_verification(actor=policy_officer, as_of=dt.date(2026, 11, 25))
    run.refresh_from_db()
    assert run.status == VerificationRun.Status.DONE
    assert run.violation_count == 0
    assert run.result["expired_flows"] == []


def test_run_claims_once(demo, policy_officer):
    run = VerificationRun.objects.get()
    services.execute_run(run.pk)  # already done: nothing happens
    run.refresh_from_db()
    assert run.status == VerificationRun.Status.DONE


def test_run_without_configs_is_refused(db, policy_officer):
    Zone.objects.create(key="lgwan", kind="lgwan", label="LGWAN")
    Device.objects.create(key="fw", vendor="iptables")
    with pytest.raises(Exception, match="設定ファイルが登録されていない機器"):
        services.start_verification(actor=policy_officer)


# Pages and permissions


def test_overview_shows_the_zone_diagram_and_latest_result(demo, login, policy_officer):
    html = login(policy_officer).get(reverse("network:overview")).content.decode()
    assert "ゾーン構成図" in html and "<svg" in html
    assert "違反 1件" in html
    assert "mail-relay" in html


def test_run_page_quotes_the_rule_and_the_report_is_printable(demo, login, auditor):
    client = login(auditor)
    run = VerificationRun.objects.get()
    html = client.get(reverse("network:run_detail", args=[run.pk])).content.decode()
    assert "sanitized-files" in html
    assert "192.168.50.20" in html
    report = client.get(reverse("network:run_report", args=[run.pk]))
    assert report.status_code == 200
    assert "三層分離 検証レポート" in report.content.decode()
    assert "style-src 'sha256-" in report["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("who", "url_name", "expected"),
    [
        ("staff", "network:overview", 404),
        ("section_head", "network:overview", 404),
        ("auditor", "network:overview", 200),
        ("policy_officer", "network:overview", 200),
        ("auditor", "network:create", 404),
        ("policy_officer", "network:create", 200),
    ],
)
def test_page_permissions(demo, login, request, who, url_name, expected):
    user = request.getfixturevalue(who)
    url = reverse(url_name, args=["zone"]) if url_name == "network:create" else reverse(url_name)
    assert login(user).get(url).status_code == expected


def test_auditor_can_run_but_not_edit(demo, login, auditor, django_capture_on_commit_callbacks):
    client = login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network:runs"), {"as_of": "2026-11-25"})
    assert response.status_code == 302
    assert VerificationRun.objects.count() == 2
    assert VerificationRun.objects.order_by("-pk").first().status == VerificationRun.Status.DONE
    device = Device.objects.get(key="fw-lgwan")
    upload = client.post(reverse("network:device_detail", args=[device.pk]), {"file": io.BytesIO(FORTIGATE)})
    assert upload.status_code == 404


def test_forms_validate_addresses_and_services(demo, login, policy_officer):
    client = login(policy_officer)
    response = client.post(
        reverse("network:create", args=["system"]),
        {"key": "bad", "zone": Zone.objects.get(key="lgwan").pk, "role": "other", "addresses": "10.0.0.300"},
    )
    assert "IP アドレスまたは CIDR として読めません" in response.content.decode()
    response = client.post(
        reverse("network:create", args=["flow"]),
        {
            "key": "f",
            "source_kind": "system",
            "source_ref": "nope",
            "destination_kind": "zone",
            "destination_ref": "lgwan",
            "services": "http",
            "rationale": "x",
        },
    )
    html = response.content.decode()
    assert "サービスとして読めません" in html
    assert "送信元「nope」が見つかりません" in html


def test_adding_a_system_through_the_form_is_audited(demo, login, policy_officer):
    client = login(policy_officer)
    response = client.post(
        reverse("network:create", args=["system"]),
        {
            "key": "vdi",
            "name": "画面転送",
            "zone": Zone.objects.get(key="internet").pk,
            "role": "screen-transfer",
            "addresses": "192.168.50.30",
        },
    )
    assert response.status_code == 302
    system = NetworkSystem.objects.get(key="vdi")
    assert AuditEntry.objects.filter(
        object_type="network.networksystem", object_id=str(system.pk), actor=policy_officer
    ).exists()


def test_yaml_download_and_upload_through_the_page(demo, login, policy_officer):
    client = login(policy_officer)
    text = client.get(reverse("network:model_yaml")).content
    changed = text.replace(b"network_model: alpha", b"network_model: beta")
    response = client.post(reverse("network:model_yaml"), {"file": io.BytesIO(changed)})
    assert response.status_code == 302
    assert "network_model: beta" in plan_to_yaml()


def test_deleting_a_zone_in_use_is_refused(demo, login, policy_officer):
    client = login(policy_officer)
    zone = Zone.objects.get(key="lgwan")
    client.post(reverse("network:delete", args=["zone", zone.pk]))
    assert Zone.objects.filter(pk=zone.pk).exists()


def test_demo_data_files_exist():
    assert Path(DATA / "MODEL.yaml").exists()
