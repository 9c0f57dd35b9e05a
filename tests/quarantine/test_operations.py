"""Operations: Prometheus metrics and the dashboard with server-drawn SVG charts."""

from __future__ import annotations

from tests.gateway.messages import iso2022jp_mail, malicious_mail


def test_metrics_count_what_the_gateway_did(client, mailboxes, receive):
    receive(iso2022jp_mail("<m1@example.com>"), ["staff@city.example.jp"])
    receive(malicious_mail("<m2@example.com>"), ["staff@city.example.jp"])
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = dict(
        line.rsplit(" ", 1) for line in response.content.decode().splitlines() if not line.startswith("#")
    )
    assert lines["mamori_gateway_accepted_total"] == "2"
    assert lines["mamori_gateway_delivered_total"] == "2"
    assert lines['mamori_gateway_queue_depth{queue="incoming"}'] == "0"
    assert lines["mamori_gateway_sanitize_seconds_count"] == "2"
    assert "# TYPE mamori_gateway_deferred_total counter" in response.content.decode()


def test_metrics_are_hidden_from_other_addresses(client, settings):
    settings.MAMORI_METRICS_ALLOWED_IPS = ["192.0.2.10"]
    assert client.get("/metrics").status_code == 404


def test_dashboard_draws_daily_volumes_for_operators_only(login, policy_officer, staff, mailboxes, receive):
    receive(malicious_mail("<d1@example.com>"), ["staff@city.example.jp"])
    page = login(policy_officer).get("/quarantine/dashboard/").content.decode()
    assert page.count('<svg class="chart" role="img"') == 2
    assert "<title>日別の受信件数（判定別）</title>" in page
    assert "添付削除" in page  # the action, in Japanese
    assert login(staff).get("/quarantine/dashboard/").status_code == 404
