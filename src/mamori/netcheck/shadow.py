"""Find rules no packet can reach because earlier rules of the same chain match all they match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mamori.netcheck._compile import Reading, RuleCompiler, address_hull, build_interface_index, has_unknown
from mamori.netcheck.findings import ShadowedRule
from mamori.netcheck.headerset import Field, HeaderSet, HeaderSpace
from mamori.netcheck.ir import Action, AddressMatch, ParsedConfig, Rule, ServiceMatch
from mamori.netcheck.limits import MAX_SHADOWER_COMPARISONS

__all__ = ["MAX_NAMED_SHADOWERS", "ShadowPass", "find_shadowed_rules", "shadow_pass"]

# A shadowed rule names at most this many of the earlier rules that cover it.
MAX_NAMED_SHADOWERS = 10


@dataclass(frozen=True)
class ShadowPass:
    """Shadowed rules of one device; ``named_all`` is False when naming hit the comparison budget."""

    rules: tuple[ShadowedRule, ...]
    named_all: bool


def find_shadowed_rules(device_id: str, config: ParsedConfig, space: HeaderSpace) -> list[ShadowedRule]:
    """Return every enabled rule fully covered by earlier permit/deny rules of its chain."""
    return list(shadow_pass(device_id, config, space).rules)


def shadow_pass(
    device_id: str,
    config: ParsedConfig,
    space: HeaderSpace,
    *,
    comparison_budget: int = MAX_SHADOWER_COMPARISONS,
    compiler: RuleCompiler | None = None,
) -> ShadowPass:
    """Find every enabled rule fully covered by earlier permit/deny rules of its chain.

    Only connection-opening IPv4 packets count. Rules with unknown objects neither shadow nor are
    reported as shadowed: what they match is not known. State-only rules are warnings, not shadowed.
    Which rule is shadowed is always exact; naming the covering rules stops after
    ``comparison_budget`` earlier-rule comparisons (then ``named_all`` is False). ``compiler``
    reuses rule sets already built for the same space and interface numbering.
    """
    budget = [comparison_budget, 0]  # comparisons left, rules whose coverers went unnamed
    index = build_interface_index(config, ())
    if compiler is None or compiler.interfaces != index:
        compiler = RuleCompiler(space, index)
    top = len(index.names)
    universe = space.universe & space.range(Field.IN_IF, 0, top) & space.range(Field.OUT_IF, 0, top)
    found: list[ShadowedRule] = []
    outside = ~universe
    for chain in config.chains:
        # Packets outside the universe count as covered, so no rule needs an AND with it.
        covered = outside
        earlier: list[_Earlier] = []
        for rule in chain.rules:
            if not rule.enabled or rule.state_only or rule.ip_version == 6 or has_unknown(rule):
                continue
            matched = compiler.rule_set(rule, Reading.PESSIMISTIC)
            box = _box(rule)
            if (matched - covered).is_empty():
                if (matched & universe).is_empty():
                    continue
                found.append(_shadowed(device_id, rule, matched, box, earlier, budget))
                # Nothing new is covered: skip the union with the (large) covered set.
                if rule.action in (Action.PERMIT, Action.DENY):
                    earlier.append((rule, matched, box))
                continue
            if rule.action in (Action.PERMIT, Action.DENY):
                covered = covered | matched
                earlier.append((rule, matched, box))
    return ShadowPass(tuple(found), budget[1] == 0)


# (source, destination, protocol, destination port) envelopes, each as (low, high).
_Box = tuple[int, int, int, int, int, int, int, int]
_Earlier = tuple[Rule, HeaderSet, _Box]
_ALL_SERVICES = (0, 255, 0, 65535)


def _box(rule: Rule) -> _Box:
    """Return cheap per-field envelopes of everything the rule may match (a superset)."""
    return (*_envelope(rule.source), *_envelope(rule.destination), *_service_envelope(rule.service))


def _service_envelope(match: ServiceMatch) -> tuple[int, int, int, int]:
    """Return (protocol low, high, destination-port low, high) covering the service match."""
    if match.negate or match.unknown:
        return _ALL_SERVICES
    if not match.services:
        return (1, 0, 1, 0)  # empty: overlaps nothing
    proto_lo, proto_hi, port_lo, port_hi = 255, 0, 65535, 0
    for service in match.services:
        if service.protocol is None:
            low, high = 0, 255
        else:
            low = high = service.protocol
        if service.dst_ports:
            first = min(r.first for r in service.dst_ports)
            last = max(r.last for r in service.dst_ports)
        elif service.icmp_type is not None:
            # ICMP type and code share the destination-port field (see headerset).
            first, last = service.icmp_type * 256, service.icmp_type * 256 + 255
        else:
            first, last = 0, 65535
        proto_lo, proto_hi = min(proto_lo, low), max(proto_hi, high)
        port_lo, port_hi = min(port_lo, first), max(port_hi, last)
    return (proto_lo, proto_hi, port_lo, port_hi)


def _envelope(match: AddressMatch) -> tuple[int, int]:
    """Return the smallest single interval covering every IPv4 address the match may select."""
    hull = address_hull(match)
    if not hull:
        return (1, 0)  # empty: overlaps nothing
    return (min(lo for lo, _ in hull), max(hi for _, hi in hull))


def _shadowed(
    device_id: str,
    rule: Rule,
    matched: HeaderSet,
    box: _Box,
    earlier: Sequence[_Earlier],
    budget: list[int],
) -> ShadowedRule:
    """Name the earliest rules that share packets with ``rule`` (cheap envelope test first)."""
    src_lo, src_hi, dst_lo, dst_hi, proto_lo, proto_hi, port_lo, port_hi = box
    shadowers: list[tuple[str, int]] = []
    if budget[0] <= 0:
        budget[1] += 1
        return ShadowedRule(device_id, rule.rule_id, rule.line, rule.text, ())
    scanned = len(earlier)
    for position, (other, other_set, other_box) in enumerate(earlier):
        o_src_lo, o_src_hi, o_dst_lo, o_dst_hi, o_pr_lo, o_pr_hi, o_po_lo, o_po_hi = other_box
        if (
            o_src_lo > src_hi
            or src_lo > o_src_hi
            or o_dst_lo > dst_hi
            or dst_lo > o_dst_hi
            or o_po_lo > port_hi
            or port_lo > o_po_hi
            or o_pr_lo > proto_hi
            or proto_lo > o_pr_hi
        ):
            continue
        if other_set.intersects(matched):
            shadowers.append((other.rule_id, other.line))
            if len(shadowers) == MAX_NAMED_SHADOWERS:
                scanned = position + 1
                break
    budget[0] -= scanned
    return ShadowedRule(device_id, rule.rule_id, rule.line, rule.text, tuple(shadowers))
