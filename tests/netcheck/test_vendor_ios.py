"""Cisco IOS / IOS-XE parser: contract, golden results on the shared corpus and a hand-written router."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from mamori.netcheck.ir import (
    Action,
    AddressRange,
    Attachment,
    ParsedConfig,
    PortRange,
    Service,
    Stage,
    Wildcard,
)
from mamori.netcheck.vendors import decode_config
from mamori.netcheck.vendors.cisco_ios import parse
from tests.netcheck.vendor_contract import VendorContract, network_corpus

CONFIGS = Path(__file__).resolve().parent / "configs" / "cisco-ios"
ANY4 = AddressRange(0, (1 << 32) - 1, 4)


def _ip(text: str) -> int:
    return int(ipaddress.ip_address(text))


def _host(text: str) -> AddressRange:
    return AddressRange(_ip(text), _ip(text), 4)


def _parse_file(path: Path) -> ParsedConfig:
    return parse(decode_config(path.read_bytes(), source=path.name), source=path.name)


class TestIosContract(VendorContract):
    vendor = "cisco-ios"
    valid_config = """\
hostname r1
ip access-list extended EDGE
 10 permit tcp any host 10.0.0.1 eq 443
 20 deny ip any any
interface GigabitEthernet0/0
 ip access-group EDGE in
"""
    unknown_config = """\
ip access-list extended EDGE
 permit ip object-group NOWHERE any
"""
    unknown_name = "NOWHERE"
    unsupported_config = """\
ip access-list extended EDGE
 permit tcp any any eq 22
 permit flurble any any
 deny ip any any
"""
    unsupported_line = 3
    rule_after_unsupported = "EDGE #3"


def test_every_corpus_config_reports_with_file_and_line() -> None:
    folder = network_corpus("cisco-ios")
    paths = sorted(folder.glob("*"))
    assert len(paths) == 15
    for path in paths:
        parsed = _parse_file(path)
        lines = decode_config(path.read_bytes(), source=path.name).splitlines()
        for item in parsed.unsupported:
            assert item.file == path.name
            assert item.text == lines[item.line - 1].strip()


def test_aerleon_multitarget_recovers_every_entry_without_errors() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "aerleon__sample_multitarget.acl")
    assert parsed.unsupported == ()
    counts = {chain.name: len(chain.rules) for chain in parsed.chains}
    assert counts == {
        "edge-inbound": 43,
        "ipv6-edge-inbound": 25,
        "edge-outbound": 15,
        "ipv6-edge-outbound": 24,
    }
    inbound = parsed.chain("edge-inbound")
    assert inbound is not None
    first = inbound.rules[0]
    assert first.rule_id == "edge-inbound #1"
    assert first.text == "deny ip 0.0.0.0 0.255.255.255 any"
    assert first.source.ranges == (AddressRange(0, _ip("0.255.255.255"), 4),)
    smtp = inbound.rules[20]
    assert smtp.text == "permit tcp any host 200.1.1.4 eq 25"
    assert smtp.destination.ranges == (_host("200.1.1.4"),)
    assert smtp.service.services == (Service(6, (), (PortRange(25, 25),)),)
    established = inbound.rules[32]
    assert established.text == "permit tcp any host 200.1.1.1 established"
    assert established.state_only is True
    udp = inbound.rules[37]
    assert udp.service.services == (Service(17, (PortRange(1024, 65535),), ()),)
    v6 = parsed.chain("ipv6-edge-inbound")
    assert v6 is not None
    assert v6.rules[0].source.ranges == (
        AddressRange(_ip("2001:db8::"), _ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 6),
    )
    assert all(rule.ip_version == 6 for rule in v6.rules)


def test_aerleon_object_groups_resolve_net_and_port_groups() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "aerleon__testObjectGroup.acl")
    assert parsed.unsupported == ()
    first, second = parsed.rules()
    assert first.destination.ranges == (AddressRange(_ip("10.0.0.0"), _ip("10.255.255.255"), 4),)
    assert first.service.services == (Service(6, (PortRange(80, 80),), (PortRange(1024, 65535),)),)
    assert first.state_only is True
    assert second.source.ranges == second.destination.ranges


def test_access_groups_bind_acls_to_interfaces() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "batfish-example__as2border1.cfg")
    assert parsed.unsupported == ()
    assert parsed.attachments == (
        Attachment(Stage.INGRESS, "OUTSIDE_TO_INSIDE", "GigabitEthernet0/0", 66),
        Attachment(Stage.EGRESS, "INSIDE_TO_AS1", "GigabitEthernet0/0", 67),
    )
    outside = parsed.chain("OUTSIDE_TO_INSIDE")
    assert outside is not None and outside.default is not None
    assert outside.default.action is Action.DENY
    assert [rule.action for rule in outside.rules] == [Action.DENY, Action.DENY, Action.PERMIT]


def test_undefined_acl_on_an_interface_permits_everything_and_is_reported() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "batfish__ios-acl.cfg")
    assert {item.line for item in parsed.unsupported} >= {32, 33}
    chain = parsed.chain("AL_IF_UNDEF")
    assert chain is not None and chain.default is not None
    assert chain.default.action is Action.PERMIT
    standard = parsed.chain("AL_standard")
    assert standard is not None and standard.rules[0].action is Action.PERMIT


def test_unit_acl_variants_parse_with_multi_port_eq_and_icmp_names() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "batfish-unit__cisco_acl.cfg")
    assert parsed.unsupported == ()
    blah = parsed.chain("BLAH-BLAH")
    assert blah is not None
    by_text = {rule.text: rule for rule in blah.rules}
    assert by_text["50 permit udp any any eq bootps bootpc ntp"].service.services == (
        Service(17, (), (PortRange(67, 67), PortRange(68, 68), PortRange(123, 123))),
    )
    assert by_text["280 permit icmp any any 5 2"].service.services == (Service(1, icmp_type=5, icmp_code=2),)
    ttl = by_text["60 permit tcp any any eq mlag ttl eq 255"]
    assert ttl.service.unknown == ("port mlag",)
    assert ttl.unknown == ("ttl eq 255",)
    # Remarks do not count as positions.
    assert by_text["140 permit udp 10.0.0.0/19 any eq snmp"].rule_id == "BLAH-BLAH #13"


def test_undefined_object_groups_are_named() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "batfish__ios-acl-object-group.cfg")
    undefined = parsed.chain("acl-undefined")
    assert undefined is not None
    (rule,) = undefined.rules
    assert rule.source.unknown == ("ognfake1",)
    assert rule.destination.unknown == ("ognfake2",)
    assert rule.service.unknown == ("ogsfake",)


def test_service_object_group_names_resolve() -> None:
    parsed = _parse_file(network_corpus("cisco-ios") / "batfish__ios-object-group-service.cfg")
    used = parsed.chain("acl_used")
    assert used is not None
    tcp = used.rules[1].service.services
    assert [service.dst_ports for service in tcp] == [
        (PortRange(65500, 65500),),
        (PortRange(514, 514),),
        (PortRange(53, 53),),
        (PortRange(80, 80),),
    ]


@pytest.mark.parametrize("name", ["batfish__ios-unicode-bom.cfg", "batfish__ios-unicode.cfg"])
def test_utf16_files_are_decoded(name: str) -> None:
    path = network_corpus("cisco-ios") / name
    assert parse(decode_config(path.read_bytes(), source=name), source=name).interfaces == (
        "GigabitEthernet0/0",
    )
    # Even text decoded byte-for-byte (NUL between characters) is recognised.
    assert parse(path.read_bytes().decode("latin-1"), source=name).interfaces == ("GigabitEthernet0/0",)


def test_zone_based_firewall_and_nat_are_reported_unsupported() -> None:
    zones = _parse_file(network_corpus("cisco-ios") / "batfish__ios-zone-security.cfg")
    assert {item.line for item in zones.unsupported} == {4, 5, 6, 7, 9, 10, 11, 14, 17}
    nat = _parse_file(network_corpus("cisco-ios") / "batfish__ios-nat-static.cfg")
    assert {item.line for item in nat.unsupported} == {27, 28, 29, 31, 33, 34}


class TestHandWrittenRouter:
    @pytest.fixture(scope="class")
    def parsed(self) -> ParsedConfig:
        return _parse_file(CONFIGS / "c1111-lgwan-router.cfg")

    def test_sequence_numbers_decide_the_order(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("LGWAN-IN")
        assert chain is not None
        assert [rule.line for rule in chain.rules] == [42, 47, 43, 45, 46]
        assert chain.rules[1].rule_id == "LGWAN-IN #2"
        assert chain.rules[1].service.services == (
            Service(17, (PortRange(123, 123),), (PortRange(123, 123),)),
        )

    def test_non_contiguous_wildcard_is_kept_exactly(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("LGWAN-IN")
        assert chain is not None
        odd = chain.rules[3]
        assert odd.destination.wildcards == (Wildcard(_ip("10.20.0.1"), _ip("0.0.255.254")),)
        assert odd.destination.ranges == ()
        assert odd.service.services == (Service(1, icmp_type=8),)

    def test_standard_numbered_acl_matches_source_only(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("10")
        assert chain is not None
        assert chain.rules[0].source.ranges == (AddressRange(_ip("10.20.0.0"), _ip("10.20.255.255"), 4),)
        assert chain.rules[0].destination.ranges == (ANY4,)
        assert chain.rules[0].rule_id == "10 #1"

    def test_object_groups_expand(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("LGWAN-IN")
        assert chain is not None
        first = chain.rules[0]
        assert first.destination.ranges == (
            _host("10.20.5.10"),
            AddressRange(_ip("10.20.6.0"), _ip("10.20.6.255"), 4),
        )
        assert Service(17, (), (PortRange(53, 53),)) in first.service.services

    def test_interface_without_acl_has_no_attachment(self, parsed: ParsedConfig) -> None:
        assert "GigabitEthernet0/0/2" in parsed.interfaces
        assert all(item.interface != "GigabitEthernet0/0/2" for item in parsed.attachments)
        assert parsed.default.action is Action.PERMIT
        assert parsed.unsupported == ()


def test_numbered_mac_acl_and_dynamic_acl_are_reported() -> None:
    text = (
        "access-list 700 permit 0000.0000.0001 0000.0000.0000\naccess-list 101 dynamic X permit ip any any\n"
    )
    parsed = parse(text, source="r.cfg")
    assert [item.line for item in parsed.unsupported] == [1, 2]
    assert parsed.rules() == ()


def test_ipv6_traffic_filter_is_reported_and_not_bound() -> None:
    text = """\
ipv6 access-list V6
 permit ipv6 any any
ip access-list extended V4
 permit ip any any
interface Gi0/0
 ip access-group V4 in
 ipv6 traffic-filter V6 in
"""
    parsed = parse(text, source="v6.cfg")
    assert parsed.attachments == (Attachment(Stage.INGRESS, "V4", "Gi0/0", 6),)
    assert [item.line for item in parsed.unsupported] == [7]
    assert parsed.chain("V6") is not None


def test_reflexive_entries_permit_and_evaluate_is_reported() -> None:
    text = """\
ip access-list extended OUT
 permit tcp 10.0.0.0 0.255.255.255 any eq 443 reflect WEB timeout 300
ip access-list extended IN
 evaluate WEB
 deny ip any any
"""
    parsed = parse(text, source="refl.cfg")
    out = parsed.chain("OUT")
    assert out is not None
    assert out.rules[0].service.services == (Service(6, (), (PortRange(443, 443),)),)
    assert [item.line for item in parsed.unsupported] == [4]


def test_expanded_numbered_ranges_are_standard_and_extended() -> None:
    text = """\
access-list 1300 permit 192.0.2.0 0.0.0.255
access-list 2000 permit tcp any host 192.0.2.1 eq smtp
access-list 2000 permit udp any any eq domain
"""
    parsed = parse(text, source="n.cfg")
    standard = parsed.chain("1300")
    extended = parsed.chain("2000")
    assert standard is not None and extended is not None
    assert standard.rules[0].service.services == (Service(),)
    assert extended.rules[0].service.services == (Service(6, (), (PortRange(25, 25),)),)
    assert extended.rules[1].service.services == (Service(17, (), (PortRange(53, 53),)),)


def test_no_sequence_number_removes_the_entry() -> None:
    text = """\
ip access-list extended E
 10 permit ip any any
 20 deny ip any any
 no 10
"""
    chain = parse(text, source="no.cfg").chain("E")
    assert chain is not None
    assert [(rule.rule_id, rule.line) for rule in chain.rules] == [("E #1", 3)]


def test_flattened_acl_entries_still_belong_to_the_acl() -> None:
    text = "ip access-list extended FLAT\n10 permit tcp any any eq 22\ndeny ip any any\nhostname r1\n"
    chain = parse(text, source="flat.cfg").chain("FLAT")
    assert chain is not None
    assert [rule.rule_id for rule in chain.rules] == ["FLAT #1", "FLAT #2"]


def test_unknown_port_or_icmp_name_makes_the_whole_service_unknown() -> None:
    text = """\
ip access-list extended U
 deny tcp any any eq not-a-port
 deny icmp any any not-a-type
 permit udp any any eq domain
"""
    chain = parse(text, source="u.cfg").chain("U")
    assert chain is not None
    port, icmp, known = chain.rules
    # A deny must not cover every TCP port or every ICMP type because one name was not understood.
    assert port.service.services == () and port.service.unknown == ("port not-a-port",)
    assert icmp.service.services == () and icmp.service.unknown == ("icmp not-a-type",)
    assert known.service.services == (Service(17, (), (PortRange(53, 53),)),)


def test_unreadable_permit_is_kept_as_an_all_unknown_permit_and_deny_is_dropped() -> None:
    text = """\
ip access-list extended X
 permit flurble any any
 deny flurble any any
 deny ip any any
"""
    chain = parse(text, source="x.cfg").chain("X")
    assert chain is not None
    assert [(rule.rule_id, rule.action) for rule in chain.rules] == [
        ("X #1", Action.PERMIT),
        ("X #3", Action.DENY),
    ]
    opaque = chain.rules[0]
    assert opaque.source.ranges == () and opaque.source.unknown
    assert opaque.service.services == () and opaque.service.unknown
    assert opaque.text == "permit flurble any any"
