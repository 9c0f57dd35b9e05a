"""``explain``: which rule of which device decides one packet, and why."""

from __future__ import annotations

import datetime as dt

from mamori.netcheck import explain, load_model, render_explanation

MODEL = """\
version: 1
zones:
  - {id: mynumber, kind: mynumber}
  - {id: lgwan, kind: lgwan}
  - {id: internet, kind: internet}
segments:
  - {id: mn, zone: mynumber, cidrs: [10.10.0.0/16]}
  - {id: lg, zone: lgwan, cidrs: [10.20.0.0/16]}
systems:
  - {id: relay, zone: internet, role: mail-sanitizer, addresses: [192.168.50.10]}
allowed_flows:
  - {id: mail, from: {system: relay}, to: {zone: lgwan}, services: [tcp/25], expires: 2026-03-31}
devices:
  - id: edge
    vendor: iptables
    config: edge.rules
    interfaces: {eth0: internet, eth1: lgwan}
  - id: core
    vendor: iptables
    config: core.rules
"""
EDGE = """\
*filter
:FORWARD DROP [0:0]
:MAIL - [0:0]
-A FORWARD -i eth0 -o eth1 -j MAIL
-A MAIL -s 192.168.50.10 -p tcp --dport 25 -m set --match-set mx dst -j ACCEPT
COMMIT
"""
CORE = """\
*filter
:FORWARD ACCEPT [0:0]
-A FORWARD -s 10.10.0.0/16 -j DROP
COMMIT
"""


def test_explain_follows_jumps_and_names_unknown_objects() -> None:
    result = explain(
        load_model(MODEL),
        {"edge": EDGE, "core": CORE},
        src="192.168.50.10",
        dst="10.20.3.4",
        protocol=6,
        dst_port=25,
        as_of=dt.date(2026, 11, 25),
    )
    assert (result.src_zone, result.dst_zone) == ("internet", "lgwan")
    # The exception expired on 2026-03-31, so the flow is forbidden again.
    assert result.forbidden and result.allowed_by is None
    edge = [d for d in result.decisions if d.device == "edge"]
    assert [(d.in_interface, d.out_interface, d.permitted) for d in edge] == [("eth0", "eth1", True)]
    assert [(s.rule, s.action) for s in edge[0].steps] == [("FORWARD #1", "jump"), ("MAIL #1", "permit")]
    assert "ipset:mx" in edge[0].steps[1].note
    assert result.is_violation
    text = render_explanation(result)
    assert "ゾーンモデル: 禁止された通信です" in text
    assert "結論: 禁止された通信を許可する機器があります（違反）" in text


def test_explain_reports_the_exception_that_allows_a_packet() -> None:
    result = explain(
        load_model(MODEL),
        {"edge": EDGE, "core": CORE},
        src="192.168.50.10",
        dst="10.20.3.4",
        protocol=6,
        dst_port=25,
        as_of=dt.date(2026, 3, 31),
    )
    assert result.allowed_by == "mail"
    assert not result.forbidden and not result.is_violation


def test_device_without_interfaces_for_the_zones_is_not_on_the_path() -> None:
    result = explain(
        load_model(MODEL),
        {"edge": EDGE, "core": CORE},
        src="10.10.1.1",
        dst="10.20.1.1",
        protocol=17,
        dst_port=53,
    )
    edge = next(d for d in result.decisions if d.device == "edge")
    assert not edge.on_path
    core = [d for d in result.decisions if d.device == "core"]
    assert {d.permitted for d in core} == {False}
    assert core[0].steps[0].rule == "FORWARD #1"
