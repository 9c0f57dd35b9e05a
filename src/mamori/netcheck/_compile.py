"""Turn IR matches into header sets, under a pessimistic or optimistic reading of unknown objects."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.headerset import PORT_PROTOCOLS, Field, HeaderSet, HeaderSpace
from mamori.netcheck.ir import (
    ANY_ADDRESS,
    ANY_SERVICE,
    IPV4_MAX,
    Action,
    AddressMatch,
    InterfaceMatch,
    ParsedConfig,
    Rule,
    ServiceMatch,
)
from mamori.netcheck.limits import MAX_INTERFACES

OTHER_INTERFACE = "(その他)"


class Reading(enum.Enum):
    """How unknown objects are read.

    PESSIMISTIC: a permit's unknown matches everything, a deny's unknown nothing (finds every possible
    leak). OPTIMISTIC: the reverse (what leaks for sure).
    """

    PESSIMISTIC = "pessimistic"
    OPTIMISTIC = "optimistic"


@dataclass(frozen=True)
class InterfaceIndex:
    """Interface names of one device numbered 1..n; 0 is any other interface."""

    names: tuple[str, ...]

    def number(self, name: str) -> int:
        """Return the number of ``name`` (0 when unknown)."""
        try:
            return self.names.index(name) + 1
        except ValueError:
            return 0

    def name(self, number: int) -> str:
        """Return the name for ``number``."""
        return self.names[number - 1] if 1 <= number <= len(self.names) else OTHER_INTERFACE

    def matching(self, match: InterfaceMatch) -> list[int]:
        """Return the numbers an interface match selects (iptables ``eth+`` is a prefix)."""
        selected: set[int] = set()
        for pattern in match.names:
            if pattern.endswith("+"):
                stem = pattern[:-1]
                selected.update(i + 1 for i, n in enumerate(self.names) if n.startswith(stem))
            elif pattern in ("any", "*"):
                selected.update(range(len(self.names) + 1))
            else:
                number = self.number(pattern)
                if number:
                    selected.add(number)
        if match.negate:
            return [n for n in range(len(self.names) + 1) if n not in selected]
        return sorted(selected)


def build_interface_index(config: ParsedConfig, mapped: Iterable[str]) -> InterfaceIndex:
    """Collect every interface name the config or the model names."""
    names: list[str] = []

    def add(name: str | None) -> None:
        if name and not name.endswith("+") and name not in ("any", "*") and name not in names:
            names.append(name)

    for name in mapped:
        add(name)
    for name in config.interfaces:
        add(name)
    for attachment in config.attachments:
        add(attachment.interface)
    for pair in config.pair_defaults:
        add(pair.in_interface)
        add(pair.out_interface)
    for chain in config.chains:
        for rule in chain.rules:
            for match in (rule.in_interface, rule.out_interface):
                if match is not None:
                    for name in match.names:
                        add(name)
    if len(names) > MAX_INTERFACES:
        raise LimitExceededError(
            f"インタフェース数 {len(names)}（上限 {MAX_INTERFACES}）", file=config.source
        )
    return InterfaceIndex(tuple(names))


def union(space: HeaderSpace, sets: Iterable[HeaderSet]) -> HeaderSet:
    """Return the union of ``sets``."""
    result: HeaderSet | None = None
    for item in sets:
        result = item if result is None else result | item
    return space.nothing if result is None else result


class RuleCompiler:
    """Compile rules of one device into header sets, with caching per reading."""

    def __init__(self, space: HeaderSpace, interfaces: InterfaceIndex) -> None:
        self.space = space
        self.interfaces = interfaces
        self._cache: dict[tuple[int, Reading], HeaderSet] = {}
        # Rules often share address and service objects (FortiGate addresses, one source per chain).
        self._address_cache: dict[tuple[Field, AddressMatch, bool], HeaderSet] = {}
        self._service_cache: dict[tuple[ServiceMatch, bool], HeaderSet] = {}

    def interface_set(self, header: Field, match: InterfaceMatch | None) -> HeaderSet:
        """Return packets entering (IN_IF) or leaving (OUT_IF) through a matching interface."""
        if match is None:
            return self.space.everything
        return union(self.space, (self.space.equals(header, n) for n in self.interfaces.matching(match)))

    def address_set(self, header: Field, match: AddressMatch, widen: bool) -> HeaderSet:
        """Return the IPv4 packets an address match selects; ``widen`` reads unknowns as any."""
        # Without unknown objects both readings are the same set: share one cache entry.
        key = (header, match, widen or not match.unknown)
        cached = self._address_cache.get(key)
        if cached is None:
            cached = self._address_set(header, match, widen)
            self._address_cache[key] = cached
        return cached

    def _address_set(self, header: Field, match: AddressMatch, widen: bool) -> HeaderSet:
        known = self.space.nothing
        for item in match.ranges:
            if item.version == 4:
                known = known | self.space.range(header, item.first, min(item.last, IPV4_MAX))
        for wildcard in match.wildcards:
            known = known | self.space.masked(header, wildcard.address, wildcard.wildcard)
        if match.unknown:
            if match.negate:
                return ~known if widen else self.space.nothing
            return self.space.everything if widen else known
        return ~known if match.negate else known

    def service_set(self, match: ServiceMatch, widen: bool) -> HeaderSet:
        """Return the packets a service match selects; ``widen`` reads unknowns as any."""
        key = (match, widen or not match.unknown)
        cached = self._service_cache.get(key)
        if cached is None:
            cached = self._service_set(match, widen)
            self._service_cache[key] = cached
        return cached

    def _service_set(self, match: ServiceMatch, widen: bool) -> HeaderSet:
        space = self.space
        known = space.nothing
        for service in match.services:
            if service.protocol is None:
                if not service.src_ports and not service.dst_ports:
                    known = space.everything
                    continue
                protocols = union(space, (space.equals(Field.PROTOCOL, p) for p in PORT_PROTOCOLS))
            else:
                protocols = space.equals(Field.PROTOCOL, service.protocol)
            item = protocols
            if service.src_ports:
                item = item & union(
                    space, (space.range(Field.SRC_PORT, r.first, r.last) for r in service.src_ports)
                )
            if service.dst_ports:
                item = item & union(
                    space, (space.range(Field.DST_PORT, r.first, r.last) for r in service.dst_ports)
                )
            if service.icmp_type is not None:
                low = service.icmp_type * 256 + (service.icmp_code if service.icmp_code is not None else 0)
                high = service.icmp_type * 256 + (service.icmp_code if service.icmp_code is not None else 255)
                item = item & space.range(Field.DST_PORT, low, high)
            known = known | item
        if match.unknown:
            if match.negate:
                return ~known if widen else space.nothing
            return space.everything if widen else known
        return ~known if match.negate else known

    def rule_set(self, rule: Rule, reading: Reading) -> HeaderSet:
        """Return the connection-opening IPv4 packets ``rule`` matches under ``reading``."""
        key = (id(rule), reading if has_unknown(rule) else Reading.PESSIMISTIC)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._rule_set(rule, reading)
        self._cache[key] = result
        return result

    def _rule_set(self, rule: Rule, reading: Reading) -> HeaderSet:
        space = self.space
        if not rule.enabled or rule.state_only or rule.ip_version == 6:
            return space.nothing
        # Permit (and jump, whose effect may be a permit) reads unknowns wide when pessimistic; a deny
        # reads them narrow. The optimistic reading is the mirror image.
        widen = (rule.action is not Action.DENY) == (reading is Reading.PESSIMISTIC)
        if rule.unknown and not widen:
            return space.nothing
        simple = self._box_constraints(rule)
        if simple is not None:
            return space.box(simple)
        # AND only the parts that constrain something: each skipped "everything" saves a BDD call.
        parts: list[HeaderSet] = []
        if rule.in_interface is not None:
            parts.append(self.interface_set(Field.IN_IF, rule.in_interface))
        if rule.out_interface is not None:
            parts.append(self.interface_set(Field.OUT_IF, rule.out_interface))
        if rule.source != ANY_ADDRESS:
            parts.append(self.address_set(Field.SRC_IP, rule.source, widen))
        if rule.destination != ANY_ADDRESS:
            parts.append(self.address_set(Field.DST_IP, rule.destination, widen))
        if rule.service != ANY_SERVICE:
            parts.append(self.service_set(rule.service, widen))
        result = space.everything
        for part in parts:
            result = part if result is space.everything else result & part
            if result.is_empty():
                break
        return result

    @staticmethod
    def _box_constraints(rule: Rule) -> list[tuple[Field, int, int]] | None:
        """Return the rule as one range per field when it is that simple (most rules are), else None.

        Such a rule is built in one bottom-up pass (``HeaderSpace.box``) instead of one set per
        match and a conjunction per part.
        """
        if rule.in_interface is not None or rule.out_interface is not None:
            return None
        constraints: list[tuple[Field, int, int]] = []
        for header, match in ((Field.SRC_IP, rule.source), (Field.DST_IP, rule.destination)):
            if match == ANY_ADDRESS:
                continue
            if match.negate or match.unknown or match.wildcards or len(match.ranges) != 1:
                return None
            item = match.ranges[0]
            if item.version != 4:
                return None
            constraints.append((header, item.first, min(item.last, IPV4_MAX)))
        service_match = rule.service
        if service_match != ANY_SERVICE:
            if service_match.negate or service_match.unknown or len(service_match.services) != 1:
                return None
            service = service_match.services[0]
            if (
                service.protocol is None
                or service.icmp_type is not None
                or len(service.dst_ports) > 1
                or len(service.src_ports) > 1
            ):
                return None
            constraints.append((Field.PROTOCOL, service.protocol, service.protocol))
            for header, ports in ((Field.DST_PORT, service.dst_ports), (Field.SRC_PORT, service.src_ports)):
                if ports:
                    constraints.append((header, ports[0].first, ports[0].last))
        return constraints


def has_unknown(rule: Rule) -> bool:
    """Return whether the rule depends on an object the parser could not resolve."""
    return bool(rule.unknown or rule.source.unknown or rule.destination.unknown or rule.service.unknown)


def unknown_names(rule: Rule) -> tuple[str, ...]:
    """Return the names of the rule's unresolved objects."""
    return tuple(
        dict.fromkeys((*rule.source.unknown, *rule.destination.unknown, *rule.service.unknown, *rule.unknown))
    )


def address_hull(match: AddressMatch) -> Sequence[tuple[int, int]]:
    """Return IPv4 intervals covering every address the match could select (for cheap pre-filters)."""
    if match.negate or match.unknown:
        return ((0, IPV4_MAX),)
    hull = [(r.first, min(r.last, IPV4_MAX)) for r in match.ranges if r.version == 4]
    hull.extend((w.address & ~w.wildcard & IPV4_MAX, w.address | w.wildcard) for w in match.wildcards)
    return hull
