"""Hold Cisco object / object-group definitions and names and resolve them; read ports and addresses.

Shared by the IOS and ASA parsers (Cisco IOS Security Command Reference "object-group network|service";
Cisco ASA Command Reference "object", "object-group", "name").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.ir import IPV4_MAX, IPV6_MAX, AddressMatch, AddressRange, PortRange, Service, Wildcard
from mamori.netcheck.limits import MAX_SET_MEMBERS
from mamori.netcheck.vendors._cisco_names import ICMP_TYPES, PROTOCOLS, TCP_PORTS, UDP_PORTS
from mamori.netcheck.vendors._tokens import Line, TokenError, ipv4_to_int, mask_to_prefix

__all__ = [
    "PORT_OPERATORS",
    "TCP",
    "UDP",
    "CiscoObjects",
    "Definition",
    "NetSet",
    "PortSet",
    "ServiceSet",
    "Style",
    "UnknownPortError",
    "address_int",
    "icmp_type",
    "mask_range",
    "port_spec",
    "prefix_range",
]

# Address notation: IOS ACLs use wildcard masks, ASA ACLs netmasks.
Style = Literal["ios", "asa"]

TCP: Final = 6
UDP: Final = 17
PORT_OPERATORS: Final = frozenset({"eq", "neq", "lt", "gt", "range"})
_MAX_DEPTH: Final = 16


@dataclass(slots=True)
class NetSet:
    """Addresses of a resolved reference, plus names that could not be resolved."""

    ranges: list[AddressRange] = field(default_factory=list)
    wildcards: list[Wildcard] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, other: NetSet) -> None:
        # Duplicates are dropped so nested groups that share members cannot grow exponentially.
        self.ranges[:] = dict.fromkeys([*self.ranges, *other.ranges])
        self.wildcards[:] = dict.fromkeys([*self.wildcards, *other.wildcards])
        self.unknown.extend(name for name in other.unknown if name not in self.unknown)
        if len(self.ranges) + len(self.wildcards) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"アドレス集合の要素数 {MAX_SET_MEMBERS}")

    def match(self) -> AddressMatch:
        return AddressMatch(tuple(self.ranges), tuple(self.wildcards), False, tuple(self.unknown))


@dataclass(slots=True)
class ServiceSet:
    """Services of a resolved reference, plus names that could not be resolved."""

    services: list[Service] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, other: ServiceSet) -> None:
        self.services[:] = dict.fromkeys([*self.services, *other.services])
        self.unknown.extend(name for name in other.unknown if name not in self.unknown)
        if len(self.services) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"サービス集合の要素数 {MAX_SET_MEMBERS}")


@dataclass(slots=True)
class PortSet:
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


class CiscoObjects:
    """Hold object / object-group definitions and names; resolve references to IR matches."""

    def __init__(self, style: Style, report: Callable[[Line, str], None]) -> None:
        self.style = style
        self.report = report
        self.definitions: dict[tuple[str, str], Definition] = {}
        self.names: dict[str, str] = {}
        self.interfaces: set[str] = set()
        self._net_cache: dict[tuple[str, str], NetSet] = {}
        self._svc_cache: dict[tuple[str, str], ServiceSet] = {}

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
                self.port_group(name, TCP)
            elif kind == "object-group icmp-type":
                self.icmp_group(name)

    # Addresses -----------------------------------------------------------------------------------

    def network(self, name: str, *, depth: int = 0) -> NetSet:
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
                return NetSet(unknown=[name])
            self._net_cache[key] = NetSet(unknown=[name])
            result = self._network_members(definition, depth)
            self._net_cache[key] = result
            return result
        return NetSet(unknown=[name])

    def _network_members(self, definition: Definition, depth: int) -> NetSet:
        result = NetSet()
        for line, words in definition.members:
            try:
                result.add(self._network_member(definition, words, depth))
            except TokenError as error:
                self.report(
                    line, f"{definition.kind} {definition.name[:40]} の要素を解釈できません（{error}）"
                )
        return result

    def _network_member(self, definition: Definition, words: list[str], depth: int) -> NetSet:
        head = words[0].lower()
        if head == "network-object":
            words = words[1:]
            if not words:
                raise TokenError("network-object の中身がありません")
            head = words[0].lower()
        if head == "description" or head == "nat":
            return NetSet()
        if head in ("group-object", "object") and len(words) == 2:
            return self.network(words[1], depth=depth + 1)
        if head == "fqdn":
            return NetSet(unknown=[f"{definition.name} (fqdn {' '.join(words[1:])[:60]})"])
        if head == "range" and len(words) == 3:
            first, last = address_int(words[1], self.names), address_int(words[2], self.names)
            if first[1] != last[1] or first[0] > last[0]:
                raise TokenError("範囲の指定が不正です")
            return NetSet(ranges=[AddressRange(first[0], last[0], first[1])])
        if head == "any" and len(words) == 1:
            return NetSet(ranges=[AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6)])
        if head == "host" and len(words) == 2:
            value, version = address_int(words[1], self.names)
            return NetSet(ranges=[AddressRange(value, value, version)])
        if head == "subnet" and len(words) in (2, 3):
            words = words[1:]
        if len(words) == 1 and "/" in words[0]:
            return NetSet(ranges=[prefix_range(words[0])])
        if len(words) == 1:
            value, version = address_int(words[0], self.names)
            return NetSet(ranges=[AddressRange(value, value, version)])
        if len(words) == 2 and words[1].startswith("/"):
            return NetSet(ranges=[prefix_range(words[0] + words[1])])
        if len(words) == 2:
            # Object and object-group members use netmasks on both IOS and ASA.
            return NetSet(ranges=[mask_range(words[0], words[1], self.names)])
        raise TokenError(f"不明な要素「{' '.join(words)[:40]}」")

    # Services ------------------------------------------------------------------------------------

    def service_reference(self, name: str, *, depth: int = 0) -> ServiceSet:
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
                return ServiceSet(unknown=[name])
            self._svc_cache[key] = ServiceSet(unknown=[name])
            result = ServiceSet()
            for line, words in definition.members:
                try:
                    result.add(self._service_member(definition, words, depth))
                except TokenError as error:
                    self.report(
                        line, f"{definition.kind} {definition.name[:40]} の要素を解釈できません（{error}）"
                    )
            self._svc_cache[key] = result
            return result
        return ServiceSet(unknown=[name])

    def is_port_group(self, name: str) -> bool:
        """Return whether ``name`` is a port-only group (ASA ``object-group service NAME tcp``, XR port)."""
        definition = self.definitions.get(("object-group service", name))
        if definition is not None:
            return definition.protocol is not None
        return ("object-group port", name) in self.definitions

    def port_group(self, name: str, protocol: int, *, depth: int = 0) -> PortSet:
        """Resolve a port-only group to port ranges for ``protocol``."""
        definition = self.definitions.get(("object-group service", name)) or self.definitions.get(
            ("object-group port", name)
        )
        if definition is None or depth > _MAX_DEPTH:
            return PortSet(unknown=[name])
        result = PortSet()
        for line, words in definition.members:
            head = words[0].lower()
            try:
                if head == "description":
                    continue
                if head == "group-object" and len(words) == 2:
                    nested = self.port_group(words[1], protocol, depth=depth + 1)
                    result.ranges[:] = dict.fromkeys([*result.ranges, *nested.ranges])
                    result.unknown.extend(name for name in nested.unknown if name not in result.unknown)
                    continue
                if head == "port-object":
                    words = words[1:]
                ports, rest = port_spec(words, protocol)
                if rest:
                    raise TokenError("余分な語句があります")
                result.ranges.extend(ports)
            except TokenError as error:
                self.report(line, f"ポートグループ {name[:40]} の要素を解釈できません（{error}）")
        return result

    def _service_member(self, definition: Definition, words: list[str], depth: int) -> ServiceSet:
        head = words[0].lower()
        if head == "description":
            return ServiceSet()
        if head == "group-object" and len(words) == 2:
            if definition.protocol is not None:
                return self._port_group_services(words[1], definition.protocol, depth)
            return self.service_reference(words[1], depth=depth + 1)
        if head == "protocol-object" and len(words) == 2:
            return ServiceSet(services=_protocol_services(words[1]))
        if head == "port-object":
            if definition.protocol is None:
                raise TokenError("port-object には object-group 行の tcp / udp / tcp-udp 指定が必要です")
            return self._ports_to_services(definition.protocol, words[1:])
        if head in ("service-object", "service"):
            words = words[1:]
            if not words:
                raise TokenError("service の中身がありません")
            if words[0].lower() == "object" and len(words) == 2:
                return self.service_reference(words[1], depth=depth + 1)
            head = words[0].lower()
        if definition.kind == "object-group port":
            return self._ports_to_services("tcp-udp", words)
        # "<protocol> [source OP ...] [destination OP ...]" or "<protocol> OP ..." or icmp TYPE.
        return _service_words(words)

    def _port_group_services(self, name: str, protocol: str, depth: int) -> ServiceSet:
        definition = self.definitions.get(("object-group service", name))
        if definition is None:
            return ServiceSet(unknown=[name])
        return (
            self.service_reference(name, depth=depth + 1)
            if definition.protocol is None
            else ServiceSet(
                services=[
                    service
                    for number in _protocol_numbers(protocol)
                    for service in (
                        Service(number, (), tuple(self.port_group(name, number, depth=depth + 1).ranges)),
                    )
                ]
            )
        )

    def _ports_to_services(self, protocol: str, words: list[str]) -> ServiceSet:
        services = []
        for number in _protocol_numbers(protocol):
            ports, rest = port_spec(words, number)
            if rest:
                raise TokenError("余分な語句があります")
            services.append(Service(number, (), tuple(ports)))
        return ServiceSet(services=services)

    def icmp_group(self, name: str) -> ServiceSet | None:
        definition = self.definitions.get(("object-group icmp-type", name))
        if definition is None:
            return None
        result = ServiceSet()
        for line, words in definition.members:
            if words[0].lower() == "icmp-object" and len(words) == 2:
                icmp = icmp_type(words[1:])
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
        return [TCP, UDP]
    if lowered in ("tcp", "udp", "sctp"):
        number = PROTOCOLS[lowered]
        assert number is not None
        return [number]
    raise TokenError(f"ポート指定は tcp / udp のみ有効です（{protocol[:20]}）")


def _protocol_services(word: str) -> list[Service]:
    lowered = word.lower()
    if lowered == "tcp-udp":
        return [Service(TCP), Service(UDP)]
    if lowered in PROTOCOLS:
        return [Service(PROTOCOLS[lowered])]
    if lowered.isdigit() and int(lowered) <= 255:
        return [Service(int(lowered) or None)]
    raise TokenError(f"不明なプロトコル「{word[:20]}」")


def _service_words(words: list[str]) -> ServiceSet:
    protocol = words[0].lower()
    rest = words[1:]
    if protocol in ("icmp", "icmp6", "icmpv6"):
        number = 1 if protocol == "icmp" else 58
        if not rest:
            return ServiceSet(services=[Service(number)])
        icmp = icmp_type(rest)
        if icmp is None:
            raise TokenError(f"不明な ICMP タイプ「{' '.join(rest)[:20]}」")
        return ServiceSet(services=[Service(number, icmp_type=icmp[0], icmp_code=icmp[1])])
    if not rest:
        return ServiceSet(services=_protocol_services(protocol))
    services = []
    for number in _protocol_numbers(protocol):
        src: list[PortRange] = []
        dst: list[PortRange] = []
        remaining = rest
        if remaining and remaining[0].lower() == "source":
            src, remaining = port_spec(remaining[1:], number)
        if remaining and remaining[0].lower() == "destination":
            remaining = remaining[1:]
        if remaining:
            # IOS object-group service allows a bare port number for "eq".
            if remaining[0].isdigit():
                remaining = ["eq", *remaining]
            dst, remaining = port_spec(remaining, number)
        if remaining:
            raise TokenError(f"余分な語句「{' '.join(remaining)[:30]}」")
        services.append(Service(number, tuple(src), tuple(dst)))
    return ServiceSet(services=services)


def icmp_type(words: Sequence[str]) -> tuple[int, int | None] | None:
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
        if int(lowered) > 65535:
            raise TokenError(f"ポート番号が範囲外です「{word[:10]}」")
        return int(lowered)
    names = TCP_PORTS if protocol == TCP else UDP_PORTS if protocol == UDP else {}
    value = names.get(lowered)
    if value is None and protocol not in (TCP, UDP):
        value = TCP_PORTS.get(lowered, UDP_PORTS.get(lowered))
    if value is None:
        raise UnknownPortError(word)
    return value


class UnknownPortError(TokenError):
    """A port name this parser does not know; the entry keeps it as an unknown match."""

    def __init__(self, name: str) -> None:
        super().__init__(f"不明なポート名「{name[:20]}」")
        self.name = name


def port_spec(words: Sequence[str], protocol: int) -> tuple[list[PortRange], list[str]]:
    """Read ``eq P [P...] | neq P | lt P | gt P | range A B`` at the start of ``words``."""
    if not words or words[0].lower() not in PORT_OPERATORS:
        return [], list(words)
    operator = words[0].lower()
    if operator == "range":
        if len(words) < 3:
            raise TokenError("range にはポートが二つ必要です")
        low, high = _port_number(words[1], protocol), _port_number(words[2], protocol)
        if low > high:
            raise TokenError("range の下限が上限より大きいです")
        return [PortRange(low, high)], list(words[3:])
    if len(words) < 2:
        raise TokenError(f"{operator} にポートがありません")
    value = _port_number(words[1], protocol)
    rest = list(words[2:])
    if operator == "eq":
        ports = [PortRange(value, value)]
        # IOS-XE and EOS accept several ports after eq: keep reading port numbers and names.
        while rest and not _is_keyword(rest[0]):
            try:
                extra = _port_number(rest[0], protocol)
            except UnknownPortError:
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
            raise TokenError("lt 0 はどのポートにも一致しません")
        return [PortRange(0, value - 1)], rest
    if value == 65535:
        raise TokenError("gt 65535 はどのポートにも一致しません")
    return [PortRange(value + 1, 65535)], rest


def _is_keyword(word: str) -> bool:
    return word.lower() in PORT_OPERATORS or word.lower() in {"log", "established", "any", "host"}


def address_int(text: str, names: dict[str, str]) -> tuple[int, int]:
    resolved = names.get(text, text)
    if ":" not in resolved:
        return ipv4_to_int(resolved), 4
    try:
        address = ipaddress.ip_address(resolved)
    except ValueError as error:
        raise TokenError(f"アドレスではありません「{text[:40]}」") from error
    return int(address), address.version


def prefix_range(text: str) -> AddressRange:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as error:
        raise TokenError(f"プレフィックスではありません「{text[:40]}」") from error
    return AddressRange(int(network[0]), int(network[-1]), network.version)


def mask_range(address_text: str, mask_text: str, names: dict[str, str]) -> AddressRange:
    address = ipv4_to_int(names.get(address_text, address_text))
    prefix = mask_to_prefix(mask_text)
    size = 1 << (32 - prefix)
    first = address & ~(size - 1) & IPV4_MAX
    return AddressRange(first, first + size - 1, 4)
