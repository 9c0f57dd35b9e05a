"""Text and HTML reports: grouped by device and zone pair, config lines quoted, output escaped."""

from __future__ import annotations

import datetime as dt

from mamori.netcheck import Report, load_model, render_html, render_text, verify

MODEL = """\
version: 1
network_model: alpha-prime
zones:
  - {id: mynumber, kind: mynumber, label: マイナンバー利用事務系}
  - {id: lgwan, kind: lgwan, label: LGWAN接続系}
  - {id: internet, kind: internet, label: インターネット接続系}
segments:
  - {id: mn, zone: mynumber, cidrs: [10.10.0.0/16]}
  - {id: lg, zone: lgwan, cidrs: [10.20.0.0/16]}
allowed_flows:
  - {id: old, from: {zone: mynumber}, to: {zone: lgwan}, services: [tcp/443], expires: 2026-01-31}
  - {id: soon, from: {zone: lgwan}, to: {zone: mynumber}, services: [tcp/443], expires: 2026-12-10}
devices:
  - {id: fw-a, vendor: iptables, config: a.rules}
  - {id: fw-b, vendor: iptables, config: b.rules}
"""
A = """\
*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -m comment --comment "<script>x</script>" \
-j ACCEPT
-A FORWARD -s 10.20.0.0/16 -d 8.8.8.8 -p udp --dport 53 -j ACCEPT
COMMIT
"""
B = """\
*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.20.0.0/16 -d 10.10.0.0/16 -p tcp --dport 443 -j ACCEPT
-A FORWARD --frobnicate -j DROP
COMMIT
"""


def _report() -> Report:
    return verify(load_model(MODEL), {"fw-a": A, "fw-b": B}, as_of=dt.date(2026, 11, 25))


def test_text_report_groups_by_device_then_zone_pair_and_quotes_lines() -> None:
    text = render_text(_report())
    a_part = text[text.index("■ 機器 fw-a") : text.index("■ 期限切れ")]
    assert a_part.index("LGWAN接続系（lgwan） → インターネット接続系（internet）") < a_part.index(
        "マイナンバー利用事務系（mynumber） → LGWAN接続系（lgwan）"
    )
    assert "ネットワークモデル: α'モデル" in text
    assert (
        '> -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -m comment --comment "<script>'
        in text
    )
    assert "■ 期限切れの例外（何も許可しません）\n  - old（MODEL.yaml 11 行目）期限 2026-01-31" in text
    assert "■ まもなく期限切れの例外\n  - soon（MODEL.yaml 12 行目）期限 2026-12-10" in text
    assert "■ 解釈できなかった行（解析は続行しました）" in text
    assert "例: tcp 10.10.0.1:49152 → 10.20.0.1:443\n" in a_part
    # fw-b's rule is covered by the still valid exception "soon": no section for fw-b.
    assert "■ 機器 fw-b" not in text


def test_html_report_escapes_config_text_and_has_no_external_assets() -> None:
    page = render_html(_report())
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'src="' not in page and "<link" not in page
    assert page.count('<td class="definite">確定</td>') == 2
    assert "@media print" in page
    assert "<th>承認</th>" in page
