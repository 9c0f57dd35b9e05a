"""Built-in zone rules: My Number isolation, LGWAN↔internet, isolated zones, the sanitizer exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from mamori.netcheck.findings import Certainty
from mamori.netcheck.model import load_model
from mamori.netcheck.verify import verify

AS_OF = dt.date(2026, 11, 25)
ALLOW_ALL = """\
*filter
:FORWARD ACCEPT [0:0]
COMMIT
"""
DEVICE = """
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
"""


def _pairs(model_path: Path) -> set[tuple[str, str]]:
    report = verify(load_model(model_path), as_of=AS_OF)
    return {(v.from_zone, v.to_zone) for v in report.violations if v.device is not None}


def test_allow_all_firewall_violates_every_forbidden_pair_both_directions(
    write_model: Callable[..., Path],
) -> None:
    pairs = _pairs(write_model(DEVICE, {"fw.rules": ALLOW_ALL}))
    assert pairs == {
        ("mynumber", "lgwan"),
        ("lgwan", "mynumber"),
        ("mynumber", "internet"),
        ("internet", "mynumber"),
        ("lgwan", "internet"),
        ("internet", "lgwan"),
    }


def test_traffic_inside_one_zone_is_never_a_violation(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 10.10.0.0/16 -j ACCEPT
        -A FORWARD -s 10.20.0.0/16 -d 10.20.0.0/16 -j ACCEPT
        COMMIT
    """
    assert _pairs(write_model(DEVICE, {"fw.rules": config})) == set()


def test_two_mynumber_zones_may_not_talk(write_model: Callable[..., Path]) -> None:
    head = """\
version: 1
zones:
  - {id: mn-a, kind: mynumber}
  - {id: mn-b, kind: mynumber}
segments:
  - {id: a, zone: mn-a, cidrs: [10.1.0.0/16]}
  - {id: b, zone: mn-b, cidrs: [10.2.0.0/16]}
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.1.0.0/16 -d 10.2.0.0/16 -p tcp --dport 443 -j ACCEPT
        COMMIT
    """
    model = write_model(DEVICE, {"fw.rules": config}, head=head)
    report = verify(load_model(model), as_of=AS_OF)
    assert [(v.from_zone, v.to_zone, v.rule, v.line) for v in report.violations] == [
        ("mn-a", "mn-b", "FORWARD #1", 3)
    ]
    witness = report.violations[0].witness
    assert witness is not None and (witness.protocol, witness.dst_port) == ("tcp", 443)


def test_lgwan_to_internet_and_back_are_both_forbidden(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.20.0.0/16 -d 192.168.50.0/24 -p tcp --dport 80 -j ACCEPT
        -A FORWARD -s 192.168.50.0/24 -d 10.20.0.0/16 -p udp --dport 53 -j ACCEPT
        COMMIT
    """
    pairs = _pairs(write_model(DEVICE, {"fw.rules": config}))
    assert pairs == {("lgwan", "internet"), ("internet", "lgwan")}


def test_isolated_zone_talks_to_nobody(write_model: Callable[..., Path]) -> None:
    head = """\
version: 1
zones:
  - {id: iso, kind: isolated}
  - {id: office, kind: custom}
segments:
  - {id: i, zone: iso, cidrs: [10.9.0.0/16]}
  - {id: o, zone: office, cidrs: [10.8.0.0/16]}
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.8.0.0/16 -j ACCEPT
        COMMIT
    """
    report = verify(load_model(write_model(DEVICE, {"fw.rules": config}, head=head)), as_of=AS_OF)
    assert {(v.from_zone, v.to_zone) for v in report.violations} == {("office", "iso")}


def test_custom_zones_without_rules_may_talk(write_model: Callable[..., Path]) -> None:
    head = """\
version: 1
zones:
  - {id: a, kind: custom}
  - {id: b, kind: lgwan}
segments:
  - {id: sa, zone: a, cidrs: [10.8.0.0/16]}
  - {id: sb, zone: b, cidrs: [10.9.0.0/16]}
"""
    report = verify(load_model(write_model(DEVICE, {"fw.rules": ALLOW_ALL}, head=head)), as_of=AS_OF)
    assert report.violations == ()
    assert report.exit_code == 0


def test_mail_sanitizer_exception_allows_only_its_service(write_model: Callable[..., Path]) -> None:
    extra = """\
allowed_flows:
  - id: mail-text
    from: {system: mail-relay}
    to: {zone: lgwan}
    services: [tcp/25]
    rationale: 無害化済みメールの転送
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 192.168.50.10 -d 10.20.0.0/16 -p tcp --dport 25 -j ACCEPT
        -A FORWARD -s 192.168.50.10 -d 10.20.0.0/16 -p tcp --dport 587 -j ACCEPT
        COMMIT
    """
    report = verify(load_model(write_model(extra, {"fw.rules": config})), as_of=AS_OF)
    assert [(v.rule, v.line) for v in report.violations] == [("FORWARD #2", 4)]
    assert report.violations[0].witness is not None
    assert report.violations[0].witness.dst_port == 587


def test_internet_to_lgwan_exception_from_a_non_sanitizer_is_a_model_violation(
    write_model: Callable[..., Path],
) -> None:
    extra = """\
allowed_flows:
  - id: proxy-in
    from: {system: web-proxy}
    to: {zone: lgwan}
    services: [tcp/443]
  - id: zone-in
    from: {zone: internet}
    to: {segment: lg-lan}
    services: any
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 192.168.50.20 -d 10.20.0.0/16 -p tcp --dport 443 -j ACCEPT
        COMMIT
    """
    report = verify(load_model(write_model(extra, {"fw.rules": config})), as_of=AS_OF)
    model_violations = [v for v in report.violations if v.device is None]
    assert [(v.rule, v.line, v.from_zone, v.to_zone) for v in model_violations] == [
        ("proxy-in", 15, "internet", "lgwan"),
        ("zone-in", 19, "internet", "lgwan"),
    ]
    assert all(v.certainty is Certainty.DEFINITE for v in model_violations)
    # The non-sanitizer exception allows nothing: the device rule that relies on it is a violation too.
    device_violations = [v for v in report.violations if v.device == "fw"]
    assert [(v.rule, v.from_zone, v.to_zone) for v in device_violations] == [
        ("FORWARD #1", "internet", "lgwan")
    ]
    assert report.to_dict()["violations"][0]["device"] is None


def test_screen_transfer_exception_is_accepted(write_model: Callable[..., Path]) -> None:
    head = MODEL_WITH_VDI
    extra = """\
allowed_flows:
  - id: vdi
    from: {system: vdi}
    to: {segment: lg-lan}
    services: [tcp/3389]
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 192.168.50.30 -d 10.20.0.0/16 -p tcp --dport 3389 -j ACCEPT
        COMMIT
    """
    report = verify(load_model(write_model(extra, {"fw.rules": config}, head=head)), as_of=AS_OF)
    assert report.violations == ()


MODEL_WITH_VDI = """\
version: 1
zones:
  - {id: lgwan, kind: lgwan}
  - {id: internet, kind: internet}
segments:
  - {id: lg-lan, zone: lgwan, cidrs: [10.20.0.0/16]}
systems:
  - {id: vdi, zone: internet, role: screen-transfer, addresses: [192.168.50.30]}
"""
