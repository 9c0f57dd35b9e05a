"""Cisco ASA parser: contract, golden results on the shared corpus and a hand-written edge firewall."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from mamori.netcheck.ir import (
    IPV4_MAX,
    IPV6_MAX,
    Action,
    AddressRange,
    Attachment,
    ParsedConfig,
    PortRange,
    Service,
    Stage,
)
from mamori.netcheck.vendors import decode_config
from mamori.netcheck.vendors.cisco_asa import parse
from tests.netcheck.vendor_contract import VendorContract, network_corpus

CONFIGS = Path(__file__).resolve().parent / "configs" / "cisco-asa"
ANY_BOTH = (AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6))


def _host(text: str) -> AddressRange:
    value = int(ipaddress.ip_address(text))
    return AddressRange(value, value, 4)


def _parse_file(path: Path) -> ParsedConfig:
    return parse(decode_config(path.read_bytes(), source=path.name), source=path.name)


class TestAsaContract(VendorContract):
    vendor = "cisco-asa"
    valid_config = """\
interface GigabitEthernet0/0
 nameif outside
 security-level 0
access-list OUT remark web only
access-list OUT extended permit tcp any host 203.0.113.5 eq https
access-list OUT extended deny ip any any
access-group OUT in interface outside
"""
    unknown_config = """\
access-list OUT extended permit tcp any object MISSING-SERVER eq https
"""
    unknown_name = "MISSING-SERVER"
    unsupported_config = """\
access-list OUT extended permit tcp any any eq 22
access-list OUT extended permit bogus any any
access-list OUT extended deny ip any any
"""
    unsupported_line = 2
    rule_after_unsupported = "OUT #3"


def test_every_corpus_config_reports_with_file_and_line() -> None:
    folder = network_corpus("cisco-asa")
    paths = sorted(folder.glob("*"))
    assert len(paths) == 16
    for path in paths:
        parsed = _parse_file(path)
        lines = decode_config(path.read_bytes(), source=path.name).splitlines()
        for item in parsed.unsupported:
            assert item.file == path.name
            assert item.text == lines[item.line - 1].strip()


def test_aerleon_multitarget_recovers_every_entry_without_errors() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "aerleon__sample_multitarget.asa")
    assert parsed.unsupported == ()
    assert {chain.name: len(chain.rules) for chain in parsed.chains} == {"asa_in": 43, "asa_out": 21}
    chain = parsed.chain("asa_in")
    assert chain is not None
    smtp = chain.rules[20]
    assert smtp.rule_id == "asa_in #21"
    assert smtp.text == "access-list asa_in extended permit tcp any host 200.1.1.4 eq smtp"
    assert smtp.destination.ranges == (_host("200.1.1.4"),)
    assert smtp.service.services == (Service(6, (), (PortRange(25, 25),)),)
    first = chain.rules[0]
    assert first.source.ranges == (AddressRange(0, int(ipaddress.ip_address("0.255.255.255")), 4),)
    assert first.destination.ranges == ANY_BOTH
    udp = chain.rules[37]
    assert udp.service.services == (Service(17, (PortRange(1024, 65535),), ()),)


def test_aerleon_host_format() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "aerleon__testHostAddressFormat.asa")
    assert parsed.unsupported == ()
    (rule,) = parsed.rules()
    assert rule.rule_id == "allowtointernet #1"
    assert rule.source.ranges == rule.destination.ranges == (_host("10.0.0.1"),)


def test_access_groups_and_undefined_acl() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "batfish__asa-filters.cfg")
    assert Attachment(Stage.INGRESS, "FILTER_IN", "name1", 32) in parsed.attachments
    assert Attachment(Stage.EGRESS, "FILTER_OUT5", "name5", 35) in parsed.attachments
    assert [item.line for item in parsed.unsupported] == [36]
    undefined = parsed.chain("FILTER_UNDEF")
    assert undefined is not None and undefined.default is not None
    assert undefined.default.action is Action.PERMIT


def test_security_levels_give_pair_defaults() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "batfish__asa-security-level.cfg")
    verdicts = {(pair.in_interface, pair.out_interface): pair.default for pair in parsed.pair_defaults}
    # "inside" without security-level gets 100; "outside" is explicitly 1.
    assert verdicts[("inside", "outside")].action is Action.PERMIT
    assert verdicts[("outside", "inside")].action is Action.DENY
    assert verdicts[("all-trust", "inside")].action is Action.DENY  # equal levels, no same-security
    assert verdicts[("some-trust", "outside")].action is Action.PERMIT
    assert verdicts[("some-trust", "outside")].line == 20
    assert verdicts[("inside", "outside")].line == 0


def test_acl_objects_resolve_and_undefined_ones_are_named() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "batfish__asa-acl-object.cfg")
    defined, undefined = parsed.rules()
    assert defined.source.ranges == (_host("1.1.1.1"),)
    assert defined.destination.ranges == (_host("2.2.2.2"),)
    assert defined.service.services == (Service(1, icmp_type=8),)
    assert undefined.source.unknown == ("onfake1",)
    assert undefined.service.unknown == ("osfake",)


def test_undefined_group_references_are_reported() -> None:
    nested = _parse_file(network_corpus("cisco-asa") / "batfish__asa-nested-network-object-group.cfg")
    assert 31 in {item.line for item in nested.unsupported}  # group-object UNDEFINED_GROUP_MIXED
    objects = _parse_file(network_corpus("cisco-asa") / "batfish__network-object.cfg")
    assert [item.line for item in objects.unsupported] == [16]  # network-object object ON_UNDEFINED


def test_service_object_inline_comments_and_source_ports() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "batfish__asa-service-object.cfg")
    assert {item.line for item in parsed.unsupported} == {21, 24, 27}


def test_nat_is_reported_unsupported() -> None:
    parsed = _parse_file(network_corpus("cisco-asa") / "batfish__asa-nat-twice-dynamic.cfg")
    assert [item.line for item in parsed.unsupported] == [19, 20, 21, 22]


class TestHandWrittenEdge:
    @pytest.fixture(scope="class")
    def parsed(self) -> ParsedConfig:
        return _parse_file(CONFIGS / "asa5516-internet-edge.cfg")

    def test_names_objects_and_groups_resolve(self, parsed: ParsedConfig) -> None:
        dmz = parsed.chain("DMZ_IN")
        assert dmz is not None
        first = dmz.rules[0]
        assert first.source.ranges == (_host("192.168.60.10"),)
        assert first.destination.ranges == (_host("10.20.5.10"),)
        assert first.service.services == (
            Service(6, (), (PortRange(25, 25),)),
            Service(6, (), (PortRange(587, 587),)),
        )

    def test_fqdn_object_is_named_unknown(self, parsed: ParsedConfig) -> None:
        dmz = parsed.chain("DMZ_IN")
        assert dmz is not None
        assert dmz.rules[2].destination.unknown == ("UPDATE-SITE (fqdn download.windowsupdate.com)",)

    def test_inactive_entry_is_disabled(self, parsed: ParsedConfig) -> None:
        inside = parsed.chain("INSIDE_IN")
        assert inside is not None
        assert [rule.enabled for rule in inside.rules] == [True, True, False, True]

    def test_protocol_group_with_ports(self, parsed: ParsedConfig) -> None:
        inside = parsed.chain("INSIDE_IN")
        assert inside is not None
        assert inside.rules[1].service.services == (
            Service(6, (), (PortRange(53, 53),)),
            Service(17, (), (PortRange(53, 53),)),
        )
        assert inside.rules[1].source.ranges == (
            _host("192.168.50.5"),
            AddressRange(
                int(ipaddress.ip_address("192.168.50.128")), int(ipaddress.ip_address("192.168.50.191")), 4
            ),
        )

    def test_icmp_type_group(self, parsed: ParsedConfig) -> None:
        outside = parsed.chain("OUTSIDE_IN")
        assert outside is not None
        assert outside.rules[1].service.services == (Service(1, icmp_type=8), Service(1, icmp_type=0))

    def test_same_security_traffic_permits_equal_levels(self, parsed: ParsedConfig) -> None:
        verdicts = {(pair.in_interface, pair.out_interface): pair.default for pair in parsed.pair_defaults}
        assert verdicts[("dmz", "lgwan-link")].action is Action.PERMIT
        assert verdicts[("outside", "lgwan-link")].action is Action.DENY

    def test_only_nat_is_unsupported(self, parsed: ParsedConfig) -> None:
        assert [item.line for item in parsed.unsupported] == [44, 82]


def test_global_acl_follows_the_interface_acl() -> None:
    text = """\
interface GigabitEthernet0/0
 nameif inside
interface GigabitEthernet0/1
 nameif outside
access-list IN extended permit tcp any any eq 443
access-list GLOBAL extended deny ip any host 10.0.0.1
access-list GLOBAL extended permit ip any any
access-group IN in interface inside
access-group GLOBAL global
"""
    parsed = parse(text, source="g.cfg")
    assert parsed.pair_defaults == ()
    inside = parsed.chain("inside in (access-group + global)")
    assert inside is not None
    assert [(rule.action, rule.target) for rule in inside.rules] == [
        (Action.JUMP, "IN"),
        (Action.JUMP, "GLOBAL"),
    ]
    assert inside.default is not None and inside.default.action is Action.DENY
    outside = parsed.chain("outside in (access-group + global)")
    assert outside is not None
    assert [rule.target for rule in outside.rules] == ["GLOBAL"]
    # Interface and global ACLs fall through to the next one, so they have no implicit deny of their own.
    acl = parsed.chain("IN")
    assert acl is not None and acl.default is None
    assert {item.interface for item in parsed.attachments} == {"inside", "outside"}


def test_line_numbered_access_list_inserts() -> None:
    text = """\
access-list A extended permit tcp any any eq 80
access-list A extended deny ip any any
access-list A line 1 extended permit tcp any any eq 22
"""
    chain = parse(text, source="l.cfg").chain("A")
    assert chain is not None
    assert [rule.line for rule in chain.rules] == [3, 1, 2]
    assert [rule.rule_id for rule in chain.rules] == ["A #1", "A #2", "A #3"]


def test_access_list_without_entry_words_is_reported() -> None:
    parsed = parse("access-list X extended\naccess-list X extended permit ip any any\n", source="e.cfg")
    assert [item.line for item in parsed.unsupported] == [1]
    assert [rule.rule_id for rule in parsed.rules()] == ["X #2"]


def test_nested_object_groups_sharing_members_stay_small_and_cycles_end() -> None:
    groups = "".join(
        f"object-group network g{level}\n" + f" group-object g{level + 1}\n" * 3 for level in range(14)
    )
    text = (
        "object-group network g14\n network-object 10.0.0.0 255.0.0.0\n"
        + groups
        + "object-group network loop1\n group-object loop2\nobject-group network loop2\n group-object loop1\n"
        + "access-list A extended permit ip object-group g0 object-group loop1\n"
    )
    (rule,) = parse(text, source="deep.cfg").rules()
    assert rule.source.ranges == (AddressRange(_host("10.0.0.0").first, _host("10.255.255.255").first, 4),)
    assert rule.destination.ranges == ()
    assert rule.destination.unknown in (("loop1",), ("loop2",))


def test_port_operators_and_range_objects() -> None:
    text = """\
object network SERVERS
 range 10.0.0.10 10.0.0.20
access-list P extended permit tcp any object SERVERS neq 23
access-list P extended permit udp any lt 1024 any gt 1023
"""
    first, second = parse(text, source="p.cfg").rules()
    assert first.destination.ranges == (AddressRange(_host("10.0.0.10").first, _host("10.0.0.20").first, 4),)
    assert first.service.services == (Service(6, (), (PortRange(0, 22), PortRange(24, 65535))),)
    assert second.service.services == (Service(17, (PortRange(0, 1023),), (PortRange(1024, 65535),)),)


def test_flattened_blocks_keep_their_sub_commands() -> None:
    text = """\
interface GigabitEthernet0/0
nameif inside
security-level 100
object-group network SERVERS
network-object host 10.0.0.5
access-list A extended permit ip object-group SERVERS any
"""
    parsed = parse(text, source="flat.cfg")
    assert parsed.interfaces == ("inside",)
    (rule,) = parsed.rules()
    assert rule.source.ranges == (_host("10.0.0.5"),)


def test_unreadable_permit_is_kept_as_an_all_unknown_permit() -> None:
    parsed = parse(TestAsaContract.unsupported_config, source="x.cfg")
    opaque = next(rule for rule in parsed.rules() if rule.rule_id == "OUT #2")
    assert opaque.action is Action.PERMIT
    assert opaque.source.unknown and opaque.service.unknown
