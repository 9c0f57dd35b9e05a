"""Parse a YAMAHA RTX router configuration's IP filters and their interface lists into the rule IR.

Semantics (YAMAHA RT series command reference, "IP パケットフィルタ" and "ip INTERFACE secure filter"):
``ip filter N pass|reject|restrict[-log|-nolog] SRC [DST [PROTO [SRCPORT [DSTPORT]]]]`` defines filter N;
``ip lanN secure filter in|out N1 N2 ... [dynamic D1 ...]`` applies filters to an interface in the
listed order; the first matching filter decides, ``restrict`` counts as pass, a packet that matches no
filter of a non-empty list is discarded, and an interface without a list passes everything.
``ip filter dynamic`` entries are stateful inspection: they let return traffic in and are recorded as
state-only permits, never as rules that open a connection. Inside ``pp select N`` / ``tunnel select N``
the ``ip pp`` / ``ip tunnel`` commands apply to that peer or tunnel.

Assumptions where the public reference is silent (no public RTX sample configurations exist):
* for ``icmp`` the source-port field holds the ICMP type and the destination-port field the ICMP code;
* with protocol ``*`` a port field restricts TCP and UDP only;
* a filter number listed but never defined is ignored by the router and reported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mamori.netcheck.errors import ConfigSyntaxError, LimitExceededError
from mamori.netcheck.ir import (
    IPV4_MAX,
    Action,
    AddressMatch,
    AddressRange,
    Attachment,
    Chain,
    DefaultAction,
    NamedObject,
    ParsedConfig,
    PortRange,
    Rule,
    Service,
    ServiceMatch,
    Stage,
    Unsupported,
    Wildcard,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE, MAX_SET_MEMBERS
from mamori.netcheck.vendors._tokens import Line, TokenError, iter_lines, parse_ipv4

__all__ = ["VENDOR", "parse"]

VENDOR = "yamaha-rtx"

_PASS = frozenset({"pass", "pass-log", "pass-nolog", "restrict", "restrict-log", "restrict-nolog"})
_REJECT = frozenset({"reject", "reject-log", "reject-nolog"})
_INTERFACE = re.compile(r"^(lan\d+(?:/\d+)?|vlan\d+|bridge\d+|loopback\d+|pp|tunnel)$")
_MAX_FILTER_NUMBER = 2147483647

# Port names of the RTX filter syntax (command reference, "ポート番号のニーモニック").
PORT_NAMES: dict[str, tuple[int, ...]] = {
    "ftp": (20, 21),
    "ftpdata": (20,),
    "telnet": (23,),
    "smtp": (25,),
    "domain": (53,),
    "dns": (53,),
    "gopher": (70,),
    "finger": (79,),
    "www": (80,),
    "http": (80,),
    "pop3": (110,),
    "sunrpc": (111,),
    "ident": (113,),
    "nntp": (119,),
    "ntp": (123,),
    "netbios_ns": (137,),
    "netbios_dgm": (138,),
    "netbios_ssn": (139,),
    "imap": (143,),
    "snmp": (161,),
    "snmptrap": (162,),
    "bgp": (179,),
    "irc": (194,),
    "imap3": (220,),
    "ldap": (389,),
    "https": (443,),
    "microsoft-ds": (445,),
    "ike": (500,),
    "exec": (512,),
    "biff": (512,),
    "login": (513,),
    "who": (513,),
    "cmd": (514,),
    "syslog": (514,),
    "printer": (515,),
    "talk": (517,),
    "route": (520,),
    "rip": (520,),
    "uucp": (540,),
    "submission": (587,),
    "ldaps": (636,),
    "imaps": (993,),
    "pop3s": (995,),
    "ssh": (22,),
    "tftp": (69,),
    "bootps": (67,),
    "bootpc": (68,),
    "echo": (7,),
    "discard": (9,),
    "daytime": (13,),
    "chargen": (19,),
    "time": (37,),
    "whois": (43,),
    "l2tp": (1701,),
    "pptp": (1723,),
    "sip": (5060,),
    "nfs": (2049,),
    "smtps": (465,),
    "ms-sql": (1433,),
    "rdp": (3389,),
}
_PROTOCOLS: dict[str, int] = {
    "tcp": 6,
    "udp": 17,
    "icmp": 1,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmp6": 58,
    "ipv6": 41,
    "ospf": 89,
    "pim": 103,
    "vrrp": 112,
    "igmp": 2,
    "ipip": 4,
}
_ICMP_ERROR_TYPES = (3, 4, 5, 11, 12)
_ICMP_INFO_TYPES = (0, 8, 13, 14, 15, 16, 17, 18)
# TCP flag bits (RFC 9293): ACK and RST packets cannot open a connection.
_TCP_ACK = 0x10
_TCP_RST = 0x04
_TCP_FIN = 0x01


@dataclass(slots=True)
class _List:
    interface: str
    direction: str
    static: list[str]
    dynamic: list[str]
    line: Line


@dataclass(slots=True)
class _State:
    source: str
    unsupported: list[Unsupported] = field(default_factory=list)
    filters: dict[str, tuple[Line, list[str]]] = field(default_factory=dict)
    dynamic: dict[str, tuple[Line, list[str]]] = field(default_factory=dict)
    lists: dict[tuple[str, str], _List] = field(default_factory=dict)
    interfaces: dict[str, Line] = field(default_factory=dict)
    recognised: int = 0

    def report(self, line: Line, reason: str) -> None:
        self.unsupported.append(Unsupported(self.source, line.number, line.text.strip(), reason))


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse YAMAHA RTX configuration text; raise ConfigSyntaxError if no line is RTX syntax."""
    state = _State(source)
    peer: dict[str, str | None] = {"pp": None, "tunnel": None}
    meaningful = 0
    for line in iter_lines(text.removeprefix("\ufeff")):
        stripped = line.text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        meaningful += 1
        words = stripped.split()
        lowered = [word.lower() for word in words]
        if lowered[0] in ("pp", "tunnel") and len(words) == 3 and lowered[1] == "select":
            peer[lowered[0]] = None if lowered[2] == "none" else words[2]
            state.recognised += 1
            if peer[lowered[0]] is not None:
                state.interfaces.setdefault(f"{lowered[0]} {words[2]}", line)
        elif lowered[0] == "ip" and len(words) >= 2:
            _ip_command(words, lowered, line, state, peer)
        elif lowered[0] == "ipv6" and "filter" in lowered[1:4]:
            state.recognised += 1
            state.report(line, "IPv6 フィルタは検証対象外です（IPv6 は未検証）")
        else:
            state.recognised += 1 if lowered[0] in _KNOWN_HEADS else 0
    if meaningful and not state.recognised:
        raise ConfigSyntaxError("YAMAHA RTX のコマンドが見つかりません", file=source)
    return _build(state)


# First words of RTX commands, so a file of other text is told apart from an RTX configuration.
_KNOWN_HEADS = frozenset(
    {
        "login",
        "administrator",
        "console",
        "timezone",
        "nat",
        "dhcp",
        "dns",
        "syslog",
        "schedule",
        "pp",
        "tunnel",
        "ipsec",
        "ike",
        "ntpdate",
        "httpd",
        "sshd",
        "telnetd",
        "lan",
        "description",
        "security",
        "switch",
        "ethernet",
        "operation",
        "statistics",
        "l2tp",
        "pptp",
        "save",
        "snmp",
        "provider",
        "vlan",
        "bridge",
        "user",
        "sntpd",
        "tftp",
        "alarm",
        "ipv6",
        "netvolante-dns",
    }
)


def _interface_name(word: str, peer: dict[str, str | None], line: Line, state: _State) -> str | None:
    if word in ("pp", "tunnel"):
        number = peer[word]
        if number is None:
            state.report(line, f"{word} select の外の {word} 設定です")
            return None
        return f"{word} {number}"
    return word


def _ip_command(
    words: list[str], lowered: list[str], line: Line, state: _State, peer: dict[str, str | None]
) -> None:
    if lowered[1] == "filter" and len(words) >= 3:
        state.recognised += 1
        _filter_command(words, lowered, line, state)
        return
    if not _INTERFACE.match(lowered[1]):
        state.recognised += 1
        return
    state.recognised += 1
    name = _interface_name(lowered[1], peer, line, state)
    if name is None:
        return
    state.interfaces.setdefault(name, line)
    rest = lowered[2:]
    if rest[:2] == ["secure", "filter"]:
        args = words[4:]
        if args and args[0].lower() in ("in", "out"):
            _secure_filter(name, args[0].lower(), args[1:], line, state)
        elif args and args[0].lower() == "name":
            state.report(line, "フィルタセット（secure filter name）は解釈しません")
        else:
            state.report(line, "secure filter の方向（in/out）を解釈できません")
    elif rest[:2] == ["nat", "descriptor"]:
        state.report(line, "NAT（nat descriptor）は検証対象外です")


def _filter_command(words: list[str], lowered: list[str], line: Line, state: _State) -> None:
    key = lowered[2]
    if key == "dynamic" and len(words) >= 5 and words[3].isdigit():
        state.dynamic[words[3]] = (line, words[4:])
    elif key.isdigit():
        if int(key) > _MAX_FILTER_NUMBER or len(words) < 5:
            state.report(line, "ip filter の番号または書式が不正です")
            return
        state.filters[str(int(key))] = (line, words[3:])
    elif key == "set":
        state.report(line, "フィルタセット（ip filter set）は解釈しません")
    elif key in ("directed-broadcast", "source-route"):
        return
    else:
        state.report(line, "ip filter の書式を解釈できません")


def _secure_filter(name: str, direction: str, args: list[str], line: Line, state: _State) -> None:
    static: list[str] = []
    dynamic: list[str] = []
    target = static
    for word in args:
        if word.lower() == "dynamic":
            target = dynamic
        elif word.isdigit():
            target.append(str(int(word)))
        else:
            state.report(line, f"フィルタ番号ではない値 {word[:20]} があります")
            return
    if len(static) + len(dynamic) > MAX_SET_MEMBERS:
        raise LimitExceededError(f"フィルタ番号の数 {MAX_SET_MEMBERS}", file=state.source)
    # A later "secure filter" for the same interface and direction replaces the earlier list.
    state.lists[(name, direction)] = _List(name, direction, static, dynamic, line)


def _build(state: _State) -> ParsedConfig:
    chains: list[Chain] = []
    attachments: list[Attachment] = []
    total = 0
    parsed_rules: dict[str, Rule | None] = {}
    for (name, direction), filter_list in state.lists.items():
        rules: list[Rule] = []
        for number in filter_list.static:
            rule = _static_rule(number, state, parsed_rules)
            if rule is None:
                if number not in state.filters:
                    state.report(
                        filter_list.line, f"未定義のフィルタ {number} が指定されています（無視されます）"
                    )
                continue
            rules.append(rule)
        for number in filter_list.dynamic:
            dynamic_rule = _dynamic_rule(number, state, parsed_rules)
            if dynamic_rule is None:
                if number not in state.dynamic:
                    state.report(filter_list.line, f"未定義の動的フィルタ {number} が指定されています")
                continue
            rules.append(dynamic_rule)
        total += len(rules)
        if total > MAX_RULES_PER_DEVICE:
            raise LimitExceededError(f"ルール数 {MAX_RULES_PER_DEVICE}", file=state.source)
        chain_name = f"{name} secure filter {direction}"
        if filter_list.static or filter_list.dynamic:
            default = DefaultAction(
                Action.DENY, f"{chain_name}: どのフィルタにも一致せず破棄", filter_list.line.number
            )
        else:
            default = DefaultAction(
                Action.PERMIT, f"{chain_name}: フィルタ番号なし（全通過）", filter_list.line.number
            )
        chains.append(Chain(chain_name, tuple(rules), default))
        stage = Stage.INGRESS if direction == "in" else Stage.EGRESS
        attachments.append(Attachment(stage, chain_name, name, filter_list.line.number))
    filtered = {name for name, _ in state.lists}
    for name, line in state.interfaces.items():
        if name in filtered:
            continue
        # An interface without any filter list passes everything: name it so reports can cite it.
        chain_name = f"{name} フィルタ未設定"
        chains.append(
            Chain(
                chain_name,
                (),
                DefaultAction(Action.PERMIT, f"{name} にフィルタ未設定（全通過）", line.number),
            )
        )
        attachments.append(Attachment(Stage.INGRESS, chain_name, name, line.number))
    # Report filters that are defined but never parsed because no list uses them.
    for number in state.filters:
        if number not in parsed_rules:
            _static_rule(number, state, parsed_rules)
    for number in state.dynamic:
        if f"dynamic {number}" not in parsed_rules:
            _dynamic_rule(number, state, parsed_rules)
    objects = [NamedObject("filter", number, line.number) for number, (line, _) in state.filters.items()]
    objects.extend(
        NamedObject("dynamic-filter", number, line.number) for number, (line, _) in state.dynamic.items()
    )
    return ParsedConfig(
        vendor=VENDOR,
        source=state.source,
        chains=tuple(chains),
        attachments=tuple(attachments),
        interfaces=tuple(state.interfaces),
        default=DefaultAction(Action.PERMIT, "フィルタ未設定（全通過）", 0),
        unsupported=tuple(sorted(state.unsupported, key=lambda item: item.line)),
        objects=tuple(objects),
    )


def _static_rule(number: str, state: _State, cache: dict[str, Rule | None]) -> Rule | None:
    if number in cache:
        return cache[number]
    found = state.filters.get(number)
    rule = None
    if found is not None:
        line, words = found
        try:
            rule = _filter_rule(number, line, words)
        except TokenError as error:
            state.report(line, f"ip filter {number} を解釈できません（{error}）")
    cache[number] = rule
    return rule


def _dynamic_rule(number: str, state: _State, cache: dict[str, Rule | None]) -> Rule | None:
    key = f"dynamic {number}"
    if key in cache:
        return cache[key]
    found = state.dynamic.get(number)
    rule = None
    if found is not None:
        line, words = found
        try:
            rule = _dynamic_filter_rule(number, line, words)
        except TokenError as error:
            state.report(line, f"ip filter dynamic {number} を解釈できません（{error}）")
    cache[key] = rule
    return rule


def _filter_rule(number: str, line: Line, words: list[str]) -> Rule:
    action_word = words[0].lower()
    if action_word in _PASS:
        action = Action.PERMIT
    elif action_word in _REJECT:
        action = Action.DENY
    else:
        raise TokenError(f"unknown action {words[0][:20]!r}")
    fields = [*words[1:], "*", "*", "*", "*", "*"][:5]
    if len(words) > 6:
        raise TokenError("too many fields")
    source = _addresses(fields[0])
    destination = _addresses(fields[1])
    service, state_only, service_unknown = _service(fields[2], fields[3], fields[4])
    return Rule(
        rule_id=number,
        line=line.number,
        text=line.text.strip(),
        action=action,
        source=source,
        destination=destination,
        service=ServiceMatch(tuple(service), False, tuple(service_unknown)),
        state_only=state_only,
        ip_version=4,
    )


def _dynamic_filter_rule(number: str, line: Line, words: list[str]) -> Rule:
    # ip filter dynamic N SRC DST PROTOCOL [options]; PROTOCOL is a service name (ftp, www, tcp, ...).
    if len(words) < 3:
        raise TokenError("dynamic filter needs source, destination and protocol")
    source = _addresses(words[0])
    destination = _addresses(words[1])
    protocol = words[2].lower()
    if protocol in ("tcp", "udp"):
        services = [Service(_PROTOCOLS[protocol])]
    elif protocol in PORT_NAMES:
        ports = tuple(PortRange(port, port) for port in PORT_NAMES[protocol])
        services = [Service(6, (), ports)]
        if protocol in ("domain", "dns", "ntp", "snmp", "tftp", "syslog"):
            services.append(Service(17, (), ports))
    elif protocol in _PROTOCOLS:
        services = [Service(_PROTOCOLS[protocol])]
    else:
        raise TokenError(f"unknown dynamic protocol {words[2][:20]!r}")
    return Rule(
        rule_id=f"dynamic {number}",
        line=line.number,
        text=line.text.strip(),
        action=Action.PERMIT,
        source=source,
        destination=destination,
        service=ServiceMatch(tuple(services)),
        # Stateful inspection admits the return traffic of sessions; it never opens a session itself.
        state_only=True,
        ip_version=4,
    )


def _addresses(text: str) -> AddressMatch:
    if text == "*":
        return AddressMatch(ranges=(AddressRange(0, IPV4_MAX, 4),))
    ranges: list[AddressRange] = []
    wildcards: list[Wildcard] = []
    names: list[str] = []
    for item in text.split(","):
        if not item:
            raise TokenError("empty address in list")
        if "*" in item and item != "*":
            wildcards.append(_octet_wildcard(item))
        elif item == "*":
            ranges.append(AddressRange(0, IPV4_MAX, 4))
        elif "/" in item:
            ranges.append(_prefix(item))
        elif "-" in item:
            low_text, _, high_text = item.partition("-")
            low = int(parse_ipv4(low_text)) if low_text else 0
            high = int(parse_ipv4(high_text)) if high_text else IPV4_MAX
            if low > high:
                raise TokenError("address range low above high")
            ranges.append(AddressRange(low, high, 4))
        elif re.fullmatch(r"[0-9.]+", item):
            value = int(parse_ipv4(item))
            ranges.append(AddressRange(value, value, 4))
        elif re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", item):
            # Newer firmware accepts FQDNs in filters; the addresses are resolved on the router.
            names.append(item)
        else:
            raise TokenError(f"not an address {item[:40]!r}")
    if len(ranges) + len(wildcards) > MAX_SET_MEMBERS:
        raise LimitExceededError(f"アドレスの数 {MAX_SET_MEMBERS}")
    return AddressMatch(tuple(ranges), tuple(wildcards), False, tuple(names))


def _octet_wildcard(text: str) -> Wildcard:
    octets = text.split(".")
    if len(octets) != 4:
        raise TokenError(f"not an address {text[:40]!r}")
    address = 0
    wildcard = 0
    for octet in octets:
        address <<= 8
        wildcard <<= 8
        if octet == "*":
            wildcard |= 0xFF
        elif octet.isdigit() and int(octet) <= 255:
            address |= int(octet)
        else:
            raise TokenError(f"not an address {text[:40]!r}")
    return Wildcard(address, wildcard)


def _prefix(text: str) -> AddressRange:
    address_text, _, length_text = text.partition("/")
    address = int(parse_ipv4(address_text))
    if length_text.isdigit() and int(length_text) <= 32:
        length = int(length_text)
    else:
        mask = int(parse_ipv4(length_text))
        inverted = (~mask) & IPV4_MAX
        if inverted & (inverted + 1):
            raise TokenError("not a contiguous mask")
        length = 32 - inverted.bit_length()
    size = 1 << (32 - length)
    first = address & ~(size - 1) & IPV4_MAX
    return AddressRange(first, first + size - 1, 4)


def _ports(text: str) -> tuple[PortRange, ...]:
    if text == "*":
        return ()
    result: list[PortRange] = []
    for item in text.split(","):
        lowered = item.lower()
        if lowered in PORT_NAMES:
            result.extend(PortRange(port, port) for port in PORT_NAMES[lowered])
        elif "-" in item:
            low_text, _, high_text = item.partition("-")
            low = _port(low_text) if low_text else 0
            high = _port(high_text) if high_text else 65535
            if low > high:
                raise TokenError("port range low above high")
            result.append(PortRange(low, high))
        else:
            value = _port(item)
            result.append(PortRange(value, value))
    return tuple(result)


def _port(text: str) -> int:
    # A range may use mnemonics at either end (netbios_ns-netbios_ssn): take the name's first port.
    named = PORT_NAMES.get(text.lower())
    if named is not None:
        return named[0] if len(named) == 1 else min(named)
    if not text.isdigit() or int(text) > 65535:
        raise TokenError(f"not a port {text[:20]!r}")
    return int(text)


def _service(
    protocol_text: str, source_text: str, destination_text: str
) -> tuple[list[Service], bool, list[str]]:
    """Return the services, whether they only match established traffic, and unknown names."""
    services: list[Service] = []
    unknown: list[str] = []
    state_flags: list[bool] = []
    for item in protocol_text.split(","):
        lowered = item.lower()
        if lowered == "*":
            if source_text == "*" and destination_text == "*":
                services.append(Service())
                state_flags.append(False)
            else:
                services.append(Service(6, _ports(source_text), _ports(destination_text)))
                services.append(Service(17, _ports(source_text), _ports(destination_text)))
                state_flags.extend([False, False])
            continue
        if lowered in ("tcp", "udp"):
            services.append(Service(_PROTOCOLS[lowered], _ports(source_text), _ports(destination_text)))
            state_flags.append(False)
        elif lowered in ("tcpfin", "tcprst", "established"):
            # ACK (established), FIN or RST packets belong to a connection that already exists.
            services.append(Service(6, _ports(source_text), _ports(destination_text)))
            state_flags.append(True)
        elif lowered == "tcpsyn":
            services.append(Service(6, _ports(source_text), _ports(destination_text)))
            state_flags.append(False)
            unknown.append("tcpsyn")
        elif lowered.startswith("tcpflag"):
            services.append(Service(6, _ports(source_text), _ports(destination_text)))
            value, mask = _tcp_flags(lowered)
            must_set = value & mask
            state_flags.append(bool(must_set & (_TCP_ACK | _TCP_RST | _TCP_FIN)))
            if not state_flags[-1]:
                unknown.append(item)
        elif lowered in ("icmp", "icmp-error", "icmp-info"):
            if lowered == "icmp":
                icmp_type = None if source_text == "*" else _port(source_text)
                if icmp_type is not None and icmp_type > 255:
                    raise TokenError("ICMP type above 255")
                icmp_code = None if destination_text == "*" or icmp_type is None else _port(destination_text)
                services.append(Service(1, icmp_type=icmp_type, icmp_code=icmp_code))
                state_flags.append(False)
            else:
                types = _ICMP_ERROR_TYPES if lowered == "icmp-error" else _ICMP_INFO_TYPES
                services.extend(Service(1, icmp_type=icmp_type) for icmp_type in types)
                state_flags.extend(False for _ in types)
        elif lowered in _PROTOCOLS:
            services.append(Service(_PROTOCOLS[lowered]))
            state_flags.append(False)
        elif lowered.isdigit() and int(lowered) <= 255:
            number = int(lowered)
            ports = (_ports(source_text), _ports(destination_text)) if number in (6, 17) else ((), ())
            services.append(Service(number, ports[0], ports[1]))
            state_flags.append(False)
        else:
            raise TokenError(f"unknown protocol {item[:20]!r}")
    # The whole rule is state-only only when every protocol in the list is.
    return services, bool(state_flags) and all(state_flags), unknown


def _tcp_flags(text: str) -> tuple[int, int]:
    # tcpflag=0x0002/0x0002 (value/mask) or tcpflag!=... ; "!=" negates and is not modelled.
    match = re.fullmatch(r"tcpflag=(0x[0-9a-f]+|\d+)(?:/(0x[0-9a-f]+|\d+))?", text)
    if match is None:
        raise TokenError(f"unknown tcpflag {text[:30]!r}")
    value = int(match.group(1), 0)
    mask = int(match.group(2), 0) if match.group(2) else value
    return value, mask
