"""Verifier semantics: zones by longest match, expiry, certainty, interface maps, defaults, warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from mamori.netcheck.findings import Certainty
from mamori.netcheck.model import load_model
from mamori.netcheck.verify import verify

AS_OF = dt.date(2026, 11, 25)
DEVICE = """
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
"""


def _report(model: Path, as_of: dt.date = AS_OF):  # type: ignore[no-untyped-def]
    return verify(load_model(model), as_of=as_of)


def test_longest_prefix_decides_the_zone(write_model: Callable[..., Path]) -> None:
    head = """\
version: 1
zones:
  - {id: mynumber, kind: mynumber}
  - {id: lgwan, kind: lgwan}
segments:
  - {id: big, zone: lgwan, cidrs: [10.0.0.0/8]}
  - {id: mn, zone: mynumber, cidrs: [10.10.5.0/24]}
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 10.30.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}, head=head))
    assert [(v.from_zone, v.to_zone) for v in report.violations] == [("mynumber", "lgwan")]
    witness = report.violations[0].witness
    assert witness is not None and witness.src.startswith("10.10.5.")


def test_addresses_outside_segments_belong_to_the_internet_zone(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 8.8.8.8 -p udp --dport 53 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert [(v.from_zone, v.to_zone) for v in report.violations] == [("mynumber", "internet")]
    assert report.violations[0].witness is not None
    assert report.violations[0].witness.dst == "8.8.8.8"


def test_without_internet_zone_unknown_addresses_belong_to_no_zone(write_model: Callable[..., Path]) -> None:
    head = """\
version: 1
zones:
  - {id: mynumber, kind: mynumber}
segments:
  - {id: mn, zone: mynumber, cidrs: [10.10.0.0/16]}
"""
    config = """\
        *filter
        :FORWARD ACCEPT [0:0]
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}, head=head))
    assert report.violations == ()


def test_expired_exception_allows_nothing_and_is_listed(write_model: Callable[..., Path]) -> None:
    extra = (
        """\
allowed_flows:
  - id: eltax
    from: {segment: mn-lan}
    to: {zone: internet}
    services: [tcp/443]
    expires: 2026-11-25
"""
        + DEVICE
    )
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 8.8.8.0/24 -p tcp --dport 443 -j ACCEPT
        COMMIT
    """
    model = write_model(extra, {"fw.rules": config})
    on_the_day = _report(model, dt.date(2026, 11, 25))
    assert on_the_day.violations == ()
    assert on_the_day.expired_flows == ()
    assert [f.id for f in on_the_day.expiring_flows] == ["eltax"]
    day_after = _report(model, dt.date(2026, 11, 26))
    assert [(v.rule, v.from_zone, v.to_zone) for v in day_after.violations] == [
        ("FORWARD #1", "mynumber", "internet")
    ]
    assert [f.to_dict() for f in day_after.expired_flows] == [
        {"id": "eltax", "expires": "2026-11-25", "line": 15, "from_zone": "mynumber", "to_zone": "internet"}
    ]


def test_expired_exception_alone_does_not_change_the_exit_code(write_model: Callable[..., Path]) -> None:
    extra = (
        """\
allowed_flows:
  - id: old
    from: {zone: mynumber}
    to: {zone: internet}
    services: any
    expires: 2020-03-31
"""
        + DEVICE
    )
    config = """\
        *filter
        :FORWARD DROP [0:0]
        COMMIT
    """
    report = _report(write_model(extra, {"fw.rules": config}))
    assert [f.id for f in report.expired_flows] == ["old"]
    assert report.exit_code == 0


def test_unknown_object_in_permit_gives_possible_violation_naming_it(
    write_model: Callable[..., Path],
) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -m set --match-set partners dst -s 10.10.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert {v.certainty for v in report.violations} == {Certainty.POSSIBLE}
    assert {v.unknown_objects for v in report.violations} == {("ipset:partners",)}
    assert report.to_dict()["violations"][0]["unknown_objects"] == ["ipset:partners"]
    assert report.exit_code == 1


def test_unknown_object_in_deny_does_not_hide_the_leak(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -m set --match-set blocked src -j DROP
        -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 22 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert [(v.rule, v.certainty, v.unknown_objects) for v in report.violations] == [
        ("FORWARD #2", Certainty.POSSIBLE, ("ipset:blocked",))
    ]


def test_definite_and_possible_are_told_apart(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -j ACCEPT
        -A FORWARD -s 10.10.0.0/16 -m set --match-set x dst -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    by_rule = {(v.rule, v.to_zone): v.certainty for v in report.violations}
    assert by_rule[("FORWARD #1", "lgwan")] is Certainty.DEFINITE
    assert by_rule[("FORWARD #2", "internet")] is Certainty.POSSIBLE


def test_interface_map_limits_pairs_to_mapped_interfaces(write_model: Callable[..., Path]) -> None:
    extra = """
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
    interfaces: {eth0: mynumber, eth1: lgwan}
"""
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -i eth0 -o eth1 -p tcp --dport 443 -j ACCEPT
        -A FORWARD -i eth2 -o eth1 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(extra, {"fw.rules": config}))
    # eth2 is mapped to no zone: the internet zone never crosses this device.
    assert [(v.rule, v.from_zone, v.to_zone) for v in report.violations] == [
        ("FORWARD #1", "mynumber", "lgwan")
    ]
    witness = report.violations[0].witness
    assert witness is not None and (witness.in_interface, witness.out_interface) == ("eth0", "eth1")


def test_without_interface_map_interface_rules_still_count(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -i eth7 -s 10.10.0.0/16 -d 10.20.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert [(v.rule, v.from_zone, v.to_zone) for v in report.violations] == [
        ("FORWARD #1", "mynumber", "lgwan")
    ]


def test_permissive_policy_is_reported_with_its_line(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :INPUT DROP [0:0]
        :FORWARD ACCEPT [0:0]
        -A FORWARD -s 10.10.0.0/16 -j DROP
        -A FORWARD -d 10.10.0.0/16 -j DROP
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert {(v.rule, v.line) for v in report.violations} == {("FORWARD policy ACCEPT", 3)}
    assert {(v.from_zone, v.to_zone) for v in report.violations} == {
        ("lgwan", "internet"),
        ("internet", "lgwan"),
    }


def test_implicit_accept_policy_has_line_zero(write_model: Callable[..., Path]) -> None:
    config = """\
        -A INPUT -p tcp --dport 22 -j ACCEPT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert {(v.rule, v.line) for v in report.violations} == {("FORWARD policy ACCEPT（暗黙）", 0)}


def test_state_only_rule_is_a_warning_not_a_violation(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
        -A FORWARD -s 10.20.0.0/16 -d 10.10.0.0/16 -p tcp --tcp-flags ACK ACK -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert report.violations == ()
    assert [(w.rule, w.line) for w in report.warnings] == [("FORWARD #1", 3), ("FORWARD #2", 4)]
    assert report.exit_code == 0


def test_jump_return_and_user_chains_follow_iptables_order(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        :CHECK - [0:0]
        -A FORWARD -j CHECK
        -A FORWARD -d 10.20.0.0/16 -p tcp --dport 22 -j ACCEPT
        -A CHECK -s 10.10.0.0/16 -j RETURN
        -A CHECK -d 10.20.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    found = {(v.rule, v.from_zone, v.to_zone) for v in report.violations}
    # From My Number the RETURN leads back to FORWARD #2 (ssh only); from the internet CHECK #2 accepts.
    assert found == {("FORWARD #2", "mynumber", "lgwan"), ("CHECK #2", "internet", "lgwan")}
    ssh = next(v for v in report.violations if v.rule == "FORWARD #2")
    assert ssh.witness is not None and ssh.witness.dst_port == 22


def test_shadowed_rule_names_the_rules_that_cover_it(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -j DROP
        -A FORWARD -s 10.20.0.0/16 -j DROP
        -A FORWARD -s 10.10.1.0/24 -p tcp --dport 443 -j ACCEPT
        -A FORWARD -s 10.30.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert [s.to_dict() for s in report.shadowed_rules] == [
        {"device": "fw", "rule": "FORWARD #3", "line": 5, "shadowed_by": [{"rule": "FORWARD #1", "line": 3}]}
    ]


def test_unsupported_lines_are_reported_and_parsing_goes_on(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD --bogus-option 1 -j ACCEPT
        -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -j ACCEPT
        COMMIT
    """
    report = _report(write_model(DEVICE, {"fw.rules": config}))
    assert [u.to_dict() for u in report.unsupported] == [
        {
            "device": "fw",
            "file": "fw.rules",
            "line": 3,
            "text": "-A FORWARD --bogus-option 1 -j ACCEPT",
            "reason": "不明なオプション「--bogus-option」（不明な条件として扱います）",
        }
    ]
    # The rule with the unknown option still permits (possibly): it must not hide a leak.
    assert {(v.rule, v.certainty) for v in report.violations if v.to_zone == "lgwan"} == {
        ("FORWARD #1", Certainty.POSSIBLE),
        ("FORWARD #2", Certainty.DEFINITE),
    }
    assert {v.unknown_objects for v in report.violations if v.rule == "FORWARD #1"} == {("--bogus-option 1",)}


def test_report_json_has_exactly_the_contract_keys(write_model: Callable[..., Path]) -> None:
    config = """\
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -j ACCEPT
        COMMIT
    """
    data = _report(write_model(DEVICE, {"fw.rules": config})).to_dict()
    assert list(data) == ["violations", "shadowed_rules", "unsupported", "expired_flows", "warnings"]
    violation = data["violations"][0]  # type: ignore[index]
    assert list(violation) == ["device", "rule", "line", "from_zone", "to_zone", "witness", "certainty"]
    assert violation["witness"] == {
        "src": "10.10.0.1",
        "dst": "10.20.0.1",
        "protocol": "tcp",
        "dst_port": 443,
        "src_port": 49152,
    }
    assert violation["certainty"] == "definite"


def test_uploaded_texts_verify_without_files(write_model: Callable[..., Path]) -> None:
    model = load_model(
        (Path(__file__).parent / "conftest.py")
        .read_text(encoding="utf-8")
        .split('MODEL_HEAD = """\\\n')[1]
        .split('"""')[0]
        + DEVICE
    )
    report = verify(model, {"fw": "*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n"}, as_of=AS_OF)
    assert report.exit_code == 1
    assert report.violations[0].text == ":FORWARD ACCEPT [0:0]"
    assert report.violations[0].line == 2
