"""iptables-save parser: the shared corpus, golden output of our own config, and the parser contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.netcheck.ir import Action, ParsedConfig
from mamori.netcheck.report import render_config
from mamori.netcheck.vendors import parse_config

from .vendor_contract import VendorContract, network_corpus

CONFIGS = Path(__file__).parent / "configs" / "iptables"


def _parse(path: Path) -> ParsedConfig:
    return parse_config(path.read_text(encoding="utf-8"), vendor="iptables", source=path.name)


def _rule_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(("-A ", "--append "))]


@pytest.mark.parametrize(
    "name",
    [
        "aerleon__sample_multitarget.ipt",
        "aerleon__sample_speedway.ipt",
        "aerleon__testCommentReflowing.ipt",
        "aerleon__testMultiportDualLargePortCount.ipt",
    ],
)
def test_aerleon_files_parse_without_errors_and_recover_every_rule(name: str) -> None:
    path = network_corpus("iptables") / name
    text = path.read_text(encoding="utf-8")
    parsed = _parse(path)
    assert parsed.unsupported == ()
    comment_only = [n for n in _rule_lines(text) if "-j " not in text.splitlines()[n - 1]]
    recovered = sorted(rule.line for rule in parsed.rules())
    assert recovered == [n for n in _rule_lines(text) if n not in comment_only]


def test_aerleon_multiport_rules_keep_both_port_lists() -> None:
    parsed = _parse(network_corpus("iptables") / "aerleon__testMultiportDualLargePortCount.ipt")
    chain = parsed.chain("I_bad-multiport")
    assert chain is not None and len(chain.rules) == 9
    service = chain.rules[0].service.services[0]
    assert [p.first for p in service.src_ports] == list(range(1, 28, 2))
    assert [p.first for p in service.dst_ports] == list(range(1, 28, 2))


def test_aerleon_established_rules_are_state_only() -> None:
    parsed = _parse(network_corpus("iptables") / "aerleon__sample_multitarget.ipt")
    chain = parsed.chain("I_permit-tcp-established")
    assert chain is not None and all(rule.state_only for rule in chain.rules)
    mail = parsed.chain("I_permit-mail-services")
    assert mail is not None and not any(rule.state_only for rule in mail.rules)


def test_batfish_unsupported_commands_are_reported_line_by_line() -> None:
    parsed = _parse(network_corpus("iptables") / "batfish__unsupported_command.iptables")
    # The comments above each line say which commands are supported.
    assert [u.line for u in parsed.unsupported] == [7, 10, 13, 16, 18, 24, 27, 36, 39, 42]
    input_chain = parsed.chain("INPUT")
    assert input_chain is not None
    assert [(r.rule_id, r.line) for r in input_chain.rules] == [("INPUT #1", 21), ("INPUT #2", 4)]
    assert parsed.chain("chain") is not None


def test_batfish_unsupported_rule_spec_options_are_reported() -> None:
    parsed = _parse(network_corpus("iptables") / "batfish__unsupported_rule_spec_options.iptables")
    assert [u.line for u in parsed.unsupported] == [3, 4, 10]
    # "-m tcp" after "-p tcp" (line 7) is supported; the unsupported rules stay as unknown conditions.
    rules = {rule.line: rule for rule in parsed.rules()}
    assert rules[7].unknown == ()
    assert rules[3].unknown == ("-4",)


def test_batfish_invalid_host_state_match_is_understood() -> None:
    parsed = _parse(network_corpus("iptables") / "batfish-parsing-errors__invalid-host1.iptables")
    assert parsed.unsupported == ()
    input_chain = parsed.chain("INPUT")
    assert input_chain is not None and input_chain.rules[2].state_only


def test_non_filter_tables_are_skipped() -> None:
    parsed = _parse(network_corpus("iptables") / "batfish-iptables-firewall__z2-firewall.v4")
    assert parsed.rules() == ()
    assert parsed.unsupported == ()
    forward = parsed.chain("FORWARD")
    assert forward is not None and forward.default is not None
    assert (forward.default.action, forward.default.line) == (Action.PERMIT, 0)


@pytest.mark.parametrize("name", ["city-core.rules"])
def test_own_config_matches_golden_output(name: str) -> None:
    path = CONFIGS / name
    parsed = parse_config(path.read_text(encoding="utf-8"), vendor="iptables", source=f"iptables/{name}")
    assert render_config(parsed) == (CONFIGS / f"{name}.golden").read_text(encoding="utf-8")


def test_insert_puts_the_rule_first_and_renumbers() -> None:
    text = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.1 -j ACCEPT\n-I FORWARD -s 10.0.0.2 -j DROP\nCOMMIT\n"
    parsed = parse_config(text, vendor="iptables", source="x")
    forward = parsed.chain("FORWARD")
    assert forward is not None
    assert [(r.rule_id, r.line, r.action) for r in forward.rules] == [
        ("FORWARD #1", 4, Action.DENY),
        ("FORWARD #2", 3, Action.PERMIT),
    ]


class TestIptablesContract(VendorContract):
    vendor = "iptables"
    valid_config = (CONFIGS / "city-core.rules").read_text(encoding="utf-8")
    unknown_config = (
        "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m set --match-set WSUS_CDN dst -j ACCEPT\nCOMMIT\n"
    )
    unknown_name = "WSUS_CDN"
    unsupported_config = (
        "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j NOSUCHCHAIN\n-A FORWARD -s 10.0.0.1 -j ACCEPT\nCOMMIT\n"
    )
    unsupported_line = 3
    rule_after_unsupported = "FORWARD #2"
