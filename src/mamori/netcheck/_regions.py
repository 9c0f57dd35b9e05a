"""Forbidden regions of a model as header sets, and readable witness packets picked from them."""

from __future__ import annotations

import bisect
import datetime as dt
import ipaddress
from collections.abc import Sequence

from mamori.netcheck._compile import InterfaceIndex, union
from mamori.netcheck.findings import Witness
from mamori.netcheck.headerset import Field, HeaderSet, HeaderSpace, Packet
from mamori.netcheck.model import SANITIZING_ROLES, AllowedFlow, Endpoint, FlowService, Model, ZoneKind
from mamori.netcheck.zones import AddressPlan

__all__ = ["Regions", "forbidden_pairs", "model_flow_violates"]

# Preferred witness services: the ones an auditor recognises at a glance.
PREFERRED_SERVICES: tuple[tuple[int, int | None], ...] = (
    (6, 443),
    (6, 80),
    (6, 25),
    (6, 22),
    (6, 3389),
    (6, 445),
    (17, 53),
    (6, 21),
    (6, 23),
    (6, 139),
    (6, 1433),
    (17, 123),
    (6, None),
    (17, None),
    (1, 8 * 256),
    (1, None),
)
TEST_NET_3 = (0xCB007100, 0xCB0071FF)  # 203.0.113.0/24, documentation addresses (RFC 5737)
PROTOCOL_NAMES = {
    1: "icmp",
    6: "tcp",
    17: "udp",
    47: "gre",
    50: "esp",
    51: "ah",
    58: "icmpv6",
    89: "ospf",
    132: "sctp",
}


def forbidden_pairs(model: Model) -> list[tuple[str, str]]:
    """Return the (from_zone, to_zone) pairs the built-in rules forbid."""
    pairs: list[tuple[str, str]] = []
    for a in model.zones:
        for b in model.zones:
            if a.id == b.id:
                continue
            kinds = {a.kind, b.kind}
            if (
                ZoneKind.MYNUMBER in kinds
                or ZoneKind.ISOLATED in kinds
                or kinds == {ZoneKind.LGWAN, ZoneKind.INTERNET}
            ):
                pairs.append((a.id, b.id))
    return pairs


def model_flow_violates(model: Model, flow: AllowedFlow) -> bool:
    from_zone = model.zone(model.endpoint_zone(flow.source))
    to_zone = model.zone(model.endpoint_zone(flow.destination))
    if from_zone.kind is not ZoneKind.INTERNET or to_zone.kind is not ZoneKind.LGWAN:
        return False
    if flow.source.kind != "system":
        return True
    system = model.system(flow.source.ref)
    return system is None or system.role not in SANITIZING_ROLES


class Regions:
    """Shared state of one verification run: the BDD space, zone sets and witness preferences."""

    def __init__(self, model: Model, plan: AddressPlan, space: HeaderSpace, as_of: dt.date) -> None:
        self.model = model
        self.plan = plan
        self.space = space
        self.as_of = as_of
        self.zone_intervals: dict[str, tuple[list[int], list[int]]] = {}
        self.zone_sets: dict[str, tuple[HeaderSet, HeaderSet]] = {}
        for zone in model.zones:
            intervals = list(plan.intervals(zone.id))
            self.zone_intervals[zone.id] = ([s for s, _ in intervals], [e for _, e in intervals])
            src = union(space, (space.range(Field.SRC_IP, s, e) for s, e in intervals))
            dst = union(space, (space.range(Field.DST_IP, s, e) for s, e in intervals))
            self.zone_sets[zone.id] = (src, dst)
        self.allowed = space.nothing
        for flow in model.allowed_flows:
            if flow.is_expired(as_of) or model_flow_violates(model, flow):
                continue
            self.allowed = self.allowed | self.flow_set(flow)
        self._preferred_ports: dict[int, HeaderSet] = {}
        for protocol, port in PREFERRED_SERVICES:
            ports = self._preferred_ports.get(protocol, space.nothing)
            if port is not None:
                ports = ports | space.equals(Field.DST_PORT, port)
            self._preferred_ports[protocol] = ports
        # Zones holding TEST-NET-3 addresses: only their witnesses can use one.
        self._testnet_zones = {zone.id for zone in model.zones if self.touches(zone.id, (TEST_NET_3,))}
        self.pairs = forbidden_pairs(model)
        self.pair_sets: dict[tuple[str, str], HeaderSet] = {}
        for a, b in self.pairs:
            self.pair_sets[(a, b)] = (
                self.zone_sets[a][0] & self.zone_sets[b][1] & space.universe
            ) - self.allowed

    def endpoint_set(self, field: Field, flow_end: object) -> HeaderSet:
        assert isinstance(flow_end, Endpoint)
        intervals = self.plan.endpoint_intervals(flow_end)
        return union(self.space, (self.space.range(field, s, e) for s, e in intervals))

    def service_set(self, services: Sequence[FlowService]) -> HeaderSet:
        space = self.space
        result = space.nothing
        for service in services:
            if service.protocol is None:
                return space.universe
            item = space.equals(Field.PROTOCOL, service.protocol)
            if service.first_port is not None and service.last_port is not None:
                item = item & space.range(Field.DST_PORT, service.first_port, service.last_port)
            result = result | item
        return result & space.universe

    def flow_set(self, flow: AllowedFlow) -> HeaderSet:
        return (
            self.endpoint_set(Field.SRC_IP, flow.source)
            & self.endpoint_set(Field.DST_IP, flow.destination)
            & self.service_set(flow.services)
        )

    def touches(self, zone_id: str, hull: Sequence[tuple[int, int]]) -> bool:
        starts, ends = self.zone_intervals[zone_id]
        for lo, hi in hull:
            index = bisect.bisect_right(starts, hi) - 1
            if index >= 0 and ends[index] >= lo:
                return True
        return False

    def witness(
        self, packets: HeaderSet, from_zone: str, to_zone: str, interfaces: InterfaceIndex | None
    ) -> Witness | None:
        """Pick a readable packet: common services, declared systems' addresses, host addresses."""
        space = self.space
        chosen = packets
        by_protocol: dict[int, HeaderSet] = {}
        no_preferred_port: set[int] = set()
        for protocol, port in PREFERRED_SERVICES:
            if protocol not in by_protocol:
                candidate = chosen & space.equals(Field.PROTOCOL, protocol)
                by_protocol[protocol] = candidate
                # One test against all preferred ports of the protocol spares one test per port.
                if not candidate.is_empty() and (candidate & self._preferred_ports[protocol]).is_empty():
                    no_preferred_port.add(protocol)
            candidate = by_protocol[protocol]
            if candidate.is_empty():
                continue
            if port is not None:
                if protocol in no_preferred_port:
                    continue
                candidate = candidate & space.equals(Field.DST_PORT, port)
            if not candidate.is_empty():
                chosen = candidate
                break
        for field, zone_id in ((Field.SRC_IP, from_zone), (Field.DST_IP, to_zone)):
            for system in self.model.systems:
                if system.zone != zone_id:
                    continue
                hit = False
                for network in system.addresses:
                    if isinstance(network, ipaddress.IPv4Network):
                        first = int(network.network_address)
                        candidate = chosen & space.range(field, first, int(network.broadcast_address))
                        if not candidate.is_empty():
                            chosen = candidate
                            hit = True
                            break
                if hit:
                    break
            # Then a documentation address (TEST-NET-3, RFC 5737) when the zone spans the internet.
            if zone_id in self._testnet_zones:
                candidate = chosen & space.range(field, *TEST_NET_3)
                if not candidate.is_empty():
                    chosen = candidate
            # Prefer a host address over a network address (pick fills free bits with 0).
            candidate = chosen & space.masked(field, 1, 0xFFFFFFFE)
            if not candidate.is_empty():
                chosen = candidate
        ephemeral = chosen & space.range(Field.SRC_PORT, 49152, 65535)
        if not ephemeral.is_empty():
            chosen = ephemeral
        packet = chosen.pick()
        if packet is None:
            return None
        # A device that names no interface gains nothing from "(その他) → (その他)" in its witness.
        return _witness_from_packet(
            packet, interfaces if interfaces is not None and interfaces.names else None
        )


def _witness_from_packet(packet: Packet, interfaces: InterfaceIndex | None) -> Witness:
    protocol = PROTOCOL_NAMES.get(packet.protocol, str(packet.protocol))
    has_ports = packet.protocol in (6, 17, 132)
    is_icmp = packet.protocol in (1, 58)
    return Witness(
        src=str(ipaddress.IPv4Address(packet.src)),
        dst=str(ipaddress.IPv4Address(packet.dst)),
        protocol=protocol,
        dst_port=packet.dst_port if has_ports else None,
        src_port=packet.src_port if has_ports else None,
        icmp_type=packet.dst_port >> 8 if is_icmp else None,
        icmp_code=packet.dst_port & 0xFF if is_icmp else None,
        in_interface=interfaces.name(packet.in_if) if interfaces is not None else None,
        out_interface=interfaces.name(packet.out_if) if interfaces is not None else None,
    )
