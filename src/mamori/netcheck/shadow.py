"""Find rules no packet can reach because earlier rules of the same chain match all they match."""

from __future__ import annotations

from collections.abc import Sequence

from mamori.netcheck._compile import Reading, RuleCompiler, address_hull, build_interface_index, has_unknown
from mamori.netcheck.findings import ShadowedRule
from mamori.netcheck.headerset import Field, HeaderSet, HeaderSpace
from mamori.netcheck.ir import Action, AddressMatch, ParsedConfig, Rule

__all__ = ["MAX_NAMED_SHADOWERS", "find_shadowed_rules"]

# A shadowed rule names at most this many of the earlier rules that cover it.
MAX_NAMED_SHADOWERS = 10


def find_shadowed_rules(device_id: str, config: ParsedConfig, space: HeaderSpace) -> list[ShadowedRule]:
    """Return every enabled rule fully covered by earlier permit/deny rules of its chain.

    Only connection-opening IPv4 packets count. Rules with unknown objects neither shadow nor are
    reported as shadowed: what they match is not known. State-only rules are warnings, not shadowed.
    """
    index = build_interface_index(config, ())
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
            if (matched - covered).is_empty():
                if (matched & universe).is_empty():
                    continue
                found.append(_shadowed(device_id, rule, matched, earlier))
            if rule.action in (Action.PERMIT, Action.DENY):
                covered = covered | matched
                earlier.append((rule, matched, *_envelope(rule.source), *_envelope(rule.destination)))
    return found


_Earlier = tuple[Rule, HeaderSet, int, int, int, int]


def _envelope(match: AddressMatch) -> tuple[int, int]:
    """Return the smallest single interval covering every IPv4 address the match may select."""
    hull = address_hull(match)
    if not hull:
        return (1, 0)  # empty: overlaps nothing
    return (min(lo for lo, _ in hull), max(hi for _, hi in hull))


def _shadowed(device_id: str, rule: Rule, matched: HeaderSet, earlier: Sequence[_Earlier]) -> ShadowedRule:
    """Name the earliest rules that share packets with ``rule`` (cheap envelope test first)."""
    src_lo, src_hi = _envelope(rule.source)
    dst_lo, dst_hi = _envelope(rule.destination)
    shadowers: list[tuple[str, int]] = []
    for other, other_set, o_src_lo, o_src_hi, o_dst_lo, o_dst_hi in earlier:
        if o_src_lo > src_hi or src_lo > o_src_hi or o_dst_lo > dst_hi or dst_lo > o_dst_hi:
            continue
        if other_set.intersects(matched):
            shadowers.append((other.rule_id, other.line))
            if len(shadowers) == MAX_NAMED_SHADOWERS:
                break
    return ShadowedRule(device_id, rule.rule_id, rule.line, rule.text, tuple(shadowers))
