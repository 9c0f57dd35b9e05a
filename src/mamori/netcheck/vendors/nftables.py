"""nftables parser: ``nft -j list ruleset`` JSON (libnftables-json(5)) and ``nft list ruleset`` text.

Base chains with ``hook forward`` decide forwarded traffic, in priority order (an accept in one base
chain lets the packet reach the next; a drop is final, nft(8) "Chains"). Jumps, gotos, returns, chain
policies, anonymous and named sets, ``ct state`` and interface names are understood. Statements the
parser does not understand make the rule depend on an unknown condition and are listed as unsupported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

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
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE, MAX_SET_MEMBERS
from mamori.netcheck.vendors._netaddr import (
    ICMP_TYPES,
    ICMPV6_TYPES,
    parse_address_range,
    parse_network,
    parse_port_range,
)

__all__ = ["parse"]

OPENING_STATES = frozenset({"new", "invalid", "untracked"})
VERDICTS = {"accept": Action.PERMIT, "drop": Action.DENY, "reject": Action.DENY, "return": Action.RETURN}
ADDRESS_KEYS = {("ip", "saddr"), ("ip", "daddr"), ("ip6", "saddr"), ("ip6", "daddr")}
PORT_PROTOCOL_NAMES = {"tcp": 6, "udp": 17, "sctp": 132, "udplite": 136, "th": None}


class _RuleError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Cond:
    """One match: ``key`` such as ``ip saddr``, ``tcp dport``, ``ct state``; values are literals."""

    key: str
    values: list[str]
    negate: bool = False
    set_ref: str | None = None


@dataclass
class _RawRule:
    line: int
    text: str
    conds: list[_Cond]
    verdict: str | None
    target: str | None
    unknown: list[str] = field(default_factory=list)


@dataclass
class _RawChain:
    family: str
    table: str
    name: str
    line: int
    hook: str | None = None
    priority: int = 0
    policy: str | None = None
    policy_line: int = 0
    rules: list[_RawRule] = field(default_factory=list)


@dataclass
class _Ruleset:
    chains: dict[tuple[str, str, str], _RawChain] = field(default_factory=dict)
    sets: dict[tuple[str, str, str], list[str] | None] = field(default_factory=dict)
    unsupported: list[Unsupported] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Text format


_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}();,]|[^\s{}();,]+')


def _tokens(line: str) -> list[str]:
    return _TOKEN_RE.findall(line)


def _parse_text(text: str, source: str) -> _Ruleset:
    ruleset = _Ruleset()
    defines: dict[str, list[str]] = {}
    stack: list[
        tuple[str, str]
    ] = []  # ("table", "family name") / ("chain", name) / ("set", name) / ("other", x)
    table: tuple[str, str] | None = None
    chain: _RawChain | None = None
    set_key: tuple[str, str, str] | None = None
    collecting_elements = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith('"') else raw.strip()
        if not line:
            continue
        tokens = _tokens(line)
        for name, value in defines.items():
            tokens = [t for tok in tokens for t in (value if tok == f"${name}" else [tok])]
        if collecting_elements and set_key is not None:
            elements = ruleset.sets.get(set_key) or []
            for token in tokens:
                if token not in "{},;=" and token != "}":
                    elements.append(token)
            ruleset.sets[set_key] = elements
            if "}" in tokens:
                collecting_elements = False
                if tokens.count("}") > 1:
                    stack.pop()
                    set_key = None
            continue
        head = tokens[0]
        if head == "}":
            if stack:
                kind, _ = stack.pop()
                if kind == "chain":
                    chain = None
                elif kind == "table":
                    table = None
                elif kind == "set":
                    set_key = None
            continue
        if head == "define" and len(tokens) >= 4 and tokens[2] == "=":
            defines[tokens[1]] = tokens[3:]
            continue
        if head in ("flush", "delete") and not stack:
            continue
        if head == "table" and len(tokens) >= 3:
            family, name = (tokens[1], tokens[2]) if tokens[2] != "{" else ("ip", tokens[1])
            table = (family, name)
            stack.append(("table", name))
            continue
        if table is not None and chain is None and set_key is None and head == "chain" and len(tokens) >= 2:
            key = (table[0], table[1], tokens[1])
            chain = ruleset.chains.setdefault(key, _RawChain(table[0], table[1], tokens[1], number))
            stack.append(("chain", tokens[1]))
            rest = tokens[3:] if len(tokens) > 2 and tokens[2] == "{" else []
            if rest and rest[-1] == "}":
                stack.pop()
                chain = None
            continue
        if table is not None and chain is None and head in ("set", "map") and len(tokens) >= 2:
            set_key = (table[0], table[1], tokens[1])
            ruleset.sets[set_key] = None
            stack.append(("set", tokens[1]))
            continue
        if set_key is not None:
            if head == "elements":
                elements: list[str] = []
                for token in tokens[2:]:
                    if token not in ("{", "}", ",", ";", "="):
                        elements.append(token)
                ruleset.sets[set_key] = elements
                if "}" not in tokens:
                    collecting_elements = True
            continue
        if chain is None:
            if table is None and head not in ("table",):
                ruleset.unsupported.append(
                    Unsupported(source, number, raw.strip(), "テーブルの外にある行です")
                )
            elif tokens[-1] == "{":
                stack.append(("other", head))
            continue
        if head == "type" and "hook" in tokens:
            chain.hook = tokens[tokens.index("hook") + 1]
            if "priority" in tokens:
                chain.priority = _priority(tokens[tokens.index("priority") + 1].rstrip(";"))
            if "policy" in tokens:
                chain.policy = tokens[tokens.index("policy") + 1].rstrip(";")
                chain.policy_line = number
            continue
        if head == "policy" and len(tokens) >= 2:
            chain.policy = tokens[1].rstrip(";")
            chain.policy_line = number
            continue
        if head in ("comment", "devices"):
            continue
        try:
            chain.rules.append(_text_rule(tokens, number, raw.strip()))
        except _RuleError as exc:
            ruleset.unsupported.append(Unsupported(source, number, raw.strip(), exc.reason))
    return ruleset


_PRIORITY_NAMES = {"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50, "srcnat": 100}


def _priority(text: str) -> int:
    match = re.fullmatch(r"([a-z]+)?\s*([+-]\s*\d+)?|(-?\d+)", text.replace(" ", ""))
    if match is None:
        return 0
    if match.group(3):
        return int(match.group(3))
    base = _PRIORITY_NAMES.get(match.group(1) or "filter", 0)
    return base + int(match.group(2) or 0)


def _take_value(tokens: list[str], index: int) -> tuple[list[str], bool, str | None, int]:
    """Read an optional ``!=``/``==`` then a literal, ``{ set }`` or ``@set``; return the next index."""
    negate = False
    if index < len(tokens) and tokens[index] in ("!=", "=="):
        negate = tokens[index] == "!="
        index += 1
    if index >= len(tokens):
        raise _RuleError("値がありません")
    token = tokens[index]
    if token == "{":
        values: list[str] = []
        index += 1
        while index < len(tokens) and tokens[index] != "}":
            if tokens[index] != ",":
                values.append(tokens[index])
            index += 1
        if len(values) > MAX_SET_MEMBERS:
            raise _RuleError("集合の要素が多すぎます")
        return values, negate, None, index + 1
    if token.startswith("@"):
        return [], negate, token[1:], index + 1
    values = [token]
    index += 1
    # "established,related": a comma list without braces.
    while index + 1 < len(tokens) and tokens[index] == ",":
        values.append(tokens[index + 1])
        index += 2
    return values, negate, None, index


_STATEMENT_STARTS = frozenset(
    {
        *VERDICTS,
        "jump",
        "goto",
        "continue",
        "counter",
        "log",
        "comment",
        "ip",
        "ip6",
        "tcp",
        "udp",
        "sctp",
        "th",
    }
    | {"icmp", "icmpv6", "iifname", "oifname", "iif", "oif", "ct"}
)


def _text_rule(tokens: list[str], line: int, text: str) -> _RawRule:
    conds: list[_Cond] = []
    verdict: str | None = None
    target: str | None = None
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token == ";":
            i += 1
            continue
        if token in ("ip", "ip6") and nxt in ("saddr", "daddr", "protocol", "nexthdr"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            key = f"{token} {nxt}" if nxt in ("saddr", "daddr") else "l4proto"
            conds.append(_Cond(key, values, negate, ref))
            if nxt in ("protocol",) or token == "ip6":
                conds.append(_Cond("nfproto", ["ipv4" if token == "ip" else "ipv6"]))
            continue
        if token in PORT_PROTOCOL_NAMES and nxt in ("sport", "dport"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(_Cond(f"{token} {nxt}", values, negate, ref))
            continue
        if token in ("tcp", "udp", "sctp") and nxt not in ("sport", "dport", "flags"):
            raise _RuleError(f"未対応の一致条件「{token} {nxt}」")
        if token == "tcp" and nxt == "flags":
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(_Cond("tcp flags", values, negate, ref))
            continue
        if token in ("icmp", "icmpv6") and nxt in ("type", "code"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(_Cond(f"{token} {nxt}", values, negate, ref))
            continue
        if token == "meta" and nxt in ("l4proto", "nfproto", "iifname", "oifname", "iif", "oif", "protocol"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            key = {"iif": "iifname", "oif": "oifname"}.get(nxt, nxt)
            conds.append(_Cond(key, values, negate, ref))
            continue
        if token in ("iifname", "oifname", "iif", "oif"):
            values, negate, ref, i = _take_value(tokens, i + 1)
            conds.append(_Cond({"iif": "iifname", "oif": "oifname"}.get(token, token), values, negate, ref))
            continue
        if token == "ct" and nxt == "state":
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(_Cond("ct state", values, negate, ref))
            continue
        if token == "counter":
            i += 1
            while i + 1 < len(tokens) and tokens[i] in ("packets", "bytes"):
                i += 2
            continue
        if token == "log":
            i += 1
            while i + 1 < len(tokens) and tokens[i] in (
                "prefix",
                "level",
                "group",
                "snaplen",
                "queue-threshold",
            ):
                i += 2
            continue
        if token == "comment":
            i += 2
            continue
        if token in VERDICTS:
            verdict = token
            i += 1
            if token == "reject" and i < len(tokens) and tokens[i] == "with":
                i += 3
            continue
        if token in ("jump", "goto") and nxt:
            verdict, target = token, nxt
            i += 2
            continue
        if token == "continue":
            i += 1
            continue
        # Anything else (limit, meta mark, fib, socket, quota ...): an unknown condition up to the
        # next statement the parser knows.
        words = [token]
        i += 1
        while i < len(tokens) and tokens[i] not in _STATEMENT_STARTS:
            words.append(tokens[i])
            i += 1
        unknown.append(" ".join(words))
    return _RawRule(line, text, conds, verdict, target, unknown)


# ---------------------------------------------------------------------------------------------------
# JSON format


def _json_value(value: object) -> tuple[list[str], str | None]:
    if isinstance(value, str):
        return ([], value[1:]) if value.startswith("@") else ([value], None)
    if isinstance(value, int | float):
        return [str(int(value))], None
    if isinstance(value, list):
        values: list[str] = []
        for item in value:
            values.extend(_json_value(item)[0])
        return values, None
    if isinstance(value, dict):
        if "set" in value:
            return _json_value(value["set"])
        if "prefix" in value and isinstance(value["prefix"], dict):
            return [f"{value['prefix'].get('addr')}/{value['prefix'].get('len')}"], None
        if "range" in value and isinstance(value["range"], list) and len(value["range"]) == 2:
            low, high = value["range"]
            return [f"{low}-{high}"], None
        if "elem" in value and isinstance(value["elem"], dict):
            return _json_value(value["elem"].get("val"))
    raise _RuleError("値を解釈できません")


def _json_match(match: dict[str, object]) -> _Cond:
    left = match.get("left")
    op = match.get("op", "==")
    negate = op == "!="
    if op not in ("==", "!=", "in"):
        raise _RuleError(f"比較「{op}」には対応していません")
    values, ref = _json_value(match.get("right"))
    if isinstance(left, dict):
        if isinstance(left.get("payload"), dict):
            payload = left["payload"]
            proto, fld = payload.get("protocol"), payload.get("field")
            if proto in ("ip", "ip6") and fld in ("saddr", "daddr"):
                return _Cond(f"{proto} {fld}", values, negate, ref)
            if proto in ("ip", "ip6") and fld in ("protocol", "nexthdr"):
                return _Cond("l4proto", values, negate, ref)
            if proto in PORT_PROTOCOL_NAMES and fld in ("sport", "dport"):
                return _Cond(f"{proto} {fld}", values, negate, ref)
            if proto in ("icmp", "icmpv6") and fld in ("type", "code"):
                return _Cond(f"{proto} {fld}", values, negate, ref)
            if proto == "tcp" and fld == "flags":
                return _Cond("tcp flags", values, negate, ref)
            raise _RuleError(f"未対応の一致条件「{proto} {fld}」")
        if isinstance(left.get("meta"), dict):
            key = str(left["meta"].get("key"))
            key = {"iif": "iifname", "oif": "oifname"}.get(key, key)
            if key in ("l4proto", "nfproto", "iifname", "oifname", "protocol"):
                return _Cond(key, values, negate, ref)
            raise _RuleError(f"未対応の一致条件「meta {key}」")
        if isinstance(left.get("ct"), dict) and left["ct"].get("key") == "state":
            return _Cond("ct state", values, negate, ref)
    raise _RuleError("未対応の一致条件です")


def _parse_json(text: str, source: str) -> _Ruleset:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigSyntaxError(f"JSON として読めません（{exc.lineno} 行目）", file=source) from None
    items = document.get("nftables") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ConfigSyntaxError(
            "「nftables」配列がありません（nft -j list ruleset の出力を渡してください）", file=source
        )
    rule_lines = iter(_key_lines(text, "rule"))
    chain_lines = iter(_key_lines(text, "chain"))
    ruleset = _Ruleset()
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("chain"), dict):
            data = item["chain"]
            line = next(chain_lines, 0)
            key = (str(data.get("family")), str(data.get("table")), str(data.get("name")))
            chain = ruleset.chains.setdefault(key, _RawChain(*key, line=line))
            if data.get("hook"):
                chain.hook = str(data["hook"])
                prio = data.get("prio", 0)
                chain.priority = int(prio) if isinstance(prio, int) else 0
                chain.policy = str(data.get("policy", "accept"))
                chain.policy_line = line
            continue
        if isinstance(item.get("set"), dict):
            data = item["set"]
            key = (str(data.get("family")), str(data.get("table")), str(data.get("name")))
            elements = data.get("elem")
            try:
                # An empty named set is usually filled at run time (fail2ban, scripts): its
                # contents are unknown, not "nothing".
                ruleset.sets[key] = _json_value(elements)[0] if elements else None
            except _RuleError:
                ruleset.sets[key] = None
            continue
        if not isinstance(item.get("rule"), dict):
            continue
        data = item["rule"]
        line = next(rule_lines, 0)
        key = (str(data.get("family")), str(data.get("table")), str(data.get("chain")))
        chain = ruleset.chains.setdefault(key, _RawChain(*key, line=0))
        text_form = json.dumps(data.get("expr", []), ensure_ascii=False)[:300]
        try:
            chain.rules.append(_json_rule(data, line, text_form))
        except _RuleError as exc:
            ruleset.unsupported.append(Unsupported(source, line, text_form, exc.reason))
    return ruleset


def _key_lines(text: str, key: str) -> Iterator[int]:
    for match in re.finditer(rf'"{key}"\s*:\s*\{{', text):
        yield text.count("\n", 0, match.start()) + 1


def _json_rule(data: dict[str, object], line: int, text: str) -> _RawRule:
    conds: list[_Cond] = []
    verdict: str | None = None
    target: str | None = None
    unknown: list[str] = []
    expressions = data.get("expr", [])
    if not isinstance(expressions, list):
        raise _RuleError("expr が配列ではありません")
    for expression in expressions:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise _RuleError("式を解釈できません")
        ((name, body),) = expression.items()
        if name == "match" and isinstance(body, dict):
            try:
                conds.append(_json_match(body))
            except _RuleError as exc:
                unknown.append(exc.reason)
        elif name in VERDICTS:
            verdict = name
        elif name in ("jump", "goto") and isinstance(body, dict):
            verdict, target = name, str(body.get("target"))
        elif name in ("counter", "log", "comment", "continue"):
            continue
        else:
            unknown.append(f"{name}")
    return _RawRule(line, text, conds, verdict, target, unknown)


# ---------------------------------------------------------------------------------------------------
# Building the IR


def _members(cond: _Cond, ruleset: _Ruleset, family: str, table: str) -> tuple[list[str], bool]:
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
            raise _RuleError(f"不明なプロトコル「{value}」")
    return result


def _ports(values: Sequence[str]) -> tuple[PortRange, ...]:
    ports = []
    for value in values:
        parsed = parse_port_range(value, "-")
        if parsed is None:
            raise _RuleError(f"ポート「{value}」を解釈できません")
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


def _build_rule(raw: _RawRule, chain: _RawChain, ruleset: _Ruleset, rule_id: str) -> Rule | None:
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
                    raise _RuleError(f"ICMP タイプ「{value}」を解釈できません")
            if cond.negate:
                raise _RuleError("ICMP タイプの否定には対応していません")
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
        elif cond.key == "tcp flags":
            if any("ack" in v.lower() for v in values) and not cond.negate:
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
    ruleset = _parse_json(text, source) if stripped.startswith("{") else _parse_text(text, source)
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
            except _RuleError as exc:
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
