"""Server-drawn SVG charts for the gateway dashboard: numbers in, escaped markup out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

PALETTE = ("#1d4e89", "#3f8efc", "#f29e4c", "#c8553d", "#6a994e", "#8d6a9f", "#7f7f7f", "#b8860b")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]


def stacked_bars(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 720, height: int = 260
) -> str:
    """Return an SVG stacked bar chart (one bar per label) with a legend, as accessible markup."""
    left, right, top, bottom = 48, 12, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = plot_w / max(len(labels), 1)
    bar_w = max(step * 0.7, 1)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 24 * ((len(series) + 3) // 4)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar_w) / 2
        y = float(top + plot_h)
        for index, item in enumerate(series):
            value = item.values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(label)} {escape(item.label)}: {value}</title></rect>"
            )
        if len(labels) <= 16 or i % 2 == 0:
            parts.append(
                f'<text x="{left + i * step + step / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="10">{escape(label)}</text>'
            )
    for index, item in enumerate(series):
        lx = left + (index % 4) * 170
        ly = height + 4 + 24 * (index // 4)
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{lx + 18}" y="{ly + 11}" font-size="12">{escape(item.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
