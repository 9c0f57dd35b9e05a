"""Header sets built by the fast paths equal the plain constructions, and picked packets belong."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.netcheck.headerset import Field, HeaderSpace

SPACE = HeaderSpace()
ADDRESS = st.integers(min_value=0, max_value=(1 << 32) - 1)
PORT = st.integers(min_value=0, max_value=65535)


@settings(max_examples=200, deadline=None)
@given(src=st.tuples(ADDRESS, ADDRESS), dst=st.tuples(ADDRESS, ADDRESS), ports=st.tuples(PORT, PORT))
def test_box_equals_the_intersection_of_its_ranges(
    src: tuple[int, int], dst: tuple[int, int], ports: tuple[int, int]
) -> None:
    (s1, s2), (d1, d2), (p1, p2) = sorted(src), sorted(dst), sorted(ports)
    built = SPACE.box(
        [(Field.DST_PORT, p1, p2), (Field.SRC_IP, s1, s2), (Field.PROTOCOL, 6, 6), (Field.DST_IP, d1, d2)]
    )
    plain = (
        SPACE.range(Field.SRC_IP, s1, s2)
        & SPACE.range(Field.DST_IP, d1, d2)
        & SPACE.equals(Field.PROTOCOL, 6)
        & SPACE.range(Field.DST_PORT, p1, p2)
    )
    assert built == plain


@settings(max_examples=200, deadline=None)
@given(
    boxes=st.lists(st.tuples(ADDRESS, st.integers(0, 1 << 20), PORT), min_size=1, max_size=4),
    negate=st.booleans(),
    protocol=st.integers(0, 255),
)
def test_picked_packet_belongs_to_the_set(
    boxes: list[tuple[int, int, int]], negate: bool, protocol: int
) -> None:
    packets = SPACE.nothing
    for first, width, port in boxes:
        packets = packets | (
            SPACE.range(Field.SRC_IP, first, first + width) & SPACE.range(Field.DST_PORT, port, 65535)
        )
    if negate:
        packets = ~packets  # complemented nodes: the walk must complement children
    packets = packets - SPACE.range(Field.PROTOCOL, 0, protocol)
    packet = packets.pick()
    if packets.is_empty():
        assert packet is None
    else:
        assert packet is not None and packets.contains(packet)
