"""Bar charts drawn on the server as inline SVG: no script, nothing fetched, so they keep the
console's CSP (no script, styles only from the site: colours are SVG attributes, not CSS).
Each chart comes with its numbers in a table on the page, for reading and for screen readers.

Written here rather than taken from a library: Python's SVG chart libraries (pygal) put a
<style> element and a script in every chart, which the CSP refuses."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 40  # room for the axis labels
TICKS = 4
COLOURS = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a")
FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"

Number = int | Decimal


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]


def _nice_top(largest: float, whole: bool = False) -> float:
    """The axis' top: TICKS steps of 1, 2, 2.5 or 5 times a power of ten, at or above
    `largest`; whole steps only when the numbers are counts (no 1.25 exchanges)."""
    if largest <= 0:
        return float(TICKS) if whole else 1.0
    power = 10.0 ** math.floor(math.log10(largest / TICKS))
    while True:
        for step in (1.0, 2.0, 2.5, 5.0):
            size = step * power
            if whole and (size < 1 or size != int(size)):
                continue
            if size * TICKS >= largest:
                return size * TICKS
        power *= 10


def _label(value: float) -> str:
    return f"{value:g}"


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped vertical bars: one group per label, one bar per series, a legend on top."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    whole = all(isinstance(v, int) for s in series for v in s.values)
    top = _nice_top(max((float(v) for s in series for v in s.values), default=0.0), whole)
    bottom_v = min((float(v) for s in series for v in s.values), default=0.0)
    floor = -_nice_top(-bottom_v, whole) if bottom_v < 0 else 0.0
    span = top - floor

    def y(value: float) -> float:
        return TOP + plot_h * (top - value) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(TICKS + 1):
        value = floor + span * i / TICKS
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{"#888" if value == 0 else "#ddd"}"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#555">'
            f"{_label(value)}</text>"
        )
    group = plot_w / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    every = max(1, len(labels) // 12)  # at most ~12 labels under the axis
    for g, label in enumerate(labels):
        x0 = LEFT + g * group + group * 0.1
        for k, s in enumerate(series):
            value = float(s.values[g])
            y1, y2 = sorted((y(value), y(0)))
            parts.append(
                f'<rect x="{x0 + k * bar:.1f}" y="{y1:.1f}" width="{bar * 0.92:.1f}" '
                f'height="{max(y2 - y1, 0.5 if value else 0):.1f}" fill="{COLOURS[k % 4]}">'
                f"<title>{escape(label)} {escape(s.name)}: {_label(value)}</title></rect>"
            )
        if g % every == 0:
            parts.append(
                f'<text x="{LEFT + g * group + group / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle" fill="#333">{escape(label)}</text>'
            )
    x = LEFT
    for k, s in enumerate(series if len(series) > 1 else []):
        parts.append(
            f'<rect x="{x}" y="6" width="14" height="14" fill="{COLOURS[k % 4]}"/>'
            f'<text x="{x + 20}" y="18" fill="#333">{escape(s.name)}</text>'
        )
        x += 40 + 16 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))


def ranked_bars(title: str, rows: Sequence[tuple[str, Number]], limit: int = 12) -> Markup:
    """Horizontal bars, largest first (items, kiosks): a name, its bar and its number."""
    shown = list(rows)[:limit]
    row_h, name_w = 30, 260
    height = TOP + row_h * max(len(shown), 1) + 8
    top = _nice_top(max((float(v) for _, v in shown), default=0.0), whole=True)
    room = WIDTH - name_w - RIGHT - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="14">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (name, value) in enumerate(shown):
        y = TOP + i * row_h
        width = room * max(float(value), 0.0) / top
        parts.append(
            f'<text x="{name_w - 8}" y="{y + 19}" text-anchor="end" fill="#333">'
            f"{escape(name)}</text>"
            f'<rect x="{name_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{name_w + width + 6:.1f}" y="{y + 19}" fill="#333">'
            f"{_label(float(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
