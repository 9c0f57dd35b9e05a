"""A plain first-match packet evaluator over the IR: the test oracle for the BDD engine.

Deliberately naive and independent of the engine: one concrete packet, rules checked one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from mamori.netcheck.ir import (
    Action,
    AddressMatch,
    Chain,
    InterfaceMatch,
    ParsedConfig,
    Rule,
    ServiceMatch,
    Stage,
)


@dataclass(frozen=True)
class OraclePacket:
    """A concrete connection-opening IPv4 packet; ``dst_port`` is type*256+code for ICMP."""

    src: int
    dst: int
    protocol: int
    src_port: int
    dst_port: int
    in_if: str
    out_if: str


def _in_address(match: AddressMatch, address: int, wide: bool) -> bool:
    hit = False
    for item in match.ranges:
        if item.version == 4 and item.first <= address <= item.last:
            hit = True
    for w in match.wildcards:
        care = ~w.wildcard & 0xFFFFFFFF
        if address & care == w.address & care:
            hit = True
    if match.unknown:
        if not match.negate:
            return True if wide else hit
        return (not hit) if wide else False
    return (not hit) if match.negate else hit


def _in_service(match: ServiceMatch, p: OraclePacket, wide: bool) -> bool:
    hit = False
    for s in match.services:
        if s.protocol is None:
            if not s.src_ports and not s.dst_ports:
                hit = True
                continue
            if p.protocol not in (6, 17, 132):
                continue
        elif s.protocol != p.protocol:
            continue
        if s.src_ports and not any(r.first <= p.src_port <= r.last for r in s.src_ports):
            continue
        if s.dst_ports and not any(r.first <= p.dst_port <= r.last for r in s.dst_ports):
            continue
        if s.icmp_type is not None and p.dst_port // 256 != s.icmp_type:
            continue
        if s.icmp_code is not None and p.dst_port % 256 != s.icmp_code:
            continue
        hit = True
    if match.unknown:
        if not match.negate:
            return True if wide else hit
        return (not hit) if wide else False
    return (not hit) if match.negate else hit


def _in_interface(match: InterfaceMatch | None, name: str) -> bool:
    if match is None:
        return True
    hit = False
    for pattern in match.names:
        hit = hit or (name.startswith(pattern[:-1]) if pattern.endswith("+") else name == pattern)
    return (not hit) if match.negate else hit


def matches(rule: Rule, p: OraclePacket, pessimistic: bool) -> bool:
    """Return whether ``rule`` matches ``p``; unknowns read as any-in-permit when ``pessimistic``."""
    if not rule.enabled or rule.state_only or rule.ip_version == 6:
        return False
    wide = (rule.action is not Action.DENY) == pessimistic
    if rule.unknown and not wide:
        return False
    return (
        _in_interface(rule.in_interface, p.in_if)
        and _in_interface(rule.out_interface, p.out_if)
        and _in_address(rule.source, p.src, wide)
        and _in_address(rule.destination, p.dst, wide)
        and _in_service(rule.service, p, wide)
    )


def run_chain(
    config: ParsedConfig, chain: Chain, p: OraclePacket, pessimistic: bool, depth: int = 0, start: int = 0
) -> set[str]:
    """Return the possible verdicts: "accept", "drop", "return".

    Pessimistically, a jump whose match depends on an unknown object may or may not be taken: both
    paths are followed and every verdict they reach is possible.
    """
    assert depth < 50
    rules = chain.rules
    for position in range(start, len(rules)):
        rule = rules[position]
        if not matches(rule, p, pessimistic):
            continue
        if rule.action is Action.PERMIT:
            return {"accept"}
        if rule.action is Action.DENY:
            return {"drop"}
        if rule.action is Action.RETURN:
            return _leave(chain)
        target = config.chain(rule.target or "")
        if target is None:
            continue
        doubtful = pessimistic and not matches(rule, p, False) and _has_unknown(rule)
        verdicts: set[str] = set()
        for verdict in run_chain(config, target, p, pessimistic, depth + 1):
            if verdict != "return":
                verdicts.add(verdict)
            elif rule.action is Action.GOTO:
                verdicts |= _leave(chain)
            else:
                verdicts |= run_chain(config, chain, p, pessimistic, depth, position + 1)
        if doubtful:
            verdicts |= run_chain(config, chain, p, pessimistic, depth, position + 1)
        return verdicts
    return _leave(chain)


def _leave(chain: Chain) -> set[str]:
    """Return what leaving ``chain`` means: back to the caller, or the built-in chain's policy."""
    if chain.default is None:
        return {"return"}
    return {"accept"} if chain.default.action is Action.PERMIT else {"drop"}


def _has_unknown(rule: Rule) -> bool:
    return bool(rule.unknown or rule.source.unknown or rule.destination.unknown or rule.service.unknown)


def forwards(config: ParsedConfig, p: OraclePacket, pessimistic: bool = True) -> bool:
    """Return whether the device forwards ``p``: ingress, forward, egress stages, then defaults."""
    ingress = [a for a in config.attachments if a.stage is Stage.INGRESS and a.interface == p.in_if]
    forward = [a for a in config.attachments if a.stage is Stage.FORWARD]
    egress = [a for a in config.attachments if a.stage is Stage.EGRESS and a.interface == p.out_if]
    for attachment in (*ingress, *forward, *egress):
        chain = config.chain(attachment.chain)
        assert chain is not None
        if "accept" not in run_chain(config, chain, p, pessimistic):
            return False
    if forward:
        return True
    if not ingress:
        for pair in config.pair_defaults:
            if pair.in_interface in (None, p.in_if) and pair.out_interface in (None, p.out_if):
                return pair.default.action is Action.PERMIT
    if not ingress and not egress:
        return config.default.action is Action.PERMIT
    return True
