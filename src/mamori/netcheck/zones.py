"""Map addresses to zones by longest match over segment CIDRs and system addresses.

The IPv4 space is cut into disjoint intervals, each owned by the most specific segment or system that
covers it; uncovered addresses belong to the internet zone when the model has one, else to no zone.
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mamori.netcheck.ir import IPV4_MAX
from mamori.netcheck.model import Endpoint, Model, ZoneKind

__all__ = ["AddressPlan", "Owner", "build_address_plan"]


@dataclass(frozen=True, slots=True)
class Owner:
    """Who owns an address interval: a segment, a system, or nobody (``kind == "none"``)."""

    kind: str
    id: str
    zone: str | None


@dataclass(frozen=True)
class AddressPlan:
    """Disjoint, sorted IPv4 intervals with their owner."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    owners: tuple[Owner, ...]
    default_zone: str | None

    def owner_of(self, address: int) -> Owner:
        """Return the owner of ``address``."""
        index = bisect.bisect_right(self.starts, address) - 1
        return self.owners[index]

    def zone_of(self, address: int) -> str | None:
        """Return the zone id of ``address`` (None: no zone applies)."""
        return self.owner_of(address).zone

    def intervals(
        self, predicate_zone: str | None = None, owner: tuple[str, str] | None = None
    ) -> Iterator[tuple[int, int]]:
        """Yield the intervals of a zone or of one owner (``("segment", id)``), merged when adjacent."""
        pending: tuple[int, int] | None = None
        for start, end, who in zip(self.starts, self.ends, self.owners, strict=True):
            if owner is not None:
                hit = (who.kind, who.id) == owner
            else:
                hit = who.zone == predicate_zone and who.zone is not None
            if not hit:
                continue
            if pending is not None and pending[1] + 1 == start:
                pending = (pending[0], end)
            else:
                if pending is not None:
                    yield pending
                pending = (start, end)
        if pending is not None:
            yield pending

    def endpoint_intervals(self, endpoint: Endpoint) -> list[tuple[int, int]]:
        """Return the intervals an allowed-flow endpoint denotes."""
        if endpoint.kind == "zone":
            return list(self.intervals(endpoint.ref))
        return list(self.intervals(owner=(endpoint.kind, endpoint.ref)))


def build_address_plan(model: Model) -> AddressPlan:
    """Cut the IPv4 space into intervals owned by the longest-matching segment or system."""
    prefixes: list[tuple[int, int, int, Owner]] = []  # (first, last, prefixlen, owner)
    for segment in model.segments:
        owner = Owner("segment", segment.id, segment.zone)
        for cidr in segment.cidrs:
            if isinstance(cidr, ipaddress.IPv4Network):
                prefixes.append(
                    (int(cidr.network_address), int(cidr.broadcast_address), cidr.prefixlen, owner)
                )
    for system in model.systems:
        owner = Owner("system", system.id, system.zone)
        for cidr in system.addresses:
            if isinstance(cidr, ipaddress.IPv4Network):
                prefixes.append(
                    (int(cidr.network_address), int(cidr.broadcast_address), cidr.prefixlen, owner)
                )
    internet = next((z.id for z in model.zones if z.kind is ZoneKind.INTERNET), None)
    nobody = Owner("none", "", internet)
    # Elementary boundaries, then the most specific covering prefix for each elementary interval.
    cuts = {0}
    for first, last, _, _ in prefixes:
        cuts.add(first)
        if last < IPV4_MAX:
            cuts.add(last + 1)
    points = sorted(cuts)
    by_length = sorted(prefixes, key=lambda p: p[2])  # shorter first; longer ones overwrite
    owner_at: list[Owner] = [nobody] * len(points)
    for first, last, _, owner in by_length:
        lo = bisect.bisect_left(points, first)
        hi = bisect.bisect_right(points, last)
        for index in range(lo, hi):
            owner_at[index] = owner
    starts: list[int] = []
    ends: list[int] = []
    owners: list[Owner] = []
    for index, start in enumerate(points):
        end = points[index + 1] - 1 if index + 1 < len(points) else IPV4_MAX
        if owners and owners[-1] == owner_at[index]:
            ends[-1] = end
            continue
        starts.append(start)
        ends.append(end)
        owners.append(owner_at[index])
    return AddressPlan(tuple(starts), tuple(ends), tuple(owners), internet)


def zone_sizes(plan: AddressPlan) -> Mapping[str, int]:
    """Return how many addresses each zone holds (for reports)."""
    sizes: dict[str, int] = {}
    for start, end, owner in zip(plan.starts, plan.ends, plan.owners, strict=True):
        if owner.zone is not None:
            sizes[owner.zone] = sizes.get(owner.zone, 0) + end - start + 1
    return sizes
