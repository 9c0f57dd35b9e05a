"""Resolve FortiOS address, address-group, service and zone names of one VDOM into IR matches."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.ir import IPV4_MAX, IPV6_MAX, AddressRange, NamedObject, PortRange, Service, Wildcard
from mamori.netcheck.limits import MAX_SET_MEMBERS
from mamori.netcheck.vendors._fortios_defaults import (
    PREDEFINED_ADDRESSES,
    PREDEFINED_ICMP,
    PREDEFINED_IP,
    PREDEFINED_SERVICES,
)
from mamori.netcheck.vendors._fortios_tables import Report, TableEntry, Value, Vdom, fold, single
from mamori.netcheck.vendors._tokens import TokenError, ipv4_to_int, mask_to_prefix

__all__ = ["SDWAN_MEMBERS", "AddressSet", "ObjectResolver", "ServiceSet", "merge_names"]

# Values of a custom service's iprange / fqdn / app-service-type that leave it unrestricted.
_UNRESTRICTED = frozenset({"0.0.0.0", "disable", "", None})  # noqa: S104 - FortiOS default, not a bind

# Name of the synthetic table that collects `config system sdwan` / `config members` entries.
SDWAN_MEMBERS = "system sdwan members"

# Depth of nested groups: FortiOS allows few levels; the bound stops cycles and hostile nesting.
_MAX_GROUP_DEPTH = 16

_ADDRESS_TYPE_ATTRIBUTES = {
    "ipmask": frozenset({"subnet"}),
    "iprange": frozenset({"start-ip", "end-ip"}),
    "wildcard": frozenset({"wildcard"}),
    "fqdn": frozenset({"fqdn"}),
    "geography": frozenset({"country"}),
    "interface-subnet": frozenset({"interface", "subnet"}),
    "dynamic": frozenset({"sdn", "sub-type", "filter", "sdn-addr-type", "obj-type"}),
    "mac": frozenset({"start-mac", "end-mac", "macaddr"}),
    "wildcard-fqdn": frozenset({"wildcard-fqdn"}),
}
_TYPE_SPECIFIC = frozenset().union(*_ADDRESS_TYPE_ATTRIBUTES.values()) - {"interface"}

_SERVICE_PROTOCOL_ATTRIBUTES = frozenset(
    {"tcp-portrange", "udp-portrange", "sctp-portrange", "icmptype", "icmpcode", "protocol-number"}
)


class ObjectResolver:
    """Resolve address, service and zone names of one VDOM into IR matches."""

    def __init__(self, vdom: Vdom, report: Report, interfaces: frozenset[str]) -> None:
        self.vdom = vdom
        self.report = report
        # Interface and zone names, to report undefined references; empty when the file has none.
        self.interfaces = interfaces
        self._addresses: dict[tuple[str, int], AddressSet] = {}
        self._services: dict[str, ServiceSet] = {}
        self._checked: set[tuple[str, str]] = set()

    def named_objects(self) -> list[NamedObject]:
        kinds = {
            "firewall address": "address",
            "firewall address6": "address6",
            "firewall addrgrp": "addrgrp",
            "firewall addrgrp6": "addrgrp6",
            "firewall service custom": "service",
            "firewall service group": "service-group",
            "system zone": "zone",
        }
        found: list[NamedObject] = []
        for path, kind in kinds.items():
            table = self.vdom.tables.get(path)
            if table is None:
                continue
            for name in table.order:
                found.append(NamedObject(kind, name, table.objects[name].line.number))
                # Resolve every object once so per-object findings are reported even if unused.
                if kind in ("address", "addrgrp"):
                    self.address(name, 4, 0)
                elif kind in ("address6", "addrgrp6"):
                    self.address(name, 6, 0)
                elif kind in ("service", "service-group"):
                    self.service(name, 0)
        return found

    def zone_members(self, name: str) -> list[str] | None:
        """Return the interfaces of a zone or SD-WAN zone called ``name``, or None if it is neither."""
        zone = self.vdom.tables.get("system zone")
        if zone is not None and name in zone.objects:
            values = fold(zone.objects[name].entries, None)
            found = values.get("interface")
            return list(found.words) if found else []
        sdwan = self.vdom.tables.get(SDWAN_MEMBERS)
        if sdwan is None:
            return None
        members = []
        for member in sdwan.objects.values():
            values = fold(member.entries, None)
            interface = single(values, "interface")
            if interface is not None and (single(values, "zone") or "virtual-wan-link") == name:
                members.append(interface)
        return members or None

    def address(self, name: str, version: int, depth: int) -> AddressSet:
        key = (name, version)
        cached = self._addresses.get(key)
        if cached is not None:
            return cached
        if depth > _MAX_GROUP_DEPTH:
            return AddressSet(unknown=[name])
        # Mark in progress so a cycle resolves to unknown instead of recursing.
        self._addresses[key] = AddressSet(unknown=[name])
        result = self._address_uncached(name, version, depth)
        self._addresses[key] = result
        return result

    def _address_uncached(self, name: str, version: int, depth: int) -> AddressSet:
        suffix = "" if version == 4 else "6"
        table = self.vdom.tables.get(f"firewall address{suffix}")
        if table is not None and name in table.objects:
            return self._address_object(table.objects[name], version)
        groups = self.vdom.tables.get(f"firewall addrgrp{suffix}")
        if groups is not None and name in groups.objects:
            return self._address_group(groups.objects[name], version, depth)
        if version == 4 and name in PREDEFINED_ADDRESSES:
            first, last = PREDEFINED_ADDRESSES[name]
            return AddressSet(ranges=[AddressRange(first, last, 4)])
        if version == 6 and name == "all":
            return AddressSet(ranges=[AddressRange(0, IPV6_MAX, 6)])
        if version == 6 and name == "none":
            return AddressSet()
        return AddressSet(unknown=[name])

    def _address_object(self, obj: TableEntry, version: int) -> AddressSet:
        first_time = (obj.name, "a") not in self._checked
        values = fold(obj.entries, self.report if first_time else None)
        self._checked.add((obj.name, "a"))
        if first_time and self.interfaces:
            self._check_interface_references(obj)
        if version == 6:
            return self._address6_object(obj, values)
        kind = single(values, "type") or "ipmask"
        allowed = _ADDRESS_TYPE_ATTRIBUTES.get(kind)
        if allowed is None:
            return AddressSet(unknown=[obj.name])
        for key, value in values.items():
            if key in _TYPE_SPECIFIC and key not in allowed:
                for line in value.lines:
                    self.report.add(line, f"アドレス種別 {kind} では無効な属性 {key} です（無視します）")
        try:
            if kind == "ipmask":
                subnet = values.get("subnet")
                if subnet is None:
                    return AddressSet(ranges=[AddressRange(0, IPV4_MAX, 4)])
                return AddressSet(ranges=[_subnet_range(subnet.words)])
            if kind == "iprange":
                start = single(values, "start-ip") or "0.0.0.0"  # noqa: S104 - FortiOS default value
                end = single(values, "end-ip") or "0.0.0.0"  # noqa: S104 - FortiOS default value
                first, last = ipv4_to_int(start), ipv4_to_int(end)
                if first > last:
                    raise TokenError("start-ip が end-ip より後です")
                return AddressSet(ranges=[AddressRange(first, last, 4)])
            if kind == "wildcard":
                pair = values.get("wildcard")
                if pair is None or len(pair.words) != 2:
                    # An unset wildcard is 0.0.0.0 0.0.0.0 on the device: it matches every address.
                    return AddressSet(ranges=[AddressRange(0, IPV4_MAX, 4)])
                address, mask = ipv4_to_int(pair.words[0]), ipv4_to_int(pair.words[1])
                # FortiOS wildcard masks mark the bits that must match; IR wildcards mark don't-care bits.
                return AddressSet(wildcards=[Wildcard(address & mask, (~mask) & IPV4_MAX)])
        except TokenError:
            line = values["type"].lines[0] if "type" in values else obj.line
            self.report.add(line, f"アドレス {obj.name[:40]} の値を解釈できません")
            return AddressSet(unknown=[obj.name])
        # fqdn, geography, dynamic, interface-subnet, mac: the addresses are not in the file.
        return AddressSet(unknown=[obj.name])

    def _check_interface_references(self, obj: TableEntry) -> None:
        for entry in obj.entries:
            for command in entry.commands:
                if command.verb == "set" and command.words[0] in ("associated-interface", "interface"):
                    for name in command.words[1:]:
                        if name not in self.interfaces:
                            self.report.add(
                                command.line, f"未定義のインターフェース {name[:40]} を参照しています"
                            )

    def _address6_object(self, obj: TableEntry, values: dict[str, Value]) -> AddressSet:
        kind = single(values, "type") or "ipprefix"
        try:
            if kind == "ipprefix":
                prefix = single(values, "ip6") or "::/0"
                network = ipaddress.IPv6Network(prefix, strict=False)
                return AddressSet(ranges=[AddressRange(int(network[0]), int(network[-1]), 6)])
            if kind == "iprange":
                first = int(ipaddress.IPv6Address(single(values, "start-ip") or "::"))
                last = int(ipaddress.IPv6Address(single(values, "end-ip") or "::"))
                if first <= last:
                    return AddressSet(ranges=[AddressRange(first, last, 6)])
        except ValueError:
            self.report.add(obj.line, f"IPv6 アドレス {obj.name[:40]} の値を解釈できません")
        return AddressSet(unknown=[obj.name])

    def _address_group(self, obj: TableEntry, version: int, depth: int) -> AddressSet:
        values = fold(obj.entries, None)
        members = AddressSet()
        for member in values.get("member", Value([], [])).words:
            members = members.union(self.address(member, version, depth + 1))
        if single(values, "exclude") != "enable":
            return members
        excluded = AddressSet()
        for member in values.get("exclude-member", Value([], [])).words:
            excluded = excluded.union(self.address(member, version, depth + 1))
        return members.minus(excluded, obj.name)

    def service(self, name: str, depth: int) -> ServiceSet:
        cached = self._services.get(name)
        if cached is not None:
            return cached
        if depth > _MAX_GROUP_DEPTH:
            return ServiceSet(unknown=[name])
        self._services[name] = ServiceSet(unknown=[name])
        result = self._service_uncached(name, depth)
        self._services[name] = result
        return result

    def _service_uncached(self, name: str, depth: int) -> ServiceSet:
        custom = self.vdom.tables.get("firewall service custom")
        if custom is not None and name in custom.objects:
            return self._custom_service(custom.objects[name])
        groups = self.vdom.tables.get("firewall service group")
        if groups is not None and name in groups.objects:
            result = ServiceSet()
            for member in fold(groups.objects[name].entries, None).get("member", Value([], [])).words:
                result = result.union(self.service(member, depth + 1))
            return result
        if name in PREDEFINED_IP:
            number = PREDEFINED_IP[name]
            return ServiceSet(services=[Service(protocol=number or None)])
        if name in PREDEFINED_ICMP:
            return ServiceSet(services=[Service(protocol=1, icmp_type=PREDEFINED_ICMP[name])])
        if name in PREDEFINED_SERVICES:
            return ServiceSet(
                services=[
                    Service(
                        protocol=protocol,
                        src_ports=_ports(src),
                        dst_ports=_ports(dst),
                    )
                    for protocol, dst, src in PREDEFINED_SERVICES[name]
                ]
            )
        return ServiceSet(unknown=[name])

    def _custom_service(self, obj: TableEntry) -> ServiceSet:
        resets = {"protocol": _SERVICE_PROTOCOL_ATTRIBUTES}
        values = fold(obj.entries, None, resets)
        protocol = (single(values, "protocol") or "TCP/UDP/SCTP").upper()
        for restricting in ("iprange", "fqdn", "app-service-type"):
            if single(values, restricting) not in _UNRESTRICTED:
                # A destination restricted inside the service is not modelled: the whole service is
                # unknown, so a deny using it removes nothing and an accept using it opens anything.
                return ServiceSet(unknown=[obj.name])
        try:
            if protocol == "TCP/UDP/SCTP":
                services: list[Service] = []
                for key, number in (("tcp-portrange", 6), ("udp-portrange", 17), ("sctp-portrange", 132)):
                    value = values.get(key)
                    if value is not None:
                        services.extend(_portrange_services(number, value.words))
                if not services:
                    # FortiOS refuses such a service; name it so a permit using it stays visible.
                    return ServiceSet(unknown=[obj.name])
                return ServiceSet(services=services)
            if protocol in ("ICMP", "ICMP6"):
                number = 1 if protocol == "ICMP" else 58
                icmp_type = _optional_int(single(values, "icmptype"), 255)
                icmp_code = _optional_int(single(values, "icmpcode"), 255) if icmp_type is not None else None
                return ServiceSet(
                    services=[Service(protocol=number, icmp_type=icmp_type, icmp_code=icmp_code)],
                )
            if protocol == "IP":
                number_text = single(values, "protocol-number")
                number = _optional_int(number_text, 255) or 0
                return ServiceSet(services=[Service(protocol=number or None)])
        except TokenError as error:
            for value in values.values():
                for line in value.lines:
                    self.report.add(line, f"サービス {obj.name[:40]} の値を解釈できません（{error}）")
                    break
                break
            return ServiceSet(unknown=[obj.name])
        return ServiceSet(unknown=[obj.name])


@dataclass(slots=True)
class AddressSet:
    """Addresses an object stands for, as exactly as the IR allows, plus names not understood."""

    ranges: list[AddressRange] = field(default_factory=list)
    wildcards: list[Wildcard] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # Names whose meaning is only a superset (excludes that could not be applied exactly).
    inexact: list[str] = field(default_factory=list)

    def union(self, other: AddressSet) -> AddressSet:
        # Duplicates are dropped so nested groups that share members cannot grow exponentially.
        ranges = list(dict.fromkeys([*self.ranges, *other.ranges]))
        wildcards = list(dict.fromkeys([*self.wildcards, *other.wildcards]))
        if len(ranges) + len(wildcards) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"アドレス集合の要素数 {MAX_SET_MEMBERS}")
        return AddressSet(
            ranges,
            wildcards,
            merge_names(self.unknown, other.unknown),
            merge_names(self.inexact, other.inexact),
        )

    def minus(self, other: AddressSet, group: str) -> AddressSet:
        """Subtract ``other``; when that is not exact, keep the superset and name the group."""
        if other.wildcards or other.unknown or self.wildcards:
            return AddressSet(self.ranges, self.wildcards, self.unknown, merge_names(self.inexact, [group]))
        remaining = list(self.ranges)
        for cut in other.ranges:
            remaining = [piece for part in remaining for piece in _subtract(part, cut)]
        return AddressSet(remaining, [], list(self.unknown), list(self.inexact))


@dataclass(slots=True)
class ServiceSet:
    services: list[Service] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def union(self, other: ServiceSet) -> ServiceSet:
        services = list(dict.fromkeys([*self.services, *other.services]))
        if len(services) > MAX_SET_MEMBERS:
            raise LimitExceededError(f"サービス集合の要素数 {MAX_SET_MEMBERS}")
        return ServiceSet(services, merge_names(self.unknown, other.unknown))


def merge_names(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _subtract(part: AddressRange, cut: AddressRange) -> list[AddressRange]:
    if cut.version != part.version or cut.last < part.first or cut.first > part.last:
        return [part]
    pieces = []
    if part.first < cut.first:
        pieces.append(AddressRange(part.first, cut.first - 1, part.version))
    if cut.last < part.last:
        pieces.append(AddressRange(cut.last + 1, part.last, part.version))
    return pieces


def _subnet_range(words: Sequence[str]) -> AddressRange:
    if len(words) == 1 and "/" in words[0]:
        address_text, _, length_text = words[0].partition("/")
        if not length_text.isdigit() or int(length_text) > 32:
            raise TokenError("プレフィックス長が不正です")
        prefix = int(length_text)
    elif len(words) == 2:
        address_text = words[0]
        prefix = mask_to_prefix(words[1])
    else:
        raise TokenError("subnet にはアドレスとマスクが必要です")
    address = ipv4_to_int(address_text)
    size = 1 << (32 - prefix)
    first = address & ~(size - 1) & IPV4_MAX
    return AddressRange(first, first + size - 1, 4)


def _optional_int(text: str | None, maximum: int) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) > maximum:
        raise TokenError(f"0-{maximum} の数値ではありません「{text[:20]}」")
    return int(text)


def _ports(ranges: Iterable[tuple[int, int]]) -> tuple[PortRange, ...]:
    result = tuple(PortRange(low, high) for low, high in ranges)
    return () if result == (PortRange(0, 65535),) else result


def _port_range(text: str) -> tuple[int, int]:
    low_text, _, high_text = text.partition("-")
    if not low_text.isdigit() or (high_text and not high_text.isdigit()):
        raise TokenError(f"ポート範囲が不正です「{text[:20]}」")
    low = int(low_text)
    high = int(high_text) if high_text else low
    if high > 65535 or low > high:
        raise TokenError(f"ポート範囲が不正です「{text[:20]}」")
    return low, high


def _portrange_services(protocol: int, words: Sequence[str]) -> list[Service]:
    """Read ``dst[-high][:src[-high]]`` items (FortiOS: the part after the colon is the source range)."""
    services = []
    for word in words:
        destination, _, source = word.partition(":")
        dst = _port_range(destination)
        src = _port_range(source) if source else (0, 65535)
        services.append(Service(protocol=protocol, src_ports=_ports([src]), dst_ports=_ports([dst])))
    return services
