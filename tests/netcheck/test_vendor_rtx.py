"""YAMAHA RTX parser: contract and golden results on a hand-written RTX1210 configuration."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from mamori.netcheck.errors import ConfigSyntaxError
from mamori.netcheck.ir import (
    IPV4_MAX,
    Action,
    AddressRange,
    Attachment,
    ParsedConfig,
    PortRange,
    Service,
    Stage,
    Wildcard,
)
from mamori.netcheck.vendors.yamaha_rtx import parse
from tests.netcheck.vendor_contract import VendorContract

CONFIGS = Path(__file__).resolve().parent / "configs" / "yamaha-rtx"
ANY4 = AddressRange(0, IPV4_MAX, 4)


def _range(first: str, last: str | None = None) -> AddressRange:
    return AddressRange(int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last or first)), 4)


class TestRtxContract(VendorContract):
    vendor = "yamaha-rtx"
    valid_config = """\
ip lan1 address 192.168.1.1/24
ip lan1 secure filter in 10 20
ip filter 10 pass 192.168.1.0/24 * tcp * www
ip filter 20 reject * * * * *
"""
    unknown_config = """\
ip lan1 secure filter in 10
ip filter 10 pass * update.example.jp tcp * https
"""
    unknown_name = "update.example.jp"
    unsupported_config = """\
ip lan1 secure filter in 10 20 30
ip filter 10 pass * * tcp * www
ip filter 20 pass * * frobnicate * *
ip filter 30 reject * * * * *
"""
    unsupported_line = 3
    rule_after_unsupported = "30"


def test_text_without_rtx_commands_is_a_syntax_error() -> None:
    with pytest.raises(ConfigSyntaxError):
        parse("hello\nworld\n", source="x.txt")


class TestInternetEdge:
    @pytest.fixture(scope="class")
    def parsed(self) -> ParsedConfig:
        path = CONFIGS / "rtx1210-internet-edge.conf"
        return parse(path.read_text(encoding="utf-8"), source=path.name)

    def test_interfaces_include_pp_and_tunnel(self, parsed: ParsedConfig) -> None:
        assert parsed.interfaces == ("lan1", "lan3", "pp 1", "tunnel 1")

    def test_lists_are_attached_in_and_out(self, parsed: ParsedConfig) -> None:
        assert Attachment(Stage.INGRESS, "lan1 secure filter in", "lan1", 19) in parsed.attachments
        assert Attachment(Stage.EGRESS, "pp 1 secure filter out", "pp 1", 34) in parsed.attachments

    def test_first_match_order_follows_the_list(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("pp 1 secure filter in")
        assert chain is not None
        assert [rule.rule_id for rule in chain.rules][:3] == ["200003", "200020", "200021"]
        assert chain.default is not None
        assert chain.default.action is Action.DENY
        assert chain.default.line == 33

    def test_filter_fields_are_exact(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("lan3 secure filter in")
        assert chain is not None
        relay = chain.rules[0]
        assert relay.rule_id == "300"
        assert relay.line == 55
        assert relay.text == "ip filter 300 pass 10.20.5.10 192.168.50.10 tcp 25 *"
        assert relay.source.ranges == (_range("10.20.5.10"),)
        assert relay.service.services == (Service(6, (PortRange(25, 25),), ()),)

    def test_port_names_ranges_and_lists(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("lan1 secure filter in")
        assert chain is not None
        block = chain.rules[2]
        assert block.action is Action.DENY
        expected = (PortRange(135, 135), PortRange(137, 139), PortRange(445, 445))
        assert block.service.services == (Service(17, (), expected), Service(6, (), expected))

    def test_restrict_counts_as_pass_and_tcpfin_is_state_only(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("pp 1 secure filter out")
        assert chain is not None
        fin = next(rule for rule in chain.rules if rule.rule_id == "200026")
        assert fin.action is Action.PERMIT
        assert fin.state_only is True

    def test_established_is_state_only(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("lan1 secure filter out")
        assert chain is not None
        assert chain.rules[1].state_only is True
        assert chain.rules[1].service.services == (Service(6),)

    def test_dynamic_filters_are_state_only_permits_after_static_ones(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("lan1 secure filter out")
        assert chain is not None
        ids = [rule.rule_id for rule in chain.rules]
        assert ids == ["110", "111", "119", "dynamic 200080", "dynamic 200081", "dynamic 200082"]
        www = chain.rules[5]
        assert www.action is Action.PERMIT
        assert www.state_only is True
        assert www.service.services == (Service(6, (), (PortRange(80, 80),)),)
        dns = chain.rules[4]
        assert Service(17, (), (PortRange(53, 53),)) in dns.service.services

    def test_interface_without_list_passes_and_is_named(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("tunnel 1 フィルタ未設定")
        assert chain is not None
        assert chain.rules == ()
        assert chain.default is not None
        assert chain.default.action is Action.PERMIT
        assert chain.default.line == 37
        assert Attachment(Stage.INGRESS, chain.name, "tunnel 1", 37) in parsed.attachments

    def test_nat_is_reported_unsupported(self, parsed: ParsedConfig) -> None:
        assert [(item.line, item.text) for item in parsed.unsupported] == [(35, "ip pp nat descriptor 1000")]


def test_address_forms() -> None:
    text = """\
ip lan1 secure filter in 1 2 3 4
ip filter 1 pass 10.0.0.1-10.0.0.9,10.0.1.0/24 * * * *
ip filter 2 pass 192.168.*.1 * * * *
ip filter 3 pass -10.0.0.255 10.9.9.9- * * *
ip filter 4 pass 172.16.0.0/255.255.0.0 * icmp 8 *
"""
    rules = parse(text, source="a.conf").rules()
    assert rules[0].source.ranges == (_range("10.0.0.1", "10.0.0.9"), _range("10.0.1.0", "10.0.1.255"))
    assert rules[1].source.wildcards == (Wildcard(int(ipaddress.IPv4Address("192.168.0.1")), 0x0000FF00),)
    assert rules[2].source.ranges == (_range("0.0.0.0", "10.0.0.255"),)
    assert rules[2].destination.ranges == (_range("10.9.9.9", "255.255.255.255"),)
    assert rules[3].source.ranges == (_range("172.16.0.0", "172.16.255.255"),)
    assert rules[3].service.services == (Service(1, icmp_type=8),)
    assert rules[0].destination.ranges == (ANY4,)


def test_empty_list_passes_and_later_list_replaces_earlier() -> None:
    text = """\
ip lan2 secure filter in 1
ip lan2 secure filter in 2
ip filter 1 reject * * * * *
ip filter 2 pass * * tcp * 1024-
"""
    parsed = parse(text, source="r.conf")
    chain = parsed.chain("lan2 secure filter in")
    assert chain is not None
    assert [rule.rule_id for rule in chain.rules] == ["2"]
    assert chain.rules[0].service.services == (Service(6, (), (PortRange(1024, 65535),)),)


def test_undefined_filter_numbers_and_filter_sets_are_reported() -> None:
    text = """\
ip lan1 secure filter in 10 99
ip lan1 secure filter name LAN-IN
ip filter set LAN-IN in 10
ip filter 10 pass * * * * *
pp select none
ip pp secure filter in 10
"""
    parsed = parse(text, source="u.conf")
    assert [item.line for item in parsed.unsupported] == [1, 2, 3, 6]
    assert "99" in parsed.unsupported[0].reason


def test_tcpflag_with_ack_is_state_only_and_other_flags_are_unknown() -> None:
    text = """\
ip lan1 secure filter in 1 2
ip filter 1 pass * * tcpflag=0x0010/0x0010 * *
ip filter 2 pass * * tcpflag=0x0002/0x0002 * *
"""
    first, second = parse(text, source="f.conf").rules()
    assert first.state_only is True
    assert second.state_only is False
    assert second.service.unknown == ("tcpflag=0x0002/0x0002",)


def test_pp_commands_without_select_are_reported() -> None:
    parsed = parse("ip pp secure filter in 1\nip filter 1 pass * * * * *\n", source="p.conf")
    assert [item.line for item in parsed.unsupported] == [1]


def test_interface_with_only_an_outbound_list_passes_inbound_by_name() -> None:
    text = """\
ip lan2 address 10.1.1.1/24
ip lan2 secure filter out 1
ip filter 1 reject * * * * *
"""
    parsed = parse(text, source="o.conf")
    inbound = parsed.chain("lan2 フィルタ未設定")
    assert inbound is not None and inbound.default is not None
    assert inbound.default.action is Action.PERMIT
    assert inbound.default.line == 1
    assert Attachment(Stage.EGRESS, "lan2 secure filter out", "lan2", 2) in parsed.attachments


def test_tunnel_secure_filter_applies_to_the_selected_tunnel() -> None:
    text = """\
tunnel select 3
 ip tunnel secure filter in 1
 tunnel enable 3
tunnel select none
ip filter 1 restrict-nolog 10.3.0.0/16 * udp * ntp
"""
    parsed = parse(text, source="t.conf")
    assert Attachment(Stage.INGRESS, "tunnel 3 secure filter in", "tunnel 3", 2) in parsed.attachments
    (rule,) = parsed.rules()
    assert rule.action is Action.PERMIT
    assert rule.service.services == (Service(17, (), (PortRange(123, 123),)),)


def test_tcpsyn_is_unknown_as_a_whole_and_not_state_only() -> None:
    text = """\
ip lan1 secure filter in 1 2
ip filter 1 reject * * tcpsyn * *
ip filter 2 pass * * established,tcpsyn * *
"""
    reject, mixed = parse(text, source="s.conf").rules()
    assert reject.service.services == ()
    assert reject.service.unknown == ("tcpsyn",)
    assert mixed.state_only is False


def test_unreadable_pass_filter_is_kept_as_an_all_unknown_permit() -> None:
    parsed = parse(TestRtxContract.unsupported_config, source="x.conf")
    opaque = next(rule for rule in parsed.rules() if rule.rule_id == "20")
    assert opaque.action is Action.PERMIT
    assert opaque.line == 3
    assert opaque.destination.unknown and opaque.destination.ranges == ()


class TestBranchRouter:
    @pytest.fixture(scope="class")
    def parsed(self) -> ParsedConfig:
        path = CONFIGS / "rtx830-branch-lgwan.conf"
        return parse(path.read_text(encoding="utf-8"), source=path.name)

    def test_every_list_becomes_a_chain(self, parsed: ParsedConfig) -> None:
        counts = {chain.name: len(chain.rules) for chain in parsed.chains}
        assert counts == {
            "lan1 secure filter in": 3,
            "lan2 secure filter in": 4,
            "lan2 secure filter out": 4,
            "tunnel 1 secure filter in": 3,
            "tunnel 1 secure filter out": 4,
        }

    def test_esp_and_ike_filters_are_exact(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("lan2 secure filter in")
        assert chain is not None
        ike, esp, natt, _ = chain.rules
        assert ike.service.services == (Service(17, (PortRange(500, 500),), (PortRange(500, 500),)),)
        assert esp.service.services == (Service(50),)
        assert natt.source.ranges == (_range("172.16.0.1"),)

    def test_tunnel_out_list_keeps_dynamic_entries_state_only(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("tunnel 1 secure filter out")
        assert chain is not None
        assert [rule.rule_id for rule in chain.rules] == ["3010", "3099", "dynamic 3080", "dynamic 3081"]
        assert chain.rules[0].service.services == (Service(6), Service(17))
        assert [rule.state_only for rule in chain.rules] == [False, False, True, True]

    def test_ipv6_lines_are_reported_unsupported(self, parsed: ParsedConfig) -> None:
        assert [item.line for item in parsed.unsupported] == [16, 45]
