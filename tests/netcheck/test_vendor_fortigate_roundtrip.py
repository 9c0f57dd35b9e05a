"""FortiGate round trip: random rules rendered as FortiOS policies parse back to the same IR."""

from __future__ import annotations

import shlex

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.netcheck.ir import Action
from mamori.netcheck.vendors._tokens import TokenError, split_quoted
from mamori.netcheck.vendors.fortigate import parse
from tests.netcheck.vendor_contract import RandomRule, dotted, random_rules


def _range(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return "0-65535"
    low, high = ports
    return str(low) if low == high else f"{low}-{high}"


def _service(index: int, rule: RandomRule) -> tuple[str, list[str]]:
    if rule.protocol == "ip":
        return "ALL", []
    if rule.protocol == "icmp":
        return "ALL_ICMP", []
    portrange = _range(rule.destination_ports)
    if rule.source_ports is not None:
        portrange += ":" + _range(rule.source_ports)
    name = f"svc{index}"
    return name, [f'    edit "{name}"', f"        set {rule.protocol}-portrange {portrange}", "    next"]


@settings(max_examples=60, deadline=None)
@given(st.lists(random_rules(), min_size=1, max_size=10), st.randoms())
def test_policies_round_trip_in_listing_order(rules: list[RandomRule], random: object) -> None:
    addresses = ["config firewall address"]
    services = ["config firewall service custom"]
    policies = ["config firewall policy"]
    ids = list(range(1, len(rules) + 1))
    random.shuffle(ids)  # type: ignore[attr-defined]
    for index, rule in enumerate(rules):
        for side in ("source", "destination"):
            address, length = rule.source if side == "source" else rule.destination
            addresses += [
                f'    edit "{side}{index}"',
                f"        set subnet {dotted(address)}/{length}",
                "    next",
            ]
        service, definition = _service(index, rule)
        services += definition
        policies += [
            f"    edit {ids[index]}",
            '        set srcintf "port1"',
            '        set dstintf "port2"',
            f'        set srcaddr "source{index}"',
            f'        set dstaddr "destination{index}"',
            f"        set action {'accept' if rule.permit else 'deny'}",
            f'        set service "{service}"',
            "    next",
        ]
    text = "\n".join([*addresses, "end", *services, "end", *policies, "end"]) + "\n"
    parsed = parse(text, source="rt.conf")
    assert parsed.unsupported == ()
    assert [rule.rule_id for rule in parsed.rules()] == [str(value) for value in ids]
    lines = text.split("\n")
    for parsed_rule, rule in zip(parsed.rules(), rules, strict=True):
        assert lines[parsed_rule.line - 1].strip() == f"edit {parsed_rule.rule_id}"
        assert parsed_rule.action is (Action.PERMIT if rule.permit else Action.DENY)
        assert parsed_rule.source.ranges == (rule.address_range("source"),)
        assert parsed_rule.destination.ranges == (rule.address_range("destination"),)
        assert parsed_rule.service.services == rule.services()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab "\t', max_size=30))
def test_double_quoted_words_split_like_a_posix_shell(text: str) -> None:
    # Without backslashes FortiOS double quotes group and glue words exactly as a POSIX shell does.
    try:
        expected: list[str] | None = shlex.split(text, posix=True)
    except ValueError:
        expected = None
    try:
        found: list[str] | None = split_quoted(text)
    except TokenError:
        found = None
    assert found == expected
