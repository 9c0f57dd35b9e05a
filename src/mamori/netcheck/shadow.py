"""Find rules no packet can reach because earlier rules of the same chain match all they match."""

from __future__ import annotations

from mamori.netcheck._compile import Reading, RuleCompiler, build_interface_index, has_unknown
from mamori.netcheck.findings import ShadowedRule
from mamori.netcheck.headerset import HeaderSpace
from mamori.netcheck.ir import Action, ParsedConfig

__all__ = ["MAX_NAMED_SHADOWERS", "find_shadowed_rules"]

# A shadowed rule names at most this many of the earlier rules that cover it.
MAX_NAMED_SHADOWERS = 10


def find_shadowed_rules(device_id: str, config: ParsedConfig, space: HeaderSpace) -> list[ShadowedRule]:
    """Return every enabled rule fully covered by earlier permit/deny rules of its chain.

    Only connection-opening IPv4 packets count. Rules with unknown objects neither shadow nor are
    reported as shadowed: what they match is not known. State-only rules are warnings, not shadowed.
    """
    compiler = RuleCompiler(space, build_interface_index(config, ()))
    universe = space.universe
    found: list[ShadowedRule] = []
    for chain in config.chains:
        covered = space.nothing
        earlier = []
        for rule in chain.rules:
            if not rule.enabled or rule.state_only or rule.ip_version == 6 or has_unknown(rule):
                continue
            matched = compiler.rule_set(rule, Reading.PESSIMISTIC) & universe
            if matched.is_empty():
                continue
            if (matched - covered).is_empty():
                shadowers = [
                    (other.rule_id, other.line)
                    for other, other_set in earlier
                    if other_set.intersects(matched)
                ]
                found.append(
                    ShadowedRule(
                        device_id, rule.rule_id, rule.line, rule.text, tuple(shadowers[:MAX_NAMED_SHADOWERS])
                    )
                )
            if rule.action in (Action.PERMIT, Action.DENY):
                covered = covered | matched
                earlier.append((rule, matched))
    return found
