"""Draw the zone model as SVG: zones side by side with their segments and systems, flows as arrows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mamori.network.models import AllowedFlow, NetworkSystem, Segment, Zone

ZONE_COLOURS = {
    "mynumber": "#a51d00",
    "lgwan": "#0017c1",
    "internet": "#197a4b",
    "isolated": "#4d4d4d",
    "custom": "#5c10be",
}
KIND_ORDER = ["mynumber", "lgwan", "internet", "isolated", "custom"]
BOX_WIDTH = 220
GAP = 110
LINE = 20
TOP = 230


@dataclass(frozen=True)
class Arrow:
    source_zone: str
    target_zone: str
    label: str
    kind: str  # "allowed" | "expired" | "violation"


def _zone_of(
    kind: str,
    ref: str,
    zones: dict[str, Zone],
    segments: dict[str, Segment],
    systems: dict[str, NetworkSystem],
) -> str | None:
    if kind == "zone":
        return ref if ref in zones else None
    if kind == "segment" and ref in segments:
        return segments[ref].zone.key
    if kind == "system" and ref in systems:
        return systems[ref].zone.key
    return None


def flow_arrows(
    flows: Iterable[AllowedFlow],
    zones: dict[str, Zone],
    segments: dict[str, Segment],
    systems: dict[str, NetworkSystem],
) -> list[Arrow]:
    arrows = []
    for flow in flows:
        source = _zone_of(flow.source_kind, flow.source_ref, zones, segments, systems)
        target = _zone_of(flow.destination_kind, flow.destination_ref, zones, segments, systems)
        if source and target:
            kind = "expired" if flow.is_expired() else "allowed"
            arrows.append(Arrow(source, target, f"{flow.key}（{flow.services}）", kind))
    return arrows


def draw(violations: Sequence[dict[str, object]] = ()) -> SafeString:
    """Return the SVG of the current zone model, with the violations of a run drawn in red."""
    zones = sorted(Zone.objects.all(), key=lambda z: (KIND_ORDER.index(z.kind), z.order, z.key))
    by_key = {z.key: z for z in zones}
    segments = {s.key: s for s in Segment.objects.select_related("zone")}
    systems = {s.key: s for s in NetworkSystem.objects.select_related("zone")}
    arrows = flow_arrows(AllowedFlow.objects.all(), by_key, segments, systems)
    seen: set[tuple[str, str]] = set()
    for violation in violations:
        pair = (str(violation.get("from_zone")), str(violation.get("to_zone")))
        if pair[0] in by_key and pair[1] in by_key and pair not in seen:
            seen.add(pair)
            arrows.append(Arrow(pair[0], pair[1], "違反", "violation"))
    x_of = {z.key: 20 + i * (BOX_WIDTH + GAP) for i, z in enumerate(zones)}
    rows = {
        z.key: [f"▪ {s.key} {', '.join(s.cidr_list())}" for s in segments.values() if s.zone.key == z.key]
        + [f"◆ {s} ({s.get_role_display()})" for s in systems.values() if s.zone.key == z.key]
        for z in zones
    }
    height = TOP + max([len(r) for r in rows.values()] + [1]) * LINE + 70
    width = max(len(zones), 1) * (BOX_WIDTH + GAP) - GAP + 40
    parts = [
        f'<svg class="chart zone-diagram" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="zone-diagram-title" viewBox="0 0 {width} {height}" width="{width}">',
        '<title id="zone-diagram-title">ゾーン構成図（ゾーン・セグメント・システムと許可された通信）</title>',
        "<defs>"
        + "".join(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("allowed", "#1a1a1a"), ("expired", "#8c5e00"), ("violation", "#ec0000"))
        )
        + "</defs>",
    ]
    for zone in zones:
        x = x_of[zone.key]
        colour = ZONE_COLOURS.get(zone.kind, "#4d4d4d")
        box_height = max(len(rows[zone.key]), 1) * LINE + 50
        parts.append(
            f'<g><rect x="{x}" y="{TOP - 40}" width="{BOX_WIDTH}" height="{box_height}" rx="8" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(f'<rect x="{x}" y="{TOP - 40}" width="{BOX_WIDTH}" height="30" rx="8" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 10}" y="{TOP - 20}" font-size="14" font-weight="700" fill="#ffffff">'
            f"{escape(zone.label)}</text>"
        )
        for i, row in enumerate(rows[zone.key]):
            parts.append(
                f'<text x="{x + 10}" y="{TOP + 10 + i * LINE}" font-size="12">{escape(_clip(row))}</text>'
            )
        parts.append("</g>")
    for index, arrow in enumerate(arrows):
        parts.append(_arrow_svg(arrow, x_of, index))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arrow_svg(arrow: Arrow, x_of: dict[str, int], index: int) -> str:
    colour = {"allowed": "#1a1a1a", "expired": "#8c5e00", "violation": "#ec0000"}[arrow.kind]
    dash = ' stroke-dasharray="6 4"' if arrow.kind != "allowed" else ""
    x1 = x_of[arrow.source_zone] + BOX_WIDTH / 2
    x2 = x_of[arrow.target_zone] + BOX_WIDTH / 2
    lift = 30 + (index % 4) * 22
    y = TOP - 42
    if x1 == x2:
        path = f"M{x1 - 30},{y} C{x1 - 30},{y - lift} {x1 + 30},{y - lift} {x1 + 30},{y}"
        label_x = x1
    else:
        path = f"M{x1},{y} C{x1},{y - lift * 1.6} {x2},{y - lift * 1.6} {x2},{y}"
        label_x = (x1 + x2) / 2
    label_y = y - lift * 1.2 - 4
    return (
        f'<g><path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash} '
        f'marker-end="url(#arrow-{arrow.kind})"/>'
        f'<text x="{label_x}" y="{label_y}" font-size="11" text-anchor="middle" fill="{colour}">'
        f"{escape(_clip(arrow.label, 40))}</text></g>"
    )
