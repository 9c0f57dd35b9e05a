"""Read Cisco ACL entries (permit/deny lines) for the IOS and ASA parsers.

Syntax follows the Cisco IOS Security Command Reference ("ip access-list", "object-group network",
"object-group service") and the Cisco ASA Command Reference ("access-list extended", "object",
"object-group"). Addresses are IOS wildcard masks or ASA netmasks depending on ``style``.
Non-contiguous IOS wildcard masks are kept as (address, wildcard) pairs, never approximated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

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
from mamori.netcheck.vendors._cisco_names import PROTOCOLS
from mamori.netcheck.vendors._cisco_objects import (
    PORT_OPERATORS,
    TCP,
    UDP,
    CiscoObjects,
    Definition,
    NetSet,
    ServiceSet,
    Style,
    UnknownPortError,
    address_int,
    icmp_type,
    mask_range,
    port_spec,
    prefix_range,
)
from mamori.netcheck.vendors._tokens import TokenError, ipv4_to_int, wildcard_to_prefix

__all__ = [
    "AclEntry",
    "CiscoObjects",
    "Definition",
    "Style",
    "parse_acl_entry",
]


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


def _wildcard_net(address_text: str, wildcard_text: str) -> NetSet:
    address = ipv4_to_int(address_text)
    wildcard = ipv4_to_int(wildcard_text)
    prefix = wildcard_to_prefix(wildcard)
    if prefix is None:
        return NetSet(wildcards=[Wildcard(address & ~wildcard & IPV4_MAX, wildcard)])
    first = address & ~wildcard & IPV4_MAX
    return NetSet(ranges=[AddressRange(first, first | wildcard, 4)])


def _looks_like_address(word: str) -> bool:
    return word.count(".") == 3 or ":" in word


def _read_address(
    words: list[str], objects: CiscoObjects, style: Style, version: int
) -> tuple[NetSet, list[str]]:
    """Read one address operand at the start of ``words``; return it and the remaining words."""
    if not words:
        raise TokenError("アドレスがありません")
    head = words[0].lower()
    rest = words[1:]
    if head == "any":
        if style == "asa":
            return NetSet(ranges=[AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6)]), rest
        if version == 6:
            return NetSet(ranges=[AddressRange(0, IPV6_MAX, 6)]), rest
        return NetSet(ranges=[AddressRange(0, IPV4_MAX, 4)]), rest
    if head == "any4":
        return NetSet(ranges=[AddressRange(0, IPV4_MAX, 4)]), rest
    if head == "any6":
        return NetSet(ranges=[AddressRange(0, IPV6_MAX, 6)]), rest
    if head == "host" and rest:
        value, family = address_int(rest[0], objects.names)
        return NetSet(ranges=[AddressRange(value, value, family)]), rest[1:]
    if head in ("object", "object-group", "net-group", "addrgroup") and rest:
        if head == "object" and not objects.defined("object network", rest[0]):
            return NetSet(unknown=[rest[0]]), rest[1:]
        return objects.network(rest[0]), rest[1:]
    if head == "interface" and rest:
        # The device's own address on that interface: not in the ACL, named as unknown.
        return NetSet(unknown=[f"interface {rest[0]}"]), rest[1:]
    if "/" in head:
        return NetSet(ranges=[prefix_range(words[0])]), rest
    if style == "asa" and words[0] in objects.names and (not rest or not _looks_like_address(rest[0])):
        value, family = address_int(words[0], objects.names)
        return NetSet(ranges=[AddressRange(value, value, family)]), rest
    if rest and _looks_like_address(rest[0]) and "." in words[0]:
        if style == "asa":
            return NetSet(ranges=[mask_range(words[0], rest[0], objects.names)]), rest[1:]
        return _wildcard_net(words[0], rest[0]), rest[1:]
    if style == "asa" and words[0] in objects.names and rest:
        return NetSet(ranges=[mask_range(words[0], rest[0], objects.names)]), rest[1:]
    raise TokenError(f"アドレスではありません「{words[0][:40]}」")


def parse_acl_entry(
    words: list[str], objects: CiscoObjects, style: Style, *, standard: bool = False, version: int = 4
) -> AclEntry:
    """Parse ``permit|deny ...`` (without sequence number or ACL name) into an :class:`AclEntry`."""
    if not words:
        raise TokenError("permit / deny がありません")
    action = words[0].lower()
    if action not in ("permit", "deny"):
        raise TokenError(f"permit / deny ではありません「{words[0][:20]}」")
    rest = words[1:]
    unknown: list[str] = []
    if standard:
        if not rest:
            raise TokenError("アドレスがありません")
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
        raise TokenError("プロトコルがありません")
    protocol_word = rest[0].lower()
    rest = rest[1:]
    service_unknown: list[str] = []
    group_services: ServiceSet | None = None
    protocol: int | None
    protocols: list[int | None]
    if protocol_word in ("object", "object-group") and rest:
        group_services = objects.service_reference(rest[0])
        rest = rest[1:]
        protocols = []
        protocol = None
    elif protocol_word == "tcp-udp":
        protocols = [TCP, UDP]
        protocol = TCP
    elif protocol_word in PROTOCOLS:
        protocol = PROTOCOLS[protocol_word]
        if protocol_word in ("ipv6",) and version == 4 and style == "ios":
            protocol = 41
        protocols = [protocol]
    elif protocol_word.isdigit() and int(protocol_word) <= 255:
        protocol = int(protocol_word) or None
        protocols = [protocol]
    else:
        raise TokenError(f"不明なプロトコル「{protocol_word[:20]}」")
    ported = [number for number in protocols if number in (TCP, UDP, 132)]
    port_protocol = ported[0] if ported else (protocol or TCP)

    # Unknown port names or ICMP types constrain the whole service: such an entry's service becomes
    # unknown as a whole, so a deny removes nothing and a permit opens anything of that protocol.
    constraint_unknown: list[str] = []
    source, rest = _read_address(rest, objects, style, version)
    src_ports, rest = _read_ports(
        rest, objects, port_protocol, constraint_unknown, allow=bool(ported) or group_services is not None
    )
    destination, rest = _read_address(rest, objects, style, version)
    dst_ports, rest = _read_ports(
        rest, objects, port_protocol, constraint_unknown, allow=bool(ported) or group_services is not None
    )

    services: list[Service] = []
    if group_services is not None:
        services = list(group_services.services)
        service_unknown.extend(group_services.unknown)
        if src_ports or dst_ports:
            # A protocol group followed by ports: apply the ports to its port-carrying protocols.
            services = [
                Service(s.protocol, tuple(src_ports), tuple(dst_ports))
                if s.protocol in (TCP, UDP, 132)
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
            constraint_unknown.append(rest[1])
            rest = rest[2:]
        elif rest[0].lower() not in _NOT_ICMP_TYPES:
            icmp = icmp_type(rest)
            if icmp is None:
                constraint_unknown.append(f"icmp {rest[0][:20]}")
                rest = rest[1:]
            else:
                services = [Service(protocol, icmp_type=icmp[0], icmp_code=icmp[1])]
                rest = rest[2:] if icmp[1] is not None and len(rest) > 1 and rest[1].isdigit() else rest[1:]
        else:
            services = [Service(protocol)]
    if constraint_unknown:
        services = []
        service_unknown.extend(constraint_unknown)
    elif not services and group_services is None:
        services = [Service(number, tuple(src_ports), tuple(dst_ports)) for number in protocols]
    state_only = False
    inactive = False
    remaining: list[str] = []
    for word in _options(rest, unknown, port_protocol if ported else None):
        lowered = word.lower()
        if lowered == "established" and (TCP in protocols or group_services is not None):
            state_only = True
        elif lowered == "inactive":
            inactive = True
        else:
            remaining.append(word)
    if remaining:
        raise TokenError(f"解釈できない語句「{' '.join(remaining)[:40]}」")
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
    if head in PORT_OPERATORS:
        try:
            return port_spec(words, protocol)
        except UnknownPortError as error:
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
        elif lowered == "reflect" and index + 1 < len(words):
            # A reflexive ACL entry permits as written and also lets the replies back in later.
            index += 2
            if index + 1 < len(words) and words[index].lower() == "timeout" and words[index + 1].isdigit():
                index += 2
        elif lowered in ("ack", "rst") and tcp == TCP:
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
