"""FortiGate parser: contract, golden results on the shared corpus and on hand-written configs."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from mamori.netcheck.errors import ConfigSyntaxError
from mamori.netcheck.ir import (
    Action,
    AddressRange,
    InterfaceMatch,
    ParsedConfig,
    PortRange,
    Service,
    Wildcard,
)
from mamori.netcheck.vendors import decode_config
from mamori.netcheck.vendors.fortigate import parse
from tests.netcheck.vendor_contract import VendorContract, network_corpus

CONFIGS = Path(__file__).resolve().parent / "configs" / "fortigate"

_POLICY_HEAD = """\
config firewall address
    edit "LAN"
        set subnet 10.20.0.0 255.255.0.0
    next
end
config firewall policy
"""


def _range(first: str, last: str | None = None) -> AddressRange:
    return AddressRange(int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last or first)), 4)


def _parse_file(path: Path) -> ParsedConfig:
    return parse(decode_config(path.read_bytes(), source=path.name), source=path.name)


def _unsupported_lines(parsed: ParsedConfig) -> set[int]:
    return {item.line for item in parsed.unsupported}


class TestFortigateContract(VendorContract):
    vendor = "fortigate"
    valid_config = (
        _POLICY_HEAD
        + """\
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "LAN"
        set dstaddr "all"
        set action accept
        set service "HTTPS"
    next
    edit 2
        set srcintf "any"
        set dstintf "any"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
    next
end
"""
    )
    unknown_config = (
        _POLICY_HEAD
        + """\
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "LAN"
        set dstaddr "NOT_DEFINED_ANYWHERE"
        set action accept
        set service "HTTPS"
    next
end
"""
    )
    unknown_name = "NOT_DEFINED_ANYWHERE"
    unsupported_config = (
        _POLICY_HEAD
        + """\
    edit 1
        set srcintf "port1"
        set GARBAGE_PROPERTY to a bunch of garbage
        set dstintf "port2"
        set srcaddr "LAN"
        set dstaddr "all"
        set service "HTTPS"
    next
    edit 2
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
    next
end
"""
    )
    unsupported_line = 9
    rule_after_unsupported = "2"


def test_text_without_config_blocks_is_a_syntax_error() -> None:
    with pytest.raises(ConfigSyntaxError) as caught:
        parse("this is not\na FortiOS file\n", source="notes.txt")
    assert caught.value.code == "config_syntax"


def test_every_corpus_config_parses_and_reports_with_file_and_line() -> None:
    folder = network_corpus("fortigate")
    paths = sorted(folder.glob("*.conf"))
    assert len(paths) == 24
    for path in paths:
        parsed = _parse_file(path)
        lines = decode_config(path.read_bytes(), source=path.name).splitlines()
        for item in parsed.unsupported:
            assert item.file == path.name
            assert item.text == lines[item.line - 1].strip()


@pytest.mark.parametrize(
    ("name", "rules", "addresses", "addrgrps", "services"),
    [
        ("aerleon__testDenyRule.conf", 1, 2, 1, 0),
        ("aerleon__testLocalInPolicy.conf", 1, 3, 2, 1),
        ("aerleon__testLongCommentTruncated.conf", 1, 0, 0, 0),
        ("aerleon__testMixedAddresses.conf", 1, 4, 3, 1),
        ("aerleon__testMultipleTerms.conf", 2, 5, 3, 2),
        ("aerleon__testSourceExcludesV4_Exclude.conf", 1, 3, 3, 0),
    ],
)
def test_aerleon_files_have_no_errors_and_every_object(
    name: str, rules: int, addresses: int, addrgrps: int, services: int
) -> None:
    parsed = _parse_file(network_corpus("fortigate") / name)
    assert parsed.unsupported == ()
    assert len(parsed.rules()) == rules
    kinds = [item.kind for item in parsed.objects]
    assert kinds.count("address") + kinds.count("address6") == addresses
    assert kinds.count("addrgrp") + kinds.count("addrgrp6") == addrgrps
    assert kinds.count("service") == services
    assert all(not rule.source.unknown and not rule.destination.unknown for rule in parsed.rules())


def test_aerleon_deny_rule_defaults_to_deny_and_resolves_the_group() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "aerleon__testDenyRule.conf")
    (rule,) = parsed.rules()
    assert rule.rule_id == "1"
    assert rule.line == 17
    assert rule.action is Action.DENY
    assert rule.source.ranges == (_range("10.1.1.1"), _range("10.1.1.2"))
    assert rule.in_interface == InterfaceMatch(("port1",))
    assert rule.service.services == (Service(),)


def test_aerleon_portrange_colon_is_the_source_range() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "aerleon__testMultipleTerms.conf")
    first = parsed.rules()[0]
    assert first.action is Action.PERMIT
    assert first.source.ranges == (_range("10.1.1.1"), _range("10.1.1.2"), _range("10.1.1.9"))
    assert first.destination.ranges == (_range("10.1.1.3"), _range("10.1.1.4"))
    assert first.service.services == (
        Service(6, (PortRange(80, 80),), (PortRange(53, 53),)),
        Service(17, (PortRange(80, 80),), (PortRange(53, 53),)),
    )


def test_aerleon_exclude_member_is_subtracted() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "aerleon__testSourceExcludesV4_Exclude.conf")
    (rule,) = parsed.rules()
    # V4_A = 1.1.1.1, 1.1.1.2; minus V4_B = 1.1.1.2/31 leaves 1.1.1.1.
    assert rule.source.ranges == (_range("1.1.1.1"),)
    assert rule.source.unknown == ()


def test_aerleon_mixed_addresses_keep_ipv6_and_none() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "aerleon__testMixedAddresses.conf")
    (rule,) = parsed.rules()
    v6 = int(ipaddress.IPv6Address("2001:db8::2"))
    assert AddressRange(v6, v6, 6) in rule.source.ranges
    assert all(item.version == 4 for item in rule.destination.ranges)


def test_local_in_policy_is_kept_apart_from_forwarding() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "aerleon__testLocalInPolicy.conf")
    local = parsed.chain("firewall local-in-policy")
    assert local is not None
    assert [rule.rule_id for rule in local.rules] == ["local-in 1"]
    assert all(attachment.chain != "firewall local-in-policy" for attachment in parsed.attachments)


def test_edit_recovery_reports_each_garbage_line_and_keeps_the_policy() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__edit_recovery.conf")
    assert _unsupported_lines(parsed) == {6, 13, 19, 26}
    (rule,) = parsed.rules()
    assert rule.rule_id == "1"
    assert rule.line == 25


def test_nested_config_recovery_reports_the_nested_block_and_keeps_the_address() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__nested_config_recovery.conf")
    assert _unsupported_lines(parsed) == {7}
    assert [item.name for item in parsed.objects if item.kind == "address"] == ["tagging"]


def test_firewall_policy_warn_findings_from_its_comments() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__firewall_policy_warn.conf")
    reasons = {item.line: item.reason for item in parsed.unsupported}
    assert 33 in reasons  # policy id 4294967295 is out of range
    assert 48 in reasons  # edit not_a_number
    assert 68 in reasons and "service" in reasons[68]  # policy 2 without service is not created
    assert 77 in reasons  # action ipsec
    assert {85, 86, 87, 89, 91} <= set(reasons)  # bad move / clone targets
    assert [rule.rule_id for rule in parsed.rules()] == ["1", "3"]
    first = parsed.rules()[0]
    # "set srcintf port10" in the second "edit 1" replaced "any port10".
    assert first.in_interface == InterfaceMatch(("port10",))
    ipsec = parsed.rules()[1]
    assert ipsec.action is Action.PERMIT


def test_address_warnings_report_invalid_attributes_and_undefined_interfaces() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__address_warnings.conf")
    lines = _unsupported_lines(parsed)
    assert 19 in lines  # name too long
    assert {26, 28} <= lines  # undefined_iface references
    assert {37, 38, 40} <= lines  # start-ip, end-ip, wildcard invalid for ipmask
    assert {98, 99} <= lines  # type changed to wildcard: start-ip and end-ip now invalid
    assert 27 not in lines  # associated-interface zoned_iface exists


def test_address_types_resolve_or_become_unknown() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__address.conf")
    text = """\
config firewall policy
    edit 1
        set srcintf any
        set dstintf any
        set srcaddr "ipmask" "iprange" "wildcard"
        set dstaddr "fqdn" "geography" "dynamic" "interface-subnet"
        set action accept
        set service ALL
    next
end
"""
    source = (network_corpus("fortigate") / "batfish__address.conf").read_text()
    combined = parse(source + text, source="address.conf")
    rule = combined.rules()[0]
    assert _range("1.1.1.0", "1.1.1.255") in rule.source.ranges
    # The last edit of "wildcard" (2.2.2.2 255.0.0.255) wins; FortiOS masks mark the bits that must match.
    assert rule.source.wildcards == (Wildcard(int(ipaddress.IPv4Address("2.0.0.2")), 0x00FFFF00),)
    assert set(rule.destination.unknown) == {"fqdn", "geography", "dynamic", "interface-subnet"}
    assert rule.destination.ranges == ()
    assert parsed.rules() == ()


def test_addrgrp_exclusions_and_append() -> None:
    source = (network_corpus("fortigate") / "batfish__addrgrp.conf").read_text()
    text = source + (
        "config firewall policy\n    edit 1\n        set srcintf any\n        set dstintf any\n"
        '        set srcaddr "grp1"\n        set dstaddr "grp2"\n        set action accept\n'
        "        set service ALL\n    next\nend\n"
    )
    rule = parse(text, source="addrgrp.conf").rules()[0]
    # grp1 = addr1, addr5 minus addr2-addr5 (exclude-members persist across exclude disable/enable).
    assert rule.source.ranges == (_range("1.1.1.0", "1.1.1.255"),)
    # grp2 = addr4 (set member replaced addr2 addr3) + grp1.
    assert rule.destination.ranges == (_range("4.4.4.0", "4.4.4.255"), _range("1.1.1.0", "1.1.1.255"))


def test_policy_move_changes_listing_order() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__policy_move.conf")
    assert [rule.rule_id for rule in parsed.rules()] == ["5", "1", "2", "4", "3"]
    assert parsed.rules()[0].line == 45


def test_policy_delete_and_recreate_puts_it_last() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__policy_delete.conf")
    assert [rule.rule_id for rule in parsed.rules()] == ["2", "1"]


def test_policy_clone_copies_the_policy() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__policy_clone.conf")
    rules = parsed.rules()
    assert [rule.rule_id for rule in rules] == ["1", "2", "3", "4"]
    assert rules[2].action is Action.PERMIT
    assert rules[2].line == 33
    assert rules[2].text.startswith("clone 1 to 3")


def test_zone_in_dstintf_expands_to_member_interfaces() -> None:
    parsed = _parse_file(network_corpus("fortigate") / "batfish__firewall_vi_policy.conf")
    deny, accept = parsed.rules()
    assert deny.action is Action.DENY
    assert deny.out_interface == InterfaceMatch(("port2", "port3", "zone1"))
    assert accept.in_interface is None  # srcintf any


def test_service_custom_protocol_change_and_unset() -> None:
    source = (network_corpus("fortigate") / "batfish__service_custom.conf").read_text()
    policy = (
        "config firewall policy\n    edit 1\n        set srcintf any\n        set dstintf any\n"
        "        set srcaddr all\n        set dstaddr all\n        set action accept\n"
        '        set service "explicit_tcp" "change_protocol" "unset_icmp_1" "unset_icmp_2" "unset_icmp_3"\n'
        "    next\nend\n"
    )
    services = parse(source + policy, source="svc.conf").rules()[0].service.services
    assert Service(6, (PortRange(3, 4),), (PortRange(1, 2),)) in services
    assert Service(6, (PortRange(6, 7),), (PortRange(13, 13),)) in services
    # "set sctp-portrange 200 201:300": destination 200, and destination 201 from source port 300.
    assert Service(132, (), (PortRange(200, 200),)) in services
    assert Service(132, (PortRange(300, 300),), (PortRange(201, 201),)) in services
    assert Service(None) in services  # change_protocol ends as protocol IP, number 0
    assert Service(1, icmp_type=5) in services
    assert Service(1, icmp_type=3) in services
    assert Service(1) in services


def test_service_group_nesting_and_append() -> None:
    source = (network_corpus("fortigate") / "batfish__service_group.conf").read_text()
    policy = (
        "config firewall policy\n    edit 1\n        set srcintf any\n        set dstintf any\n"
        "        set srcaddr all\n        set dstaddr all\n        set action accept\n"
        '        set service "grp2"\n'
        "    next\nend\n"
    )
    services = parse(source + policy, source="grp.conf").rules()[0].service.services
    # grp2: member replaced by custom_tcp3, then grp1 (custom_tcp3) appended.
    assert {service.dst_ports for service in services} == {(PortRange(3, 3),)}


class TestMunicipalConfig:
    """A hand-written municipal FortiGate between LGWAN接続系 and インターネット接続系."""

    @pytest.fixture(scope="class")
    def parsed(self) -> ParsedConfig:
        return _parse_file(CONFIGS / "municipal-lgwan-internet.conf")

    def test_policies_follow_listing_order_after_move(self, parsed: ParsedConfig) -> None:
        assert [rule.rule_id for rule in parsed.rules()] == ["10", "20", "30", "60", "40", "50", "70"]

    def test_mail_relay_policy_is_exact(self, parsed: ParsedConfig) -> None:
        relay = parsed.rules()[0]
        assert relay.action is Action.PERMIT
        assert relay.line == 119
        assert relay.source.ranges == (_range("192.168.50.10"),)
        assert relay.destination.ranges == (_range("10.20.5.10"),)
        assert relay.service.services == (Service(6, (), (PortRange(25, 25),)),)
        assert relay.out_interface == InterfaceMatch(("port1", "port3", "LGWAN-ZONE"))

    def test_fqdn_destination_is_named_unknown(self, parsed: ParsedConfig) -> None:
        windows_update = parsed.rules()[3]
        assert windows_update.destination.unknown == ("WSUS_CDN",)
        assert windows_update.destination.ranges == ()

    def test_exclude_removes_the_mail_server_from_the_deny(self, parsed: ParsedConfig) -> None:
        deny = parsed.rules()[4]
        assert deny.action is Action.DENY
        assert deny.source.ranges == (_range("10.20.0.0", "10.20.5.9"), _range("10.20.5.11", "10.20.255.255"))

    def test_disabled_policy_is_kept_disabled(self, parsed: ParsedConfig) -> None:
        disabled = parsed.rules()[5]
        assert disabled.enabled is False
        assert disabled.in_interface is None

    def test_vip_block_is_reported_unsupported(self, parsed: ParsedConfig) -> None:
        assert [(item.line, item.text) for item in parsed.unsupported] == [(111, "config firewall vip")]

    def test_implicit_deny_ends_the_policy_list(self, parsed: ParsedConfig) -> None:
        chain = parsed.chain("firewall policy")
        assert chain is not None and chain.default is not None
        assert chain.default.action is Action.DENY
        assert parsed.attachments[0].chain == "firewall policy"


def test_multi_vdom_rule_ids_carry_the_vdom_and_any_is_limited_to_it() -> None:
    parsed = _parse_file(CONFIGS / "multi-vdom.conf")
    assert [rule.rule_id for rule in parsed.rules()] == ["LGWAN/1", "INET/1", "INET/2"]
    catch_all = parsed.rules()[2]
    assert catch_all.in_interface == InterfaceMatch(("port3", "port4"))
    assert parsed.unsupported == ()


def test_escaped_quotes_and_unset_in_values() -> None:
    text = r"""config firewall address
    edit "say \"hi\""
        set subnet 10.0.0.0/8
    next
end
config firewall policy
    edit 7
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "say \"hi\""
        set dstaddr "all"
        set action accept
        set service "SSH"
        set schedule "office-hours"
        unset schedule
    next
end
"""
    (rule,) = parse(text, source="q.conf").rules()
    assert rule.source.ranges == (_range("10.0.0.0", "10.255.255.255"),)
    assert rule.unknown == ()


def test_schedule_and_user_restrictions_are_named_unknown() -> None:
    text = """config firewall policy
    edit 7
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "RDP"
        set schedule "office-hours"
        set groups "staff"
    next
end
"""
    (rule,) = parse(text, source="s.conf").rules()
    assert rule.unknown == ("schedule office-hours", "groups staff")
    assert rule.service.services == (Service(6, (), (PortRange(3389, 3389),)),)


def test_negate_flags_are_kept() -> None:
    text = """config firewall policy
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "none"
        set dstaddr-negate enable
        set service-negate enable
        set action accept
        set service "DNS"
    next
end
"""
    (rule,) = parse(text, source="n.conf").rules()
    assert rule.destination.negate is True
    assert rule.destination.ranges == (AddressRange(0, 0, 4),)
    assert rule.service.negate is True
    assert rule.source.negate is False


def test_ippool_with_nat_is_reported() -> None:
    text = """config firewall policy
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "ALL"
        set nat enable
        set ippool enable
        set poolname "POOL1"
    next
end
"""
    parsed = parse(text, source="p.conf")
    assert [item.line for item in parsed.unsupported] == [11]
    assert len(parsed.rules()) == 1


def test_unterminated_quote_and_stray_end_are_reported_and_parsing_goes_on() -> None:
    text = 'config firewall address\n    edit "broken\n    next\nend\nend\nconfig firewall policy\n' + (
        "    edit 3\n        set srcintf any\n        set dstintf any\n        set srcaddr all\n"
        "        set dstaddr all\n        set service ALL\n        set action accept\n    next\nend\n"
    )
    parsed = parse(text, source="b.conf")
    assert {2, 5} <= _unsupported_lines(parsed)
    assert [rule.rule_id for rule in parsed.rules()] == ["3"]


def test_undefined_service_is_named_unknown() -> None:
    text = """config firewall policy
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "MYSTERY-APP" "HTTPS"
    next
end
"""
    (rule,) = parse(text, source="u.conf").rules()
    assert rule.service.unknown == ("MYSTERY-APP",)
    assert rule.service.services == (Service(6, (), (PortRange(443, 443),)),)


def test_crlf_line_endings_keep_line_numbers() -> None:
    text = TestFortigateContract.valid_config.replace("\n", "\r\n")
    rules = parse(text, source="crlf.conf").rules()
    assert [rule.line for rule in rules] == [7, 15]


def _policy_using(source: str) -> str:
    return (
        "config firewall policy\n    edit 1\n        set srcintf any\n        set dstintf any\n"
        f'        set srcaddr "{source}"\n        set dstaddr all\n        set action accept\n'
        "        set service ALL\n    next\nend\n"
    )


def test_nested_groups_sharing_members_stay_small() -> None:
    groups = "".join(
        f'    edit "g{level}"\n        set member "g{level + 1}" "g{level + 1}" "g{level + 1}"\n    next\n'
        for level in range(14)
    )
    text = (
        'config firewall address\n    edit "g14"\n        set subnet 10.0.0.0/8\n    next\nend\n'
        f"config firewall addrgrp\n{groups}end\n" + _policy_using("g0")
    )
    (rule,) = parse(text, source="deep.conf").rules()
    assert rule.source.ranges == (_range("10.0.0.0", "10.255.255.255"),)


def test_cyclic_groups_are_named_unknown() -> None:
    text = (
        'config firewall addrgrp\n    edit "a"\n        set member "b"\n    next\n'
        '    edit "b"\n        set member "a"\n    next\nend\n' + _policy_using("a")
    )
    (rule,) = parse(text, source="cycle.conf").rules()
    assert rule.source.ranges == ()
    assert rule.source.unknown in (("a",), ("b",))


def test_portrange_list_with_source_range_and_predefined_services() -> None:
    text = """config firewall service custom
    edit "MIXED"
        set tcp-portrange 80 443 1000-2000:1024-65535
    next
end
config firewall policy
    edit 1
        set srcintf any
        set dstintf any
        set srcaddr all
        set dstaddr all
        set action accept
        set service "MIXED" "PING" "DNS" "SAMBA" "SYSLOG" "RLOGIN"
    next
end
"""
    services = parse(text, source="svc.conf").rules()[0].service.services
    assert services == (
        Service(6, (), (PortRange(80, 80),)),
        Service(6, (), (PortRange(443, 443),)),
        Service(6, (PortRange(1024, 65535),), (PortRange(1000, 2000),)),
        Service(1, icmp_type=8),
        Service(6, (), (PortRange(53, 53),)),
        Service(17, (), (PortRange(53, 53),)),
        Service(6, (), (PortRange(139, 139),)),
        Service(17, (), (PortRange(514, 514),)),
        Service(6, (PortRange(512, 1023),), (PortRange(513, 513),)),
    )


def test_sdwan_zone_expands_to_its_member_interfaces() -> None:
    text = """config system sdwan
    set status enable
    config zone
        edit "virtual-wan-link"
        next
        edit "backup"
        next
    end
    config members
        edit 1
            set interface "wan1"
        next
        edit 2
            set interface "wan2"
            set zone "backup"
        next
    end
end
config firewall policy
    edit 1
        set srcintf "port2"
        set dstintf "virtual-wan-link" "backup"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "HTTPS"
    next
end
"""
    parsed = parse(text, source="sdwan.conf")
    (rule,) = parsed.rules()
    assert rule.out_interface == InterfaceMatch(("wan1", "virtual-wan-link", "wan2", "backup"))
    assert parsed.unsupported == ()


def test_service_restricted_to_an_iprange_is_unknown_as_a_whole() -> None:
    text = """config firewall service custom
    edit "WEB-TO-ONE"
        set iprange 10.0.0.5
        set tcp-portrange 443
    next
end
config firewall policy
    edit 1
        set srcintf any
        set dstintf any
        set srcaddr all
        set dstaddr all
        set service "WEB-TO-ONE"
    next
end
"""
    (rule,) = parse(text, source="svc.conf").rules()
    assert rule.service.services == ()
    assert rule.service.unknown == ("WEB-TO-ONE",)


def test_unknown_policy_attribute_is_reported_and_named_on_the_rule() -> None:
    text = """config firewall policy
    edit 1
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
        set future-match-option enable
    next
end
"""
    parsed = parse(text, source="f.conf")
    (rule,) = parsed.rules()
    assert rule.action is Action.DENY
    assert rule.unknown == ("future-match-option",)
    assert [item.line for item in parsed.unsupported] == [8]


def test_internet_service_policy_needs_no_dstaddr_or_service() -> None:
    text = """config firewall policy
    edit 5
        set srcintf "port2"
        set dstintf "wan1"
        set srcaddr "all"
        set internet-service enable
        set internet-service-name "Microsoft-Office365"
        set action accept
    next
end
"""
    (rule,) = parse(text, source="isdb.conf").rules()
    assert rule.destination.unknown == ("internet-service Microsoft-Office365",)
    assert rule.service.unknown == ("internet-service",)


def test_any_in_a_vdom_without_interfaces_matches_no_interface() -> None:
    text = """config vdom
edit A
config firewall policy
    edit 1
        set srcintf "any"
        set dstintf "any"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
    next
end
next
edit B
next
end
"""
    (rule,) = parse(text, source="v.conf").rules()
    assert rule.rule_id == "A/1"
    # A deny with "any" in a VDOM that owns no interface must not shadow other VDOMs' policies.
    assert rule.in_interface == InterfaceMatch(())
