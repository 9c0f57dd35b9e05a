"""nftables parser: ``nft -j list ruleset`` JSON (libnftables-json(5)) and ``nft list ruleset`` text.

Base chains with ``hook forward`` decide forwarded traffic, in priority order (an accept in one base
chain lets the packet reach the next; a drop is final, nft(8) "Chains"). Jumps, gotos, returns, chain
policies, anonymous and named sets, ``ct state`` and interface names are understood. Statements the
parser does not understand make the rule depend on an unknown condition and are listed as unsupported.
"""

from __future__ import annotations

from collections.abc import Sequence

from mamori.netcheck.errors import ConfigSyntaxError
from mamori.netcheck.ir import (
    ANY_ADDRESS,
    ANY_SERVICE,
    PROTOCOL_NUMBERS,
    Action,
    AddressMatch,
    AddressRange,
    Attachment,
    Chain,
    DefaultAction,
    InterfaceMatch,
    ParsedConfig,
    PortRange,
    Rule,
    Service,
    ServiceMatch,
    Stage,
    Unsupported,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE
from mamori.netcheck.vendors._netaddr import (
    ICMP_TYPES,
    ICMPV6_TYPES,
    parse_address_range,
    parse_network,
    parse_port_range,
)
from mamori.netcheck.vendors._nft_json import parse_json
from mamori.netcheck.vendors._nft_ruleset import (
    OPENING_STATES,
    PORT_PROTOCOL_NAMES,
    VERDICTS,
    Cond,
    RawChain,
    RawRule,
    RuleError,
    Ruleset,
)
from mamori.netcheck.vendors._nft_text import parse_text

__all__ = ["parse"]

# ---------------------------------------------------------------------------------------------------
# Building the IR


def _members(cond: Cond, ruleset: Ruleset, family: str, table: str) -> tuple[list[str], bool]:
    """Return the literal values of a condition and whether a named set's contents are unknown."""
    if cond.set_ref is None:
        return cond.values, False
    elements = ruleset.sets.get((family, table, cond.set_ref))
    if elements is None:
        return [], True
    return elements, False


def _address(values: Sequence[str], unknown_name: str | None, negate: bool) -> AddressMatch:
    ranges: list[AddressRange] = []
    unknown = [unknown_name] if unknown_name else []
    for value in values:
        parsed = parse_network(value) or parse_address_range(value)
        if parsed is None:
            unknown.append(value)
        else:
            ranges.append(parsed)
    return AddressMatch(tuple(ranges), (), negate, tuple(unknown))


def _protocols(values: Sequence[str]) -> set[int]:
    result: set[int] = set()
    for value in values:
        lowered = value.lower()
        if lowered.isdigit():
            result.add(int(lowered))
        elif lowered in PROTOCOL_NUMBERS:
            result.add(PROTOCOL_NUMBERS[lowered])
        else:
            raise RuleError(f"不明なプロトコル「{value}」")
    return result


def _ports(values: Sequence[str]) -> tuple[PortRange, ...]:
    ports = []
    for value in values:
        parsed = parse_port_range(value, "-")
        if parsed is None:
            raise RuleError(f"ポート「{value}」を解釈できません")
        ports.append(parsed)
    return tuple(ports)


def _complement(ports: tuple[PortRange, ...]) -> tuple[PortRange, ...]:
    result: list[PortRange] = []
    start = 0
    for item in sorted(ports, key=lambda r: r.first):
        if item.first > start:
            result.append(PortRange(start, item.first - 1))
        start = max(start, item.last + 1)
    if start <= 65535:
        result.append(PortRange(start, 65535))
    return tuple(result)


def _build_rule(raw: RawRule, chain: RawChain, ruleset: Ruleset, rule_id: str) -> Rule | None:
    if raw.verdict is None:
        return None
    family, table = chain.family, chain.table
    source = ANY_ADDRESS
    destination = ANY_ADDRESS
    in_if: InterfaceMatch | None = None
    out_if: InterfaceMatch | None = None
    version: int | None = {"ip": 4, "ip6": 6}.get(family)
    protocols: set[int] | None = None
    protocols_negate = False
    sports: tuple[PortRange, ...] = ()
    dports: tuple[PortRange, ...] = ()
    icmp_types: list[tuple[int, int | None]] = []
    icmp_proto: int | None = None
    state_only = False
    unknown = list(raw.unknown)
    for cond in raw.conds:
        values, set_unknown = _members(cond, ruleset, family, table)
        label = f"@{cond.set_ref}" if set_unknown else None
        if cond.key in ("ip saddr", "ip daddr", "ip6 saddr", "ip6 daddr"):
            match = _address(values, label, cond.negate)
            version = 4 if cond.key.startswith("ip ") else 6
            if cond.key.endswith("saddr"):
                source = match
            else:
                destination = match
        elif cond.key == "nfproto":
            version = 4 if values == ["ipv4"] else 6 if values == ["ipv6"] else version
        elif cond.key in ("l4proto", "protocol"):
            if set_unknown:
                unknown.append(label or "")
                continue
            found = _protocols(values)
            protocols = found if protocols is None else protocols & found
            protocols_negate = cond.negate
        elif cond.key.endswith(("sport", "dport")):
            proto_name = cond.key.split()[0]
            if set_unknown:
                unknown.append(label or "")
                continue
            ports = _ports(values)
            if cond.negate:
                ports = _complement(ports)
            if cond.key.endswith("sport"):
                sports = ports
            else:
                dports = ports
            number = PORT_PROTOCOL_NAMES[proto_name]
            implied = {number} if number is not None else {6, 17, 132}
            protocols = implied if protocols is None else protocols & implied
        elif cond.key in ("icmp type", "icmpv6 type"):
            table_names = ICMP_TYPES if cond.key.startswith("icmp ") else ICMPV6_TYPES
            icmp_proto = 1 if cond.key.startswith("icmp ") else 58
            for value in values:
                if value in table_names:
                    icmp_types.append(table_names[value])
                elif value.isdigit():
                    icmp_types.append((int(value), None))
                else:
                    raise RuleError(f"ICMP タイプ「{value}」を解釈できません")
            if cond.negate:
                raise RuleError("ICMP タイプの否定には対応していません")
        elif cond.key == "icmp code" or cond.key == "icmpv6 code":
            unknown.append(cond.key)
        elif cond.key in ("iifname", "oifname"):
            match_if = InterfaceMatch(tuple(v.strip('"').replace("*", "+") for v in values), cond.negate)
            if cond.key == "iifname":
                in_if = match_if
            else:
                out_if = match_if
        elif cond.key == "ct state":
            states = {v.lower() for v in values}
            opens = bool(states & OPENING_STATES)
            state_only = opens if cond.negate else not opens
        elif cond.key == "tcp flags" and any("ack" in v.lower() for v in values) and not cond.negate:
            state_only = True
    if icmp_types:
        services: tuple[Service, ...] = tuple(
            Service(icmp_proto, icmp_type=t, icmp_code=c) for t, c in icmp_types
        )
    elif protocols is None:
        services = ANY_SERVICE.services
    else:
        services = tuple(
            Service(p, src_ports=sports, dst_ports=dports) if p in (6, 17, 132) else Service(p)
            for p in sorted(protocols)
        )
    service = (
        ServiceMatch(services, negate=protocols_negate) if services != ANY_SERVICE.services else ANY_SERVICE
    )
    action = VERDICTS.get(raw.verdict) or (Action.JUMP if raw.verdict == "jump" else Action.GOTO)
    return Rule(
        rule_id=rule_id,
        line=raw.line,
        text=raw.text,
        action=action,
        source=source,
        destination=destination,
        service=service,
        in_interface=in_if,
        out_interface=out_if,
        target=_chain_name(family, table, raw.target) if raw.target else None,
        state_only=state_only,
        ip_version=version,
        unknown=tuple(u for u in unknown if u),
    )


def _chain_name(family: str, table: str, name: str) -> str:
    return f"{family} {table} {name}"


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse nftables JSON (``nft -j list ruleset``) or text (``nft list ruleset``)."""
    stripped = text.lstrip()
    try:
        ruleset = parse_json(text, source) if stripped.startswith("{") else parse_text(text, source)
    except RecursionError:
        # json.loads and nested sets recurse: a crafted "[[[[..." must not crash the caller.
        raise ConfigSyntaxError("入れ子が深すぎます", file=source) from None
    if not ruleset.chains and stripped and not stripped.startswith("{"):
        raise ConfigSyntaxError("nftables のテーブル・チェーンが見つかりません", file=source)
    chains: list[Chain] = []
    forward: list[tuple[int, str, int]] = []
    interfaces: list[str] = []
    unsupported = list(ruleset.unsupported)
    total = 0
    for (family, table, name), raw_chain in ruleset.chains.items():
        full_name = _chain_name(family, table, name)
        rules: list[Rule] = []
        for position, raw in enumerate(raw_chain.rules, start=1):
            total += 1
            if total > MAX_RULES_PER_DEVICE:
                raise ConfigSyntaxError(f"ルールが多すぎます（上限 {MAX_RULES_PER_DEVICE}）", file=source)
            if raw.target and (family, table, raw.target) not in ruleset.chains:
                unsupported.append(
                    Unsupported(source, raw.line, raw.text, f"チェーン「{raw.target}」がありません")
                )
                continue
            try:
                rule = _build_rule(raw, raw_chain, ruleset, f"{full_name} #{position}")
            except RuleError as exc:
                unsupported.append(Unsupported(source, raw.line, raw.text, exc.reason))
                continue
            for reason in raw.unknown:
                unsupported.append(
                    Unsupported(
                        source, raw.line, raw.text, f"未対応の文「{reason}」（不明な条件として扱います）"
                    )
                )
            if rule is None:
                continue
            rules.append(rule)
            for match in (rule.in_interface, rule.out_interface):
                if match is not None:
                    interfaces.extend(n for n in match.names if not n.endswith("+") and n not in interfaces)
        default = None
        if raw_chain.hook is not None:
            policy = (raw_chain.policy or "accept").lower()
            action = Action.DENY if policy == "drop" else Action.PERMIT
            default = DefaultAction(action, f"{full_name} policy {policy}", raw_chain.policy_line)
            if raw_chain.hook == "forward" and family in ("ip", "ip6", "inet"):
                forward.append((raw_chain.priority, full_name, raw_chain.line))
        chains.append(Chain(full_name, tuple(rules), default))
    forward.sort()
    return ParsedConfig(
        vendor="nftables",
        source=source,
        chains=tuple(chains),
        attachments=tuple(Attachment(Stage.FORWARD, name, None, line) for _, name, line in forward),
        interfaces=tuple(interfaces),
        default=DefaultAction(Action.PERMIT, "forward フックのチェーンなし（暗黙の許可）", 0),
        unsupported=tuple(unsupported),
    )
