"""YAMAHA RTX round trip: random rules rendered as `ip filter` lines parse back to the same IR."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.netcheck.ir import Action
from mamori.netcheck.vendors.yamaha_rtx import parse
from tests.netcheck.vendor_contract import RandomRule, dotted, random_rules


def _address(address: int, length: int) -> str:
    return "*" if length == 0 else f"{dotted(address)}/{length}"


def _ports(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return "*"
    low, high = ports
    return str(low) if low == high else f"{low}-{high}"


@settings(max_examples=80, deadline=None)
@given(st.lists(random_rules(), min_size=1, max_size=12))
def test_ip_filters_round_trip_in_list_order(rules: list[RandomRule]) -> None:
    numbers = [1000 + index for index in range(len(rules))]
    lines = ["ip lan1 address 192.168.100.1/24", "ip lan1 secure filter in " + " ".join(map(str, numbers))]
    for number, rule in zip(numbers, rules, strict=True):
        action = "pass" if rule.permit else "reject"
        protocol = "*" if rule.protocol == "ip" else rule.protocol
        lines.append(
            f"ip filter {number} {action} {_address(*rule.source)} {_address(*rule.destination)} {protocol}"
            f" {_ports(rule.source_ports)} {_ports(rule.destination_ports)}"
        )
    parsed = parse("\n".join(lines) + "\n", source="rt.conf")
    chain = parsed.chain("lan1 secure filter in")
    assert chain is not None
    assert len(chain.rules) == len(rules)
    for index, (parsed_rule, rule) in enumerate(zip(chain.rules, rules, strict=True)):
        assert parsed_rule.rule_id == str(numbers[index])
        assert parsed_rule.line == index + 3
        assert parsed_rule.action is (Action.PERMIT if rule.permit else Action.DENY)
        assert parsed_rule.source.ranges == (rule.address_range("source"),)
        assert parsed_rule.destination.ranges == (rule.address_range("destination"),)
        assert parsed_rule.service.services == rule.services()
