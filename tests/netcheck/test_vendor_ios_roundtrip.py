"""Cisco IOS round trip: random rules rendered as IOS ACL text parse back to the same IR."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.netcheck.ir import IPV4_MAX, Action, AddressRange, Wildcard
from mamori.netcheck.vendors._tokens import TokenError, ipv4_to_int
from mamori.netcheck.vendors.cisco_ios import parse
from tests.netcheck.vendor_contract import RandomRule, dotted, random_rules


def _address(address: int, length: int) -> str:
    if length == 0:
        return "any"
    if length == 32:
        return f"host {dotted(address)}"
    wildcard = (1 << (32 - length)) - 1
    return f"{dotted(address)} {dotted(wildcard)}"


def _ports(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return ""
    low, high = ports
    return f" eq {low}" if low == high else f" range {low} {high}"


def _entry(rule: RandomRule) -> str:
    action = "permit" if rule.permit else "deny"
    return (
        f"{action} {rule.protocol} {_address(*rule.source)}{_ports(rule.source_ports)}"
        f" {_address(*rule.destination)}{_ports(rule.destination_ports)}"
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(random_rules(), min_size=1, max_size=12))
def test_named_extended_acl_round_trips(rules: list[RandomRule]) -> None:
    text = "ip access-list extended RT\n" + "".join(
        f" {10 * (index + 1)} {_entry(rule)}\n" for index, rule in enumerate(rules)
    )
    chain = parse(text, source="rt.cfg").chain("RT")
    assert chain is not None
    assert len(chain.rules) == len(rules)
    for index, (parsed, rule) in enumerate(zip(chain.rules, rules, strict=True)):
        assert parsed.rule_id == f"RT #{index + 1}"
        assert parsed.line == index + 2
        assert parsed.action is (Action.PERMIT if rule.permit else Action.DENY)
        assert parsed.source.ranges == (rule.address_range("source"),)
        assert parsed.destination.ranges == (rule.address_range("destination"),)
        assert parsed.service.services == rule.services()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, IPV4_MAX), st.integers(0, IPV4_MAX))
def test_any_wildcard_mask_is_kept_exactly(address: int, wildcard: int) -> None:
    text = f"access-list 101 permit ip {dotted(address)} {dotted(wildcard)} any\n"
    (rule,) = parse(text, source="w.cfg").rules()
    base = address & ~wildcard & IPV4_MAX
    if wildcard & (wildcard + 1):
        assert rule.source.wildcards == (Wildcard(base, wildcard),)
        assert rule.source.ranges == ()
    else:
        assert rule.source.ranges == (AddressRange(base, base | wildcard, 4),)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(0, IPV4_MAX).map(dotted), st.text(alphabet="0123456789.٣x ", max_size=18)))
def test_dotted_quads_are_read_exactly_like_the_ipaddress_module(text: str) -> None:
    try:
        expected: int | None = int(ipaddress.IPv4Address(text))
    except ValueError:
        expected = None
    try:
        found: int | None = ipv4_to_int(text)
    except TokenError:
        found = None
    assert found == expected
