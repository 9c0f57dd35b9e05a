"""nftables parser: JSON and text rulesets, the shared corpus and the parser contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.netcheck.errors import ConfigSyntaxError
from mamori.netcheck.ir import Action, ParsedConfig, Stage
from mamori.netcheck.report import render_config
from mamori.netcheck.vendors import parse_config

from .vendor_contract import VendorContract, network_corpus

CONFIGS = Path(__file__).parent / "configs" / "nftables"

# Rules per file, counted by hand from the files (every statement line with a verdict).
AERLEON_RULES = {
    "aerleon__sample_nftables-dev.nft": 7,
    "aerleon__sample_nftables-mixed-icmp.nft": 24,
    "aerleon__sample_nftables-mixed-multiple-headers-combo.nft": 29,
    "aerleon__sample_nftables.nft": 51,
    "aerleon__testOverridePolicyHeader.nft": 3,
    "aerleon__testStatefulFirewall.nft": 6,
}


def _parse(path: Path) -> ParsedConfig:
    return parse_config(path.read_text(encoding="utf-8"), vendor="nftables", source=path.name)


@pytest.mark.parametrize(("name", "count"), sorted(AERLEON_RULES.items()))
def test_aerleon_files_parse_without_errors_and_recover_every_rule(name: str, count: int) -> None:
    path = network_corpus("nftables") / name
    parsed = _parse(path)
    assert parsed.unsupported == ()
    assert len(parsed.rules()) == count
    lines = path.read_text(encoding="utf-8").splitlines()
    for rule in parsed.rules():
        assert lines[rule.line - 1].strip() == rule.text


def test_aerleon_established_rules_are_state_only_and_new_rules_are_not() -> None:
    parsed = _parse(network_corpus("nftables") / "aerleon__testStatefulFirewall.nft")
    texts = {rule.text: rule.state_only for rule in parsed.rules()}
    assert texts["ct state established,related accept"] is True
    assert texts["ct state new accept"] is False


def test_aerleon_hooks_are_input_or_output_so_nothing_is_forwarded() -> None:
    parsed = _parse(network_corpus("nftables") / "aerleon__sample_nftables.nft")
    assert parsed.attachments == ()
    root2 = parsed.chain("ip filtering_policies root2")
    assert root2 is not None and root2.default is not None and root2.default.action is Action.PERMIT


def test_aerleon_ip6_table_rules_are_ipv6_only() -> None:
    parsed = _parse(network_corpus("nftables") / "aerleon__sample_nftables-dev.nft")
    assert {rule.ip_version for rule in parsed.rules()} == {6}


def test_aerleon_icmp_types_and_port_ranges() -> None:
    parsed = _parse(network_corpus("nftables") / "aerleon__sample_nftables-mixed-icmp.nft")
    icmp4 = parsed.chain("inet filtering_policies test-icmp-type-ip4")
    assert icmp4 is not None
    assert [(s.protocol, s.icmp_type) for s in icmp4.rules[0].service.services] == [(1, 8), (1, 0)]
    trace = parsed.chain("inet filtering_policies base-traceroute-in")
    assert trace is not None
    service = trace.rules[0].service.services[0]
    assert (service.protocol, service.src_ports[0].first, service.dst_ports[0].last) == (17, 33434, 65535)


@pytest.mark.parametrize("name", ["city-edge.json", "city-edge.nft"])
def test_own_configs_match_golden_output(name: str) -> None:
    parsed = parse_config(
        (CONFIGS / name).read_text(encoding="utf-8"), vendor="nftables", source=f"nftables/{name}"
    )
    assert render_config(parsed) == (CONFIGS / f"{name}.golden").read_text(encoding="utf-8")


def test_json_and_text_forms_give_the_same_forward_rules() -> None:
    json_form = _parse(CONFIGS / "city-edge.json")
    text_form = _parse(CONFIGS / "city-edge.nft")

    def shape(parsed: ParsedConfig) -> list[tuple[object, ...]]:
        chain = parsed.chain("inet filter forward")
        assert chain is not None
        return [
            (r.action, r.source, r.destination, r.service, r.in_interface, r.state_only) for r in chain.rules
        ]

    assert shape(json_form) == shape(text_form)
    assert [(a.stage, a.chain) for a in json_form.attachments] == [(Stage.FORWARD, "inet filter forward")]


def test_json_without_nftables_array_is_refused() -> None:
    with pytest.raises(ConfigSyntaxError) as caught:
        parse_config('{"rules": []}', vendor="nftables", source="x.json")
    assert "nft -j list ruleset" in caught.value.message


def test_unknown_statement_keeps_the_rule_as_unknown_condition() -> None:
    text = "table ip f {\n chain fwd {\n  type filter hook forward priority 0; policy drop;\n  meta mark 0x1 accept\n }\n}\n"
    parsed = parse_config(text, vendor="nftables", source="x.nft")
    assert [u.line for u in parsed.unsupported] == [4]
    rule = parsed.rules()[0]
    assert rule.action is Action.PERMIT and rule.unknown == ("meta mark 0x1",)


class TestNftablesContract(VendorContract):
    vendor = "nftables"
    valid_config = (CONFIGS / "city-edge.nft").read_text(encoding="utf-8")
    unknown_config = "table ip f {\n chain fwd {\n  ip saddr @WSUS_CDN accept\n }\n}\n"
    unknown_name = "WSUS_CDN"
    unsupported_config = (
        "table ip f {\n chain fwd {\n  type filter hook forward priority 0; policy drop;\n"
        "  ip protocol bogus accept\n  ip saddr 10.0.0.1 accept\n }\n}\n"
    )
    unsupported_line = 4
    rule_after_unsupported = "ip f fwd #2"
