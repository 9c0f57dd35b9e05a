"""Server-side SVG charts of self-inspection results (no JavaScript, CSP-safe, accessible).

Each function returns complete ``<svg role="img">`` markup with a ``<title>``; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PRIMARY = "#0017c1"
PREVIOUS = "#9aa6e8"
LABEL_WIDTH = 180
BAR_AREA = 360


def _svg(title: str, width: int, height: int, body: list[str], css_class: str = "chart") -> SafeString:
    head = (
        f'<svg class="{css_class}" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every value above is escaped


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    previous: Mapping[str, float | None] | None = None,
) -> SafeString:
    """Draw horizontal bars (0–100%) per label, with last year's value as a thin bar when given."""
    row_h = 40 if previous else 30
    height = row_h * len(rows) + 30
    width = LABEL_WIDTH + BAR_AREA + 80
    body = [
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height - 24}" stroke="#777"/>',
        f'<text x="{LABEL_WIDTH}" y="{height - 6}" font-size="12">0%</text>',
        f'<text x="{LABEL_WIDTH + BAR_AREA - 30}" y="{height - 6}" font-size="12">100%</text>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * row_h
        bar = round(BAR_AREA * (value or 0) / 100)
        body.append(f'<g class="bar" data-label="{escape(label)}">')
        body.append(f'<text x="0" y="{y + 18}" font-size="13">{escape(label[:14])}</text>')
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="18" fill="{PRIMARY}">'
            f"<title>{escape(label)}: {_pct(value)}</title></rect>"
        )
        body.append(f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 18}" font-size="12">{_pct(value)}</text>')
        if previous is not None and label in previous:
            old = previous[label]
            old_bar = round(BAR_AREA * (old or 0) / 100)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 25}" width="{old_bar}" height="8" fill="{PREVIOUS}">'
                f"<title>{escape(label)}（前年度）: {_pct(old)}</title></rect>"
            )
        body.append("</g>")
    return _svg(title, width, height, body)


def _heat_colour(value: float | None) -> str:
    if value is None:
        return "#eeeeee"
    # From red (0%) through yellow to green (100%), light enough for black text.
    if value < 50:
        return f"rgb(250,{int(150 + 2 * value)},150)"
    return f"rgb({int(250 - 2 * (value - 50))},245,150)"


def heat_map(
    title: str,
    sections: Sequence[tuple[str, str]],
    units: Sequence[tuple[int, str]],
    cells: Mapping[tuple[str, int], float | None],
) -> SafeString:
    """Draw a section × unit grid coloured by score."""
    cell_w, cell_h, left, top = 70, 28, 220, 90
    width = left + cell_w * max(len(units), 1) + 10
    height = top + cell_h * len(sections) + 10
    body = []
    for col, (_, name) in enumerate(units):
        x = left + col * cell_w + cell_w // 2
        body.append(
            f'<text x="{x}" y="{top - 8}" font-size="12" transform="rotate(-40 {x} {top - 8})">'
            f"{escape(name[:10])}</text>"
        )
    for row, (code, label) in enumerate(sections):
        y = top + row * cell_h
        body.append(f'<text x="0" y="{y + 19}" font-size="12">{escape(code)} {escape(label[:14])}</text>')
        for col, (unit_id, name) in enumerate(units):
            value = cells.get((code, unit_id))
            x = left + col * cell_w
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{_heat_colour(value)}">'
                f"<title>{escape(code)} {escape(label)} × {escape(name)}: {_pct(value)}</title></rect>"
            )
            text = "—" if value is None else f"{value:.0f}"
            body.append(f'<text x="{x + 22}" y="{y + 18}" font-size="12">{text}</text>')
    return _svg(title, width, height, body)


def trend_chart(title: str, points: Sequence[tuple[str, float | None]]) -> SafeString:
    """Draw a line of scores over 年度 (labels such as 令和6年度)."""
    width, height, left, bottom = 560, 220, 50, 180
    step = (width - left - 40) / max(len(points) - 1, 1)
    body = [
        f'<line x1="{left}" y1="20" x2="{left}" y2="{bottom}" stroke="#777"/>',
        f'<line x1="{left}" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="#777"/>',
        f'<text x="0" y="{bottom}" font-size="12">0%</text><text x="0" y="26" font-size="12">100%</text>',
    ]
    coords = []
    for index, (label, value) in enumerate(points):
        x = round(left + index * step) if len(points) > 1 else left + (width - left) // 2
        y = round(bottom - (bottom - 20) * (value or 0) / 100)
        coords.append((x, y, label, value))
        body.append(f'<text x="{x - 30}" y="{bottom + 20}" font-size="12">{escape(label)}</text>')
    if len(coords) > 1:
        path = " ".join(f"{x},{y}" for x, y, _, _ in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{PRIMARY}" stroke-width="3"/>')
    for x, y, label, value in coords:
        body.append(
            f'<circle cx="{x}" cy="{y}" r="5" fill="{PRIMARY}"><title>{escape(label)}: {_pct(value)}</title></circle>'
        )
        body.append(f'<text x="{x + 8}" y="{y - 8}" font-size="12">{_pct(value)}</text>')
    return _svg(title, width, height, body)
