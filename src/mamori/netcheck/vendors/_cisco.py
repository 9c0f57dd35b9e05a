"""Read Cisco ACL entries and object definitions shared by the IOS and ASA parsers.

Syntax follows the Cisco IOS Security Command Reference ("ip access-list", "object-group network",
"object-group service") and the Cisco ASA Command Reference ("access-list extended", "object",
"object-group"). Addresses are IOS wildcard masks or ASA netmasks depending on ``style``.
Non-contiguous IOS wildcard masks are kept as (address, wildcard) pairs, never approximated.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.ir import (
    IPV4_MAX,
    IPV6_MAX,
    AddressMatch,
    AddressRange,
    PortRange,
    Service,
    ServiceMatch,
    Wildcard,
)
from mamori.netcheck.limits import MAX_SET_MEMBERS
from mamori.netcheck.vendors._tokens import Line, TokenError, mask_to_prefix, parse_ipv4, wildcard_to_prefix

__all__ = [
    "AclEntry",
    "CiscoObjects",
    "Definition",
    "Style",
    "parse_acl_entry",
]

Style = Literal["ios", "asa"]

# TCP and UDP port names from the IOS and ASA command references ("Port names"); ASA and IOS agree
# where both define a name.
TCP_PORTS: Final[dict[str, int]] = {
    "aol": 5190,
    "bgp": 179,
    "chargen": 19,
    "cifs": 3020,
    "citrix-ica": 1494,
    "cmd": 514,
    "ctiqbe": 2748,
    "daytime": 13,
    "discard": 9,
    "domain": 53,
    "drip": 3949,
    "echo": 7,
    "exec": 512,
    "finger": 79,
    "ftp": 21,
    "ftp-data": 20,
    "gopher": 70,
    "h323": 1720,
    "hostname": 101,
    "http": 80,
    "https": 443,
    "ident": 113,
    "imap4": 143,
    "irc": 194,
    "kerberos": 750,
    "klogin": 543,
    "kshell": 544,
    "ldap": 389,
    "ldaps": 636,
    "login": 513,
    "lotusnotes": 1352,
    "lpd": 515,
    "netbios-ssn": 139,
    "nfs": 2049,
    "nntp": 119,
    "onep-plain": 15001,
    "onep-tls": 15002,
    "pcanywhere-data": 5631,
    "pim-auto-rp": 496,
    "pop2": 109,
    "pop3": 110,
    "pptp": 1723,
    "rsh": 514,
    "rtsp": 554,
    "sip": 5060,
    "smtp": 25,
    "sqlnet": 1521,
    "ssh": 22,
    "sunrpc": 111,
    "tacacs": 49,
    "talk": 517,
    "telnet": 23,
    "time": 37,
    "uucp": 540,
    "whois": 43,
    "www": 80,
    "microsoft-ds": 445,
    "msrpc": 135,
    "winrm": 5985,
}
UDP_PORTS: Final[dict[str, int]] = {
    "biff": 512,
    "bootpc": 68,
    "bootps": 67,
    "cifs": 3020,
    "discard": 9,
    "dnsix": 195,
    "domain": 53,
    "echo": 7,
    "http": 80,
    "isakmp": 500,
    "kerberos": 750,
    "mobile-ip": 434,
    "nameserver": 42,
    "netbios-dgm": 138,
    "netbios-ns": 137,
    "netbios-ss": 139,
    "nfs": 2049,
    "non500-isakmp": 4500,
    "ntp": 123,
    "pcanywhere-status": 5632,
    "pim-auto-rp": 496,
    "radius": 1645,
    "radius-acct": 1646,
    "rip": 520,
    "secureid-udp": 5510,
    "sip": 5060,
    "snmp": 161,
    "snmptrap": 162,
    "sunrpc": 111,
    "syslog": 514,
    "tacacs": 49,
    "talk": 517,
    "tftp": 69,
    "time": 37,
    "vxlan": 4789,
    "who": 513,
    "www": 80,
    "xdmcp": 177,
    "bfd": 3784,
    "bfd-echo": 3785,
}
ICMP_TYPES: Final[dict[str, tuple[int, int | None]]] = {
    "echo-reply": (0, None),
    "unreachable": (3, None),
    "source-quench": (4, None),
    "redirect": (5, None),
    "alternate-address": (6, None),
    "echo": (8, None),
    "router-advertisement": (9, None),
    "router-solicitation": (10, None),
    "time-exceeded": (11, None),
    "ttl-exceeded": (11, 0),
    "parameter-problem": (12, None),
    "timestamp-request": (13, None),
    "timestamp-reply": (14, None),
    "information-request": (15, None),
    "information-reply": (16, None),
    "mask-request": (17, None),
    "mask-reply": (18, None),
    "traceroute": (30, None),
    "conversion-error": (31, None),
    "mobile-redirect": (32, None),
    "host-unreachable": (3, 1),
    "net-unreachable": (3, 0),
    "port-unreachable": (3, 3),
    "protocol-unreachable": (3, 2),
    "packet-too-big": (2, None),
    "administratively-prohibited": (3, 13),
}
PROTOCOLS: Final[dict[str, int | None]] = {
    "ip": None,
    "ipv4": 4,
    "ah": 51,
    "ahp": 51,
    "eigrp": 88,
    "esp": 50,
    "ipsec": 50,
    "gre": 47,
    "pptp": 47,
    "icmp": 1,
    "icmp6": 58,
    "icmpv6": 58,
    "igmp": 2,
    "igrp": 9,
    "ipinip": 4,
    "nos": 94,
    "ospf": 89,
    "pcp": 108,
    "pim": 103,
    "snp": 109,
    "sctp": 132,
    "tcp": 6,
    "udp": 17,
    "vrrp": 112,
    "nd": 77,
    "ipv6": None,
}
_TCP: Final = 6
_UDP: Final = 17
_PORT_OPERATORS: Final = frozenset({"eq", "neq", "lt", "gt", "range"})
_MAX_DEPTH: Final = 16
# Words that may follow an ICMP destination and are not an ICMP type.
_NOT_ICMP_TYPES: Final = frozenset(
    {
        "log",
        "log-input",
        "tracked",
        "inactive",
        "time-range",
        "dscp",
        "precedence",
        "tos",
        "ttl",
        "option",
        "fragments",
        "established",
    }
)


@dataclass(slots=True)
class _Net:
    """Addresses of a resolved reference, plus names that could not be resolved."""

    ranges: list[AddressRange] = field(default_factory=list)
    wildcards: list[Wildcard] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, other: _Net) -> None:
        self.ranges.extend(other.ranges)
        self.wildcards.extend(other.wildcards)
        self.unknown.extend(name for name in other.unknown if name not in self.unknown)
        if len(self.ranges) + len(self.wildcards) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"アドレス集合の要素数 {MAX_SET_MEMBERS}")

    def match(self) -> AddressMatch:
        return AddressMatch(tuple(self.ranges), tuple(self.wildcards), False, tuple(self.unknown))


@dataclass(slots=True)
class _Svc:
    """Services of a resolved reference, plus names that could not be resolved."""

    services: list[Service] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, other: _Svc) -> None:
        self.services.extend(other.services)
        self.unknown.extend(name for name in other.unknown if name not in self.unknown)
        if len(self.services) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"サービス集合の要素数 {MAX_SET_MEMBERS}")


@dataclass(slots=True)
class _Ports:
    ranges: list[PortRange] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Definition:
    """One named object or object-group: its kind, optional protocol hint, and member lines."""

    kind: str
    name: str
    line: Line
    protocol: str | None = None
    members: list[tuple[Line, list[str]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AclEntry:
    """One parsed permit/deny entry."""

    is_permit: bool
    source: AddressMatch
    destination: AddressMatch
    service: ServiceMatch
    state_only: bool
    inactive: bool
    ip_version: int | None
    unknown: tuple[str, ...]


class CiscoObjects:
    """Hold object / object-group definitions and names; resolve references to IR matches."""

    def __init__(self, style: Style, report: Callable[[Line, str], None]) -> None:
        self.style = style
        self.report = report
        self.definitions: dict[tuple[str, str], Definition] = {}
        self.names: dict[str, str] = {}
        self.interfaces: set[str] = set()
        self._net_cache: dict[tuple[str, str], _Net] = {}
        self._svc_cache: dict[tuple[str, str], _Svc] = {}

    def define(self, kind: str, name: str, line: Line, protocol: str | None = None) -> Definition:
        """Start (or continue) the definition of an object; return it to receive member lines."""
        key = (kind, name)
        found = self.definitions.get(key)
        if found is None:
            found = self.definitions[key] = Definition(kind, name, line, protocol)
        return found

    def defined(self, kind: str, name: str) -> bool:
        return (kind, name) in self.definitions

    def check_all(self) -> None:
        """Resolve every definition once so bad member lines are reported even when unused."""
        for definition in self.definitions.values():
            for line, words in definition.members:
                referenced = _referenced_name(words)
                if referenced is not None and not any(
                    (kind, referenced) in self.definitions for kind in _REFERENCE_KINDS
                ):
                    self.report(line, f"未定義のオブジェクト {referenced[:40]} を参照しています")
        for kind, name in list(self.definitions):
            if kind in ("object network", "object-group network"):
                self.network(name)
            elif kind in ("object service", "object-group service", "object-group protocol"):
                if kind == "object-group service" and self.is_port_group(name):
                    protocol = self.definitions[(kind, name)].protocol or "tcp"
                    for number in _protocol_numbers(protocol):
                        self.port_group(name, number)
                else:
                    self.service_reference(name)
            elif kind == "object-group port":
                self.port_group(name, _TCP)
            elif kind == "object-group icmp-type":
                self.icmp_group(name)

    # Addresses -----------------------------------------------------------------------------------

    def network(self, name: str, *, depth: int = 0) -> _Net:
        """Resolve an ``object network`` or ``object-group network`` name."""
        for kind in ("object network", "object-group network"):
            definition = self.definitions.get((kind, name))
            if definition is None:
                continue
            key = (kind, name)
            cached = self._net_cache.get(key)
            if cached is not None:
                return cached
            if depth > _MAX_DEPTH:
                return _Net(unknown=[name])
            self._net_cache[key] = _Net(unknown=[name])
            result = self._network_members(definition, depth)
            self._net_cache[key] = result
            return result
        return _Net(unknown=[name])

    def _network_members(self, definition: Definition, depth: int) -> _Net:
        result = _Net()
        for line, words in definition.members:
            try:
                result.add(self._network_member(definition, words, depth))
            except TokenError as error:
                self.report(
                    line, f"{definition.kind} {definition.name[:40]} の要素を解釈できません（{error}）"
                )
        return result

    def _network_member(self, definition: Definition, words: list[str], depth: int) -> _Net:
        head = words[0].lower()
        if head == "network-object":
            words = words[1:]
            if not words:
                raise TokenError("empty network-object")
            head = words[0].lower()
        if head == "description" or head == "nat":
            return _Net()
        if head in ("group-object", "object") and len(words) == 2:
            return self.network(words[1], depth=depth + 1)
        if head == "fqdn":
            return _Net(unknown=[f"{definition.name} (fqdn {' '.join(words[1:])[:60]})"])
        if head == "range" and len(words) == 3:
            first, last = _address_int(words[1], self.names), _address_int(words[2], self.names)
            if first[1] != last[1] or first[0] > last[0]:
                raise TokenError("bad range")
            return _Net(ranges=[AddressRange(first[0], last[0], first[1])])
        if head == "any" and len(words) == 1:
            return _Net(ranges=[AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6)])
        if head == "host" and len(words) == 2:
            value, version = _address_int(words[1], self.names)
            return _Net(ranges=[AddressRange(value, value, version)])
        if head == "subnet" and len(words) in (2, 3):
            words = words[1:]
        if len(words) == 1 and "/" in words[0]:
            return _Net(ranges=[_prefix_range(words[0])])
        if len(words) == 1:
            value, version = _address_int(words[0], self.names)
            return _Net(ranges=[AddressRange(value, value, version)])
        if len(words) == 2 and words[1].startswith("/"):
            return _Net(ranges=[_prefix_range(words[0] + words[1])])
        if len(words) == 2:
            # Object and object-group members use netmasks on both IOS and ASA.
            return _Net(ranges=[_mask_range(words[0], words[1], self.names)])
        raise TokenError(f"unknown member {' '.join(words)[:40]!r}")

    # Services ------------------------------------------------------------------------------------

    def service_reference(self, name: str, *, depth: int = 0) -> _Svc:
        """Resolve an ``object service`` / ``object-group service|protocol`` name to services."""
        for kind in ("object service", "object-group service", "object-group protocol"):
            definition = self.definitions.get((kind, name))
            if definition is None:
                continue
            key = (kind, name)
            cached = self._svc_cache.get(key)
            if cached is not None:
                return cached
            if depth > _MAX_DEPTH:
                return _Svc(unknown=[name])
            self._svc_cache[key] = _Svc(unknown=[name])
            result = _Svc()
            for line, words in definition.members:
                try:
                    result.add(self._service_member(definition, words, depth))
                except TokenError as error:
                    self.report(
                        line, f"{definition.kind} {definition.name[:40]} の要素を解釈できません（{error}）"
                    )
            self._svc_cache[key] = result
            return result
        return _Svc(unknown=[name])

    def is_port_group(self, name: str) -> bool:
        """Return whether ``name`` is a port-only group (ASA ``object-group service NAME tcp``, XR port)."""
        definition = self.definitions.get(("object-group service", name))
        if definition is not None:
            return definition.protocol is not None
        return ("object-group port", name) in self.definitions

    def port_group(self, name: str, protocol: int, *, depth: int = 0) -> _Ports:
        """Resolve a port-only group to port ranges for ``protocol``."""
        definition = self.definitions.get(("object-group service", name)) or self.definitions.get(
            ("object-group port", name)
        )
        if definition is None or depth > _MAX_DEPTH:
            return _Ports(unknown=[name])
        result = _Ports()
        for line, words in definition.members:
            head = words[0].lower()
            try:
                if head == "description":
                    continue
                if head == "group-object" and len(words) == 2:
                    nested = self.port_group(words[1], protocol, depth=depth + 1)
                    result.ranges.extend(nested.ranges)
                    result.unknown.extend(nested.unknown)
                    continue
                if head == "port-object":
                    words = words[1:]
                ports, rest = _port_spec(words, protocol)
                if rest:
                    raise TokenError("trailing words")
                result.ranges.extend(ports)
            except TokenError as error:
                self.report(line, f"ポートグループ {name[:40]} の要素を解釈できません（{error}）")
        return result

    def _service_member(self, definition: Definition, words: list[str], depth: int) -> _Svc:
        head = words[0].lower()
        if head == "description":
            return _Svc()
        if head == "group-object" and len(words) == 2:
            if definition.protocol is not None:
                return self._port_group_services(words[1], definition.protocol, depth)
            return self.service_reference(words[1], depth=depth + 1)
        if head == "protocol-object" and len(words) == 2:
            return _Svc(services=_protocol_services(words[1]))
        if head == "port-object":
            if definition.protocol is None:
                raise TokenError("port-object needs tcp, udp or tcp-udp in the object-group line")
            return self._ports_to_services(definition.protocol, words[1:])
        if head in ("service-object", "service"):
            words = words[1:]
            if not words:
                raise TokenError("empty service")
            if words[0].lower() == "object" and len(words) == 2:
                return self.service_reference(words[1], depth=depth + 1)
            head = words[0].lower()
        if definition.kind == "object-group port":
            return self._ports_to_services("tcp-udp", words)
        # "<protocol> [source OP ...] [destination OP ...]" or "<protocol> OP ..." or icmp TYPE.
        return _service_words(words)

    def _port_group_services(self, name: str, protocol: str, depth: int) -> _Svc:
        definition = self.definitions.get(("object-group service", name))
        if definition is None:
            return _Svc(unknown=[name])
        return (
            self.service_reference(name, depth=depth + 1)
            if definition.protocol is None
            else _Svc(
                services=[
                    service
                    for number in _protocol_numbers(protocol)
                    for service in (
                        Service(number, (), tuple(self.port_group(name, number, depth=depth + 1).ranges)),
                    )
                ]
            )
        )

    def _ports_to_services(self, protocol: str, words: list[str]) -> _Svc:
        services = []
        for number in _protocol_numbers(protocol):
            ports, rest = _port_spec(words, number)
            if rest:
                raise TokenError("trailing words")
            services.append(Service(number, (), tuple(ports)))
        return _Svc(services=services)

    def icmp_group(self, name: str) -> _Svc | None:
        definition = self.definitions.get(("object-group icmp-type", name))
        if definition is None:
            return None
        result = _Svc()
        for line, words in definition.members:
            if words[0].lower() == "icmp-object" and len(words) == 2:
                icmp = _icmp_type(words[1:])
                if icmp is None:
                    self.report(line, f"ICMPタイプ {words[1][:20]} を解釈できません")
                    result.unknown.append(f"{name} ({words[1][:20]})")
                else:
                    result.services.append(Service(1, icmp_type=icmp[0], icmp_code=icmp[1]))
            elif words[0].lower() != "description":
                self.report(line, f"object-group icmp-type {name[:40]} の要素を解釈できません")
        return result


_REFERENCE_KINDS: Final = (
    "object network",
    "object service",
    "object-group network",
    "object-group service",
    "object-group protocol",
    "object-group icmp-type",
    "object-group port",
)


def _referenced_name(words: list[str]) -> str | None:
    lowered = [word.lower() for word in words]
    if lowered[0] == "group-object" and len(words) == 2:
        return words[1]
    if lowered[0] in ("network-object", "service-object") and len(words) == 3 and lowered[1] == "object":
        return words[2]
    return None


def _protocol_numbers(protocol: str) -> list[int]:
    lowered = protocol.lower()
    if lowered == "tcp-udp":
        return [_TCP, _UDP]
    if lowered in ("tcp", "udp", "sctp"):
        number = PROTOCOLS[lowered]
        assert number is not None
        return [number]
    raise TokenError(f"ports need tcp or udp, not {protocol[:20]!r}")


def _protocol_services(word: str) -> list[Service]:
    lowered = word.lower()
    if lowered == "tcp-udp":
        return [Service(_TCP), Service(_UDP)]
    if lowered in PROTOCOLS:
        return [Service(PROTOCOLS[lowered])]
    if lowered.isdigit() and int(lowered) <= 255:
        return [Service(int(lowered) or None)]
    raise TokenError(f"unknown protocol {word[:20]!r}")


def _service_words(words: list[str]) -> _Svc:
    protocol = words[0].lower()
    rest = words[1:]
    if protocol in ("icmp", "icmp6", "icmpv6"):
        number = 1 if protocol == "icmp" else 58
        if not rest:
            return _Svc(services=[Service(number)])
        icmp = _icmp_type(rest)
        if icmp is None:
            raise TokenError(f"unknown ICMP type {' '.join(rest)[:20]!r}")
        return _Svc(services=[Service(number, icmp_type=icmp[0], icmp_code=icmp[1])])
    if not rest:
        return _Svc(services=_protocol_services(protocol))
    services = []
    for number in _protocol_numbers(protocol):
        src: list[PortRange] = []
        dst: list[PortRange] = []
        remaining = rest
        if remaining and remaining[0].lower() == "source":
            src, remaining = _port_spec(remaining[1:], number)
        if remaining and remaining[0].lower() == "destination":
            remaining = remaining[1:]
        if remaining:
            # IOS object-group service allows a bare port number for "eq".
            if remaining[0].isdigit():
                remaining = ["eq", *remaining]
            dst, remaining = _port_spec(remaining, number)
        if remaining:
            raise TokenError(f"trailing words {' '.join(remaining)[:30]!r}")
        services.append(Service(number, tuple(src), tuple(dst)))
    return _Svc(services=services)


def _icmp_type(words: Sequence[str]) -> tuple[int, int | None] | None:
    first = words[0].lower()
    if first.isdigit() and int(first) <= 255:
        code = None
        if len(words) > 1 and words[1].isdigit() and int(words[1]) <= 255:
            code = int(words[1])
        return int(first), code
    return ICMP_TYPES.get(first)


def _port_number(word: str, protocol: int) -> int:
    lowered = word.lower()
    if lowered.isdigit():
        value = int(lowered)
        if value > 65535:
            raise TokenError(f"port out of range {word[:10]!r}")
        return value
    names = TCP_PORTS if protocol == _TCP else UDP_PORTS if protocol == _UDP else {}
    value = names.get(lowered)
    if value is None and protocol not in (_TCP, _UDP):
        value = TCP_PORTS.get(lowered, UDP_PORTS.get(lowered))
    if value is None:
        raise _UnknownPortError(word)
    return value


class _UnknownPortError(TokenError):
    """A port name this parser does not know; the entry keeps it as an unknown match."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown port name {name[:20]!r}")
        self.name = name


def _port_spec(words: Sequence[str], protocol: int) -> tuple[list[PortRange], list[str]]:
    """Read ``eq P [P...] | neq P | lt P | gt P | range A B`` at the start of ``words``."""
    if not words or words[0].lower() not in _PORT_OPERATORS:
        return [], list(words)
    operator = words[0].lower()
    if operator == "range":
        if len(words) < 3:
            raise TokenError("range needs two ports")
        low, high = _port_number(words[1], protocol), _port_number(words[2], protocol)
        if low > high:
            raise TokenError("range low above high")
        return [PortRange(low, high)], list(words[3:])
    if len(words) < 2:
        raise TokenError(f"{operator} needs a port")
    value = _port_number(words[1], protocol)
    rest = list(words[2:])
    if operator == "eq":
        ports = [PortRange(value, value)]
        # IOS-XE and EOS accept several ports after eq: keep reading port numbers and names.
        while rest and not _is_keyword(rest[0]):
            try:
                extra = _port_number(rest[0], protocol)
            except _UnknownPortError:
                break
            ports.append(PortRange(extra, extra))
            rest = rest[1:]
        return ports, rest
    if operator == "neq":
        ports = []
        if value > 0:
            ports.append(PortRange(0, value - 1))
        if value < 65535:
            ports.append(PortRange(value + 1, 65535))
        return ports, rest
    if operator == "lt":
        if value == 0:
            raise TokenError("lt 0 matches nothing")
        return [PortRange(0, value - 1)], rest
    if value == 65535:
        raise TokenError("gt 65535 matches nothing")
    return [PortRange(value + 1, 65535)], rest


def _is_keyword(word: str) -> bool:
    return word.lower() in _PORT_OPERATORS or word.lower() in {"log", "established", "any", "host"}


def _address_int(text: str, names: dict[str, str]) -> tuple[int, int]:
    resolved = names.get(text, text)
    try:
        address = ipaddress.ip_address(resolved)
    except ValueError as error:
        raise TokenError(f"not an address {text[:40]!r}") from error
    return int(address), address.version


def _prefix_range(text: str) -> AddressRange:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as error:
        raise TokenError(f"not a prefix {text[:40]!r}") from error
    return AddressRange(int(network[0]), int(network[-1]), network.version)


def _mask_range(address_text: str, mask_text: str, names: dict[str, str]) -> AddressRange:
    address = int(parse_ipv4(names.get(address_text, address_text)))
    prefix = mask_to_prefix(mask_text)
    size = 1 << (32 - prefix)
    first = address & ~(size - 1) & IPV4_MAX
    return AddressRange(first, first + size - 1, 4)


def _wildcard_net(address_text: str, wildcard_text: str) -> _Net:
    address = int(parse_ipv4(address_text))
    wildcard = int(parse_ipv4(wildcard_text))
    prefix = wildcard_to_prefix(wildcard)
    if prefix is None:
        return _Net(wildcards=[Wildcard(address & ~wildcard & IPV4_MAX, wildcard)])
    first = address & ~wildcard & IPV4_MAX
    return _Net(ranges=[AddressRange(first, first | wildcard, 4)])


def _looks_like_address(word: str) -> bool:
    return word.count(".") == 3 or ":" in word


def _read_address(
    words: list[str], objects: CiscoObjects, style: Style, version: int
) -> tuple[_Net, list[str]]:
    """Read one address operand at the start of ``words``; return it and the remaining words."""
    if not words:
        raise TokenError("address missing")
    head = words[0].lower()
    rest = words[1:]
    if head == "any":
        if style == "asa":
            return _Net(ranges=[AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6)]), rest
        if version == 6:
            return _Net(ranges=[AddressRange(0, IPV6_MAX, 6)]), rest
        return _Net(ranges=[AddressRange(0, IPV4_MAX, 4)]), rest
    if head == "any4":
        return _Net(ranges=[AddressRange(0, IPV4_MAX, 4)]), rest
    if head == "any6":
        return _Net(ranges=[AddressRange(0, IPV6_MAX, 6)]), rest
    if head == "host" and rest:
        value, family = _address_int(rest[0], objects.names)
        return _Net(ranges=[AddressRange(value, value, family)]), rest[1:]
    if head in ("object", "object-group", "net-group", "addrgroup") and rest:
        if head == "object" and not objects.defined("object network", rest[0]):
            return _Net(unknown=[rest[0]]), rest[1:]
        return objects.network(rest[0]), rest[1:]
    if head == "interface" and rest:
        # The device's own address on that interface: not in the ACL, named as unknown.
        return _Net(unknown=[f"interface {rest[0]}"]), rest[1:]
    if "/" in head:
        return _Net(ranges=[_prefix_range(words[0])]), rest
    if style == "asa" and words[0] in objects.names and (not rest or not _looks_like_address(rest[0])):
        value, family = _address_int(words[0], objects.names)
        return _Net(ranges=[AddressRange(value, value, family)]), rest
    if rest and _looks_like_address(rest[0]) and "." in words[0]:
        if style == "asa":
            return _Net(ranges=[_mask_range(words[0], rest[0], objects.names)]), rest[1:]
        return _wildcard_net(words[0], rest[0]), rest[1:]
    if style == "asa" and words[0] in objects.names and rest:
        return _Net(ranges=[_mask_range(words[0], rest[0], objects.names)]), rest[1:]
    raise TokenError(f"not an address {words[0][:40]!r}")


def parse_acl_entry(
    words: list[str], objects: CiscoObjects, style: Style, *, standard: bool = False, version: int = 4
) -> AclEntry:
    """Parse ``permit|deny ...`` (without sequence number or ACL name) into an :class:`AclEntry`."""
    action = words[0].lower()
    if action not in ("permit", "deny"):
        raise TokenError(f"not permit/deny: {words[0][:20]!r}")
    rest = words[1:]
    unknown: list[str] = []
    if standard:
        if not rest:
            raise TokenError("address missing")
        if (
            len(rest) >= 1
            and _looks_like_address(rest[0])
            and (len(rest) == 1 or not _looks_like_address(rest[1]))
        ):
            # "access-list 10 permit 10.1.1.1" means one host.
            source, rest = _read_address(["host", *rest], objects, style, version)
        else:
            source, rest = _read_address(rest, objects, style, version)
        rest = _options(rest, unknown, None)
        return AclEntry(
            action == "permit",
            source.match(),
            AddressMatch(
                ranges=(AddressRange(0, IPV4_MAX, 4),) if version == 4 else (AddressRange(0, IPV6_MAX, 6),)
            ),
            ServiceMatch(),
            False,
            "inactive" in rest,
            version,
            tuple(unknown),
        )
    if not rest:
        raise TokenError("protocol missing")
    protocol_word = rest[0].lower()
    rest = rest[1:]
    service_unknown: list[str] = []
    group_services: _Svc | None = None
    protocol: int | None
    protocols: list[int | None]
    if protocol_word in ("object", "object-group") and rest:
        group_services = objects.service_reference(rest[0])
        rest = rest[1:]
        protocols = []
        protocol = None
    elif protocol_word == "tcp-udp":
        protocols = [_TCP, _UDP]
        protocol = _TCP
    elif protocol_word in PROTOCOLS:
        protocol = PROTOCOLS[protocol_word]
        if protocol_word in ("ipv6",) and version == 4 and style == "ios":
            protocol = 41
        protocols = [protocol]
    elif protocol_word.isdigit() and int(protocol_word) <= 255:
        protocol = int(protocol_word) or None
        protocols = [protocol]
    else:
        raise TokenError(f"unknown protocol {protocol_word[:20]!r}")
    ported = [number for number in protocols if number in (_TCP, _UDP, 132)]
    port_protocol = ported[0] if ported else (protocol or _TCP)

    source, rest = _read_address(rest, objects, style, version)
    src_ports, rest = _read_ports(
        rest, objects, port_protocol, service_unknown, allow=bool(ported) or group_services is not None
    )
    destination, rest = _read_address(rest, objects, style, version)
    dst_ports, rest = _read_ports(
        rest, objects, port_protocol, service_unknown, allow=bool(ported) or group_services is not None
    )

    services: list[Service] = []
    if group_services is not None:
        services = list(group_services.services)
        service_unknown.extend(group_services.unknown)
        if src_ports or dst_ports:
            # A protocol group followed by ports: apply the ports to its port-carrying protocols.
            services = [
                Service(s.protocol, tuple(src_ports), tuple(dst_ports))
                if s.protocol in (_TCP, _UDP, 132)
                else s
                for s in services
            ]
    elif protocol in (1, 58) and rest:
        group_name = rest[1] if rest[0].lower() == "object-group" and len(rest) > 1 else rest[0]
        icmp_group = objects.icmp_group(group_name)
        if icmp_group is not None:
            services = list(icmp_group.services)
            service_unknown.extend(icmp_group.unknown)
            rest = rest[2:] if group_name is not rest[0] else rest[1:]
        elif rest[0].lower() == "object-group" and len(rest) > 1:
            service_unknown.append(rest[1])
            rest = rest[2:]
        elif rest[0].lower() not in _NOT_ICMP_TYPES:
            icmp = _icmp_type(rest)
            if icmp is None:
                service_unknown.append(f"icmp {rest[0][:20]}")
                rest = rest[1:]
            else:
                services = [Service(protocol, icmp_type=icmp[0], icmp_code=icmp[1])]
                rest = rest[2:] if icmp[1] is not None and len(rest) > 1 and rest[1].isdigit() else rest[1:]
        else:
            services = [Service(protocol)]
    if not services and group_services is None:
        services = [Service(number, tuple(src_ports), tuple(dst_ports)) for number in protocols]
    state_only = False
    inactive = False
    remaining: list[str] = []
    for word in _options(rest, unknown, port_protocol if ported else None):
        lowered = word.lower()
        if lowered == "established" and (_TCP in protocols or group_services is not None):
            state_only = True
        elif lowered == "inactive":
            inactive = True
        else:
            remaining.append(word)
    if remaining:
        raise TokenError(f"unexpected words {' '.join(remaining)[:40]!r}")
    return AclEntry(
        is_permit=action == "permit",
        source=source.match(),
        destination=destination.match(),
        service=ServiceMatch(tuple(services), False, tuple(dict.fromkeys(service_unknown))),
        state_only=state_only,
        inactive=inactive,
        ip_version=version if style == "ios" else None,
        unknown=tuple(unknown),
    )


def _read_ports(
    words: list[str], objects: CiscoObjects, protocol: int, unknown: list[str], *, allow: bool
) -> tuple[list[PortRange], list[str]]:
    if not words or not allow:
        return [], words
    head = words[0].lower()
    if head in ("object-group", "port-group") and len(words) >= 2 and objects.is_port_group(words[1]):
        ports = objects.port_group(words[1], protocol)
        unknown.extend(ports.unknown)
        return ports.ranges, words[2:]
    if head in _PORT_OPERATORS:
        try:
            return _port_spec(words, protocol)
        except _UnknownPortError as error:
            unknown.append(f"port {error.name[:20]}")
            skip = 3 if head == "range" else 2
            return [], words[skip:]
    return [], words


# Trailing options that restrict matching in ways the IR does not model: kept as unknown names.
_CONSTRAINING_OPTIONS: Final = {
    "time-range": 1,
    "dscp": 1,
    "precedence": 1,
    "tos": 1,
    "ttl": 2,
    "option": 1,
    "fragments": 0,
    "syn": 0,
    "fin": 0,
    "psh": 0,
    "urg": 0,
    "match-any": 0,
    "match-all": 0,
}


def _options(words: list[str], unknown: list[str], tcp: int | None) -> list[str]:
    """Consume log and constraining options; return words not understood (plus established/inactive)."""
    remaining: list[str] = []
    index = 0
    while index < len(words):
        lowered = words[index].lower()
        if lowered in ("log", "log-input"):
            index += 1
            # ASA: log [level] [interval secs] | log disable | log default
            while index < len(words) and (
                words[index].isdigit()
                or words[index].lower() in ("interval", "disable", "default")
                or words[index].lower()
                in (
                    "emergencies",
                    "alerts",
                    "critical",
                    "errors",
                    "warnings",
                    "notifications",
                    "informational",
                    "debugging",
                )
            ):
                index += 1
        elif lowered in ("tracked",):
            index += 1
        elif lowered in ("ack", "rst") and tcp == _TCP:
            # Packets with ACK or RST set cannot open a TCP connection (same as established).
            remaining.append("established")
            index += 1
        elif lowered in _CONSTRAINING_OPTIONS:
            count = _CONSTRAINING_OPTIONS[lowered]
            unknown.append(" ".join(words[index : index + 1 + count])[:60])
            index += 1 + count
        else:
            remaining.append(words[index])
            index += 1
    return remaining
