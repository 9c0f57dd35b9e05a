"""Cisco ASA round trip: random rules rendered as ASA access-list text parse back to the same IR."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.netcheck.ir import IPV4_MAX, Action
from mamori.netcheck.vendors.cisco_asa import parse
from tests.netcheck.vendor_contract import RandomRule, dotted, random_rules


def _address(address: int, length: int) -> str:
    if length == 0:
        return "any4"
    if length == 32:
        return f"host {dotted(address)}"
    mask = IPV4_MAX ^ ((1 << (32 - length)) - 1)
    return f"{dotted(address)} {dotted(mask)}"


def _ports(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return ""
    low, high = ports
    return f" eq {low}" if low == high else f" range {low} {high}"


@settings(max_examples=80, deadline=None)
@given(st.lists(random_rules(), min_size=1, max_size=12))
def test_extended_access_list_round_trips(rules: list[RandomRule]) -> None:
    lines = ["access-list RT remark generated"]
    for rule in rules:
        action = "permit" if rule.permit else "deny"
        source = f"{_address(*rule.source)}{_ports(rule.source_ports)}"
        destination = f"{_address(*rule.destination)}{_ports(rule.destination_ports)}"
        lines.append(f"access-list RT extended {action} {rule.protocol} {source} {destination}")
    chain = parse("\n".join(lines) + "\n", source="rt.cfg").chain("RT")
    assert chain is not None
    assert len(chain.rules) == len(rules)
    for index, (parsed, rule) in enumerate(zip(chain.rules, rules, strict=True)):
        assert parsed.rule_id == f"RT #{index + 1}"
        assert parsed.line == index + 2
        assert parsed.action is (Action.PERMIT if rule.permit else Action.DENY)
        assert parsed.source.ranges == (rule.address_range("source"),)
        assert parsed.destination.ranges == (rule.address_range("destination"),)
        assert parsed.service.services == rule.services()
