"""Find rules no packet can reach because earlier rules of the same chain match all they match."""

from __future__ import annotations

from collections.abc import Sequence

from mamori.netcheck._compile import Reading, RuleCompiler, address_hull, build_interface_index, has_unknown
from mamori.netcheck.findings import ShadowedRule
from mamori.netcheck.headerset import Field, HeaderSet, HeaderSpace
from mamori.netcheck.ir import Action, ParsedConfig, Rule

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
        earlier: list[tuple[Rule, HeaderSet, Sequence[tuple[int, int]], Sequence[tuple[int, int]]]] = []
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
                earlier.append((rule, matched, address_hull(rule.source), address_hull(rule.destination)))
    return found


def _overlaps(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= other_hi and other_lo <= hi for lo, hi in a for other_lo, other_hi in b)


def _shadowed(
    device_id: str,
    rule: Rule,
    matched: HeaderSet,
    earlier: Sequence[tuple[Rule, HeaderSet, Sequence[tuple[int, int]], Sequence[tuple[int, int]]]],
) -> ShadowedRule:
    """Name the earliest rules that share packets with ``rule`` (cheap interval test first)."""
    src = address_hull(rule.source)
    dst = address_hull(rule.destination)
    shadowers: list[tuple[str, int]] = []
    for other, other_set, other_src, other_dst in earlier:
        if not (_overlaps(src, other_src) and _overlaps(dst, other_dst)):
            continue
        if other_set.intersects(matched):
            shadowers.append((other.rule_id, other.line))
            if len(shadowers) == MAX_NAMED_SHADOWERS:
                break
    return ShadowedRule(device_id, rule.rule_id, rule.line, rule.text, tuple(shadowers))
