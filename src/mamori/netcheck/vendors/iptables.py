"""iptables-save / iptables-restore parser: the filter table, with FORWARD deciding forwarded traffic.

Follows iptables(8) and iptables-extensions(8): ``-A``/``-I``/``-N``/``-P`` and their long forms,
``:CHAIN POLICY [pkts:bytes]`` headers, ``!`` negation (before or after the option), ``-m multiport``,
``-m iprange``, ``-m state``/``-m conntrack``, ``-m set`` (contents unknown), ``-m comment``. Files
without ``*filter``/``COMMIT`` (rule fragments) are read as the filter table. Matches that are not
understood make the rule depend on an unknown object and are listed as unsupported.
"""

from __future__ import annotations

import shlex
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
from mamori.netcheck.vendors._netaddr import ICMP_TYPES, parse_address_range, parse_network, parse_port_range

__all__ = ["parse"]

BUILTIN_CHAINS = ("INPUT", "FORWARD", "OUTPUT")
TERMINAL_TARGETS = {
    "ACCEPT": Action.PERMIT,
    "DROP": Action.DENY,
    "REJECT": Action.DENY,
    "RETURN": Action.RETURN,
}
# Targets that do not decide the packet's fate: the rule is kept only for its position number.
NON_TERMINAL_TARGETS = frozenset(
    {"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "AUDIT", "CT", "NOTRACK"}
)
OPENING_STATES = frozenset({"NEW", "INVALID", "UNTRACKED", "SNAT", "DNAT"})
# Options whose value is consumed and ignored because they do not change what the rule matches.
IGNORED_WITH_VALUE = frozenset(
    {
        "--comment",
        "--reject-with",
        "--log-prefix",
        "--log-level",
        "--nflog-group",
        "--nflog-prefix",
        "--set-mark",
    }
)
IGNORED_FLAGS = frozenset({"--log-tcp-options", "--log-ip-options", "--log-uid", "--log-tcp-sequence"})
COMMANDS = {
    "-A": "append",
    "--append": "append",
    "-I": "insert",
    "--insert": "insert",
    "-N": "new",
    "--new-chain": "new",
    "-P": "policy",
    "--policy": "policy",
}
UNSUPPORTED_COMMANDS = {
    "-C": "--check",
    "--check": "--check",
    "-D": "--delete",
    "--delete": "--delete",
    "-X": "--delete-chain",
    "--delete-chain": "--delete-chain",
    "-F": "--flush",
    "--flush": "--flush",
    "-h": "-h",
    "--help": "-h",
    "-L": "--list",
    "--list": "--list",
    "-S": "--list-rules",
    "--list-rules": "--list-rules",
    "-E": "--rename-chain",
    "--rename-chain": "--rename-chain",
    "-R": "--replace",
    "--replace": "--replace",
    "-Z": "--zero",
    "--zero": "--zero",
}


class _LineError(Exception):
    """A rule line that cannot be understood; becomes an Unsupported entry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _ChainState:
    name: str
    policy: Action | None
    policy_line: int
    policy_text: str
    rules: list[tuple[int, Rule | None]] = field(default_factory=list)  # (line, rule or non-terminal)


@dataclass
class _Spec:
    protocol: int | None = None
    protocol_negate: bool = False
    src: list[AddressRange] = field(default_factory=list)
    src_negate: bool = False
    src_unknown: list[str] = field(default_factory=list)
    dst: list[AddressRange] = field(default_factory=list)
    dst_negate: bool = False
    dst_unknown: list[str] = field(default_factory=list)
    in_if: InterfaceMatch | None = None
    out_if: InterfaceMatch | None = None
    sports: list[PortRange] = field(default_factory=list)
    sports_negate: bool = False
    dports: list[PortRange] = field(default_factory=list)
    dports_negate: bool = False
    any_ports: list[PortRange] = field(default_factory=list)
    icmp: tuple[int, int | None] | None = None
    state_only: bool = False
    target: str | None = None
    is_goto: bool = False
    unknown: list[str] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)


def _negated_ports(ranges: list[PortRange]) -> list[PortRange]:
    result: list[PortRange] = []
    start = 0
    for item in sorted(ranges, key=lambda r: r.first):
        if item.first > start:
            result.append(PortRange(start, item.first - 1))
        start = max(start, item.last + 1)
    if start <= 65535:
        result.append(PortRange(start, 65535))
    return result


def _addresses(value: str, spec_unknown: list[str]) -> list[AddressRange]:
    ranges = []
    for part in value.split(","):
        parsed = parse_network(part)
        if parsed is None:
            # A host name: iptables resolves it when the rule is loaded, so its address is unknown here.
            spec_unknown.append(part)
        else:
            ranges.append(parsed)
    return ranges


def _protocol(value: str) -> int | None:
    lowered = value.lower()
    if lowered in ("all", "0"):
        return None
    if lowered.isdigit() and 0 <= int(lowered) <= 255:
        return int(lowered)
    if lowered in PROTOCOL_NUMBERS:
        return PROTOCOL_NUMBERS[lowered]
    raise _LineError(f"不明なプロトコル「{value}」")


def _port_list(value: str) -> list[PortRange]:
    ports = []
    items = value.split(",")
    if len(items) > MAX_SET_MEMBERS:
        raise _LineError("ポートの指定が多すぎます")
    for item in items:
        parsed = parse_port_range(item)
        if parsed is None:
            raise _LineError(f"ポート「{item}」を解釈できません")
        ports.append(parsed)
    return ports


def _icmp_type(value: str) -> tuple[int, int | None]:
    if value.lower() in ICMP_TYPES:
        return ICMP_TYPES[value.lower()]
    type_text, _, code_text = value.partition("/")
    if type_text.isdigit() and (not code_text or code_text.isdigit()):
        return int(type_text), int(code_text) if code_text else None
    raise _LineError(f"ICMP タイプ「{value}」を解釈できません")


def _parse_spec(tokens: list[str], unsupported: list[str]) -> _Spec:
    spec = _Spec()
    i = 0
    negate = False

    def value() -> str:
        nonlocal i, negate
        i += 1
        if i < len(tokens) and tokens[i] == "!":
            negate = True
            i += 1
        if i >= len(tokens):
            raise _LineError(f"「{tokens[i - 1]}」の値がありません")
        return tokens[i]

    while i < len(tokens):
        word = tokens[i]
        if word == "!":
            negate = True
            i += 1
            continue
        if word in ("-p", "--protocol"):
            spec.protocol = _protocol(value())
            spec.protocol_negate = negate
        elif word in ("-s", "--source", "--src"):
            spec.src = _addresses(value(), spec.src_unknown)
            spec.src_negate = negate
        elif word in ("-d", "--destination", "--dst"):
            spec.dst = _addresses(value(), spec.dst_unknown)
            spec.dst_negate = negate
        elif word in ("-i", "--in-interface"):
            spec.in_if = InterfaceMatch((value(),), negate)
        elif word in ("-o", "--out-interface"):
            spec.out_if = InterfaceMatch((value(),), negate)
        elif word in ("-j", "--jump"):
            spec.target = value()
        elif word in ("-g", "--goto"):
            spec.target = value()
            spec.is_goto = True
        elif word in ("-m", "--match"):
            module = value()
            if module in ("tcp", "udp") and spec.protocol != PROTOCOL_NUMBERS[module]:
                spec.unknown.append(f"-m {module}")
                unsupported.append(
                    f"「-m {module}」は「-p {module}」と一緒に指定する必要があります（不明な条件として扱います）"
                )
            if module not in (
                "tcp",
                "udp",
                "icmp",
                "multiport",
                "iprange",
                "state",
                "conntrack",
                "comment",
                "set",
            ):
                spec.unknown.append(f"-m {module}")
                unsupported.append(f"未対応のマッチ「-m {module}」（不明な条件として扱います）")
            spec.modules.add(module)
        elif word in ("--sport", "--source-port", "--sports", "--source-ports"):
            spec.sports = _port_list(value())
            spec.sports_negate = negate
        elif word in ("--dport", "--destination-port", "--dports", "--destination-ports"):
            spec.dports = _port_list(value())
            spec.dports_negate = negate
        elif word == "--ports":
            spec.any_ports = _port_list(value())
            if negate:
                raise _LineError("「! --ports」には対応していません")
        elif word == "--icmp-type":
            spec.icmp = _icmp_type(value())
            if negate:
                raise _LineError("「! --icmp-type」には対応していません")
        elif word == "--src-range":
            parsed = parse_address_range(value())
            if parsed is None:
                raise _LineError("--src-range の範囲を解釈できません")
            spec.src, spec.src_negate = [parsed], negate
        elif word == "--dst-range":
            parsed = parse_address_range(value())
            if parsed is None:
                raise _LineError("--dst-range の範囲を解釈できません")
            spec.dst, spec.dst_negate = [parsed], negate
        elif word in ("--state", "--ctstate"):
            states = {s.upper() for s in value().split(",")}
            opens = bool(states & OPENING_STATES)
            spec.state_only = opens if negate else not opens
        elif word == "--match-set":
            name = value()
            i += 1
            if i >= len(tokens):
                raise _LineError("--match-set の方向（src/dst）がありません")
            flags = tokens[i].split(",")
            # The ipset's members are not in the file: the match is an unknown object.
            label = f"ipset:{name}"
            if flags[0] == "src":
                spec.src_unknown.append(label)
                spec.src_negate = spec.src_negate or negate
            else:
                spec.dst_unknown.append(label)
                spec.dst_negate = spec.dst_negate or negate
        elif word == "--syn":
            spec.state_only = negate
        elif word == "--tcp-flags":
            mask = value().upper().split(",")
            i += 1
            if i >= len(tokens):
                raise _LineError("--tcp-flags の値がありません")
            comp = tokens[i].upper().split(",")
            if not negate and ("ACK" in mask or "ALL" in mask) and ("ACK" in comp or "ALL" in comp):
                spec.state_only = True
        elif word in IGNORED_WITH_VALUE:
            value()
        elif word in IGNORED_FLAGS:
            pass
        elif word in ("-4", "--ipv4", "-6", "--ipv6"):
            spec.unknown.append(word)
            unsupported.append(f"「{word}」には対応していません（不明な条件として扱います）")
        elif word in ("-c", "--set-counters"):
            i += 2
            negate = False
            continue
        else:
            # Unknown option: keep the rule, read the option as an unknown condition (any in a permit,
            # nothing in a deny) and skip its values up to the next option.
            words = [word]
            while i + 1 < len(tokens) and not tokens[i + 1].startswith("-") and tokens[i + 1] != "!":
                i += 1
                words.append(tokens[i])
            spec.unknown.append(" ".join(words))
            unsupported.append(f"不明なオプション「{word}」（不明な条件として扱います）")
        negate = False
        i += 1
    return spec


def _build_rule(spec: _Spec, chain: str, line: int, text: str, chains: set[str]) -> Rule | None:
    target = spec.target
    if target is None or target in NON_TERMINAL_TARGETS:
        return None
    if target in TERMINAL_TARGETS:
        action = TERMINAL_TARGETS[target]
        if spec.is_goto:
            raise _LineError(f"「-g {target}」はチェーンではありません")
    elif target in chains:
        action = Action.GOTO if spec.is_goto else Action.JUMP
    else:
        raise _LineError(f"不明なターゲット「{target}」")
    src = (
        AddressMatch(tuple(spec.src), (), spec.src_negate, tuple(spec.src_unknown))
        if spec.src or spec.src_unknown
        else ANY_ADDRESS
    )
    dst = (
        AddressMatch(tuple(spec.dst), (), spec.dst_negate, tuple(spec.dst_unknown))
        if spec.dst or spec.dst_unknown
        else ANY_ADDRESS
    )
    service = _service(spec)
    versions = {r.version for r in (*spec.src, *spec.dst)}
    return Rule(
        rule_id="",  # numbered once the chain's final order is known
        line=line,
        text=text,
        action=action,
        source=src,
        destination=dst,
        service=service,
        in_interface=spec.in_if,
        out_interface=spec.out_if,
        target=target if action in (Action.JUMP, Action.GOTO) else None,
        state_only=spec.state_only,
        ip_version=versions.pop()
        if len(versions) == 1 and not (spec.src_negate or spec.dst_negate)
        else None,
        unknown=tuple(spec.unknown),
    )


def _service(spec: _Spec) -> ServiceMatch:
    if spec.protocol is None:
        if spec.sports or spec.dports or spec.any_ports or spec.icmp:
            raise _LineError("ポートや ICMP タイプには -p の指定が必要です")
        return ANY_SERVICE
    sports = _negated_ports(spec.sports) if spec.sports_negate else spec.sports
    dports = _negated_ports(spec.dports) if spec.dports_negate else spec.dports
    if spec.icmp is not None:
        services: tuple[Service, ...] = (
            Service(spec.protocol, icmp_type=spec.icmp[0], icmp_code=spec.icmp[1]),
        )
    elif spec.any_ports:
        services = (
            Service(spec.protocol, src_ports=tuple(spec.any_ports), dst_ports=tuple(dports)),
            Service(spec.protocol, src_ports=tuple(sports), dst_ports=tuple(spec.any_ports)),
        )
    else:
        services = (Service(spec.protocol, src_ports=tuple(sports), dst_ports=tuple(dports)),)
    if (spec.sports_negate and not sports) or (spec.dports_negate and not dports):
        services = ()
    return ServiceMatch(services, negate=spec.protocol_negate)


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse iptables-save text; only the filter table is kept."""
    unsupported: list[Unsupported] = []
    chains: dict[str, _ChainState] = {}
    table: str | None = None
    saw_table = False
    understood = 0
    rule_count = 0
    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            table = line[1:].strip()
            saw_table = True
            understood += 1
            continue
        if line == "COMMIT":
            table = None
            understood += 1
            continue
        in_filter = table == "filter" or (table is None and not saw_table)
        if table is None and saw_table and not line.startswith(":"):
            # Lines between COMMIT and the next table belong to no table.
            in_filter = True
        if line.startswith(":"):
            understood += 1
            if not in_filter:
                continue
            parts = line[1:].split()
            if len(parts) < 2:
                unsupported.append(Unsupported(source, number, line, "チェーン定義を解釈できません"))
                continue
            name, policy = parts[0], parts[1]
            chains[name] = _ChainState(
                name,
                TERMINAL_TARGETS.get(policy) if policy != "-" else None,
                number,
                line,
            )
            continue
        if line.startswith("["):
            _, _, line = line.partition("]")
            line = line.strip()
        try:
            tokens = shlex.split(line, comments=False)
        except ValueError:
            unsupported.append(Unsupported(source, number, raw.strip(), "引用符の対応が取れていません"))
            continue
        if not tokens:
            continue
        command = tokens[0]
        if command in UNSUPPORTED_COMMANDS:
            unsupported.append(
                Unsupported(
                    source,
                    number,
                    raw.strip(),
                    f"iptables-restore のコマンド「{UNSUPPORTED_COMMANDS[command]}」には対応していません",
                )
            )
            continue
        if command not in COMMANDS:
            unsupported.append(Unsupported(source, number, raw.strip(), f"不明な行「{command}」"))
            continue
        if not in_filter:
            understood += 1
            continue
        kind = COMMANDS[command]
        if len(tokens) < 2:
            unsupported.append(Unsupported(source, number, raw.strip(), "チェーン名がありません"))
            continue
        chain_name = tokens[1]
        if kind == "new":
            chains.setdefault(chain_name, _ChainState(chain_name, None, number, raw.strip()))
            understood += 1
            continue
        if kind == "policy":
            if len(tokens) < 3 or tokens[2] not in ("ACCEPT", "DROP"):
                unsupported.append(Unsupported(source, number, raw.strip(), "ポリシーは ACCEPT か DROP です"))
                continue
            state = chains.setdefault(chain_name, _ChainState(chain_name, None, number, raw.strip()))
            state.policy = TERMINAL_TARGETS[tokens[2]]
            state.policy_line = number
            state.policy_text = raw.strip()
            understood += 1
            continue
        rest = tokens[2:]
        position: int | None = None
        if kind == "insert" and rest and rest[0].isdigit():
            position = int(rest[0])
            rest = rest[1:]
        elif kind == "insert":
            position = 1
        reasons: list[str] = []
        try:
            spec = _parse_spec(rest, reasons)
            state = chains.get(chain_name)
            if state is None:
                if chain_name in BUILTIN_CHAINS:
                    state = chains.setdefault(chain_name, _ChainState(chain_name, Action.PERMIT, 0, ""))
                else:
                    raise _LineError(f"チェーン「{chain_name}」が定義されていません")
            rule = _build_rule(spec, chain_name, number, raw.strip(), set(chains))
        except _LineError as exc:
            unsupported.append(Unsupported(source, number, raw.strip(), exc.reason))
            known_chain = chains.get(chain_name)
            if known_chain is not None:
                # Keep the position so later rules keep the numbers iptables gives them.
                known_chain.rules.append((number, None))
            continue
        for reason in reasons:
            unsupported.append(Unsupported(source, number, raw.strip(), reason))
        rule_count += 1
        if rule_count > MAX_RULES_PER_DEVICE:
            raise ConfigSyntaxError(f"ルールが多すぎます（上限 {MAX_RULES_PER_DEVICE}）", file=source)
        understood += 1
        if position is None:
            state.rules.append((number, rule))
        else:
            state.rules.insert(max(position - 1, 0), (number, rule))
    if understood == 0 and any(line.strip() and not line.strip().startswith("#") for line in lines):
        raise ConfigSyntaxError("iptables-save 形式の行が一つもありません", file=source)
    return _finish(chains, unsupported, source)


def _finish(states: dict[str, _ChainState], unsupported: list[Unsupported], source: str) -> ParsedConfig:
    if "FORWARD" not in states:
        states["FORWARD"] = _ChainState("FORWARD", Action.PERMIT, 0, "")
    chains: list[Chain] = []
    interfaces: list[str] = []
    for state in states.values():
        rules: list[Rule] = []
        for position, (_, rule) in enumerate(state.rules, start=1):
            if rule is None:
                continue
            rules.append(_numbered(rule, f"{state.name} #{position}"))
            for match in (rule.in_interface, rule.out_interface):
                if match is not None:
                    interfaces.extend(n for n in match.names if not n.endswith("+") and n not in interfaces)
        default = None
        if state.name in BUILTIN_CHAINS:
            policy = state.policy or Action.PERMIT
            word = "ACCEPT" if policy is Action.PERMIT else "DROP"
            suffix = "" if state.policy_line else "（暗黙）"
            default = DefaultAction(policy, f"{state.name} policy {word}{suffix}", state.policy_line)
        chains.append(Chain(state.name, tuple(rules), default))
    forward_line = states["FORWARD"].policy_line
    return ParsedConfig(
        vendor="iptables",
        source=source,
        chains=tuple(chains),
        attachments=(Attachment(Stage.FORWARD, "FORWARD", None, forward_line),),
        interfaces=tuple(interfaces),
        unsupported=tuple(unsupported),
    )


def _numbered(rule: Rule, rule_id: str) -> Rule:
    from dataclasses import replace

    return replace(rule, rule_id=rule_id)
