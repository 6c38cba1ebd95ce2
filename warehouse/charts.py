"""Inline SVG charts for the analysts' report: pure functions, strings in, strings out.

No script, no font or style sheet from elsewhere: the page must open offline.
Every mark carries its numbers as data attributes (`data-label`, `data-series`,
`data-value`) and a <title> tooltip, so a reader hovering and a test reading
the DOM see the same figures.
"""

from __future__ import annotations

from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf"]


def _a(value) -> str:
    return escape(str(value), quote=True)


def color_of(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def hbars(chart: str, items: list[tuple[str, int]], *, color: str = PALETTE[0], width: int = 640,
          label_width: int = 230) -> str:
    """Horizontal bars, one per (label, value), in the given order."""
    if not items:
        return f'<p class="empty" data-chart="{_a(chart)}">Nothing to show yet.</p>'
    bar_h, gap, top = 20, 6, 4
    height = top + len(items) * (bar_h + gap)
    peak = max(v for _, v in items) or 1
    span = width - label_width - 60
    out = [f'<svg data-chart="{_a(chart)}" role="img" width="{width}" height="{height}"'
           f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(1, round(span * value / peak)) if value else 0
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" class="lbl">{escape(short)}</text>'
            f'<rect class="mark" x="{label_width}" y="{y}" width="{w}" height="{bar_h}" fill="{color}"'
            f' data-label="{_a(label)}" data-value="{value}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{label_width + w + 4}" y="{y + 14}" class="val">{value}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def stacked_columns(chart: str, columns: list[str], series: list[str], values: dict[tuple[str, str], int],
                    *, height: int = 260, min_width: int = 640) -> str:
    """One column per label in `columns`, stacked by `series`; `values[(column, series)]`."""
    if not columns:
        return f'<p class="empty" data-chart="{_a(chart)}">Nothing to show yet.</p>'
    step = max(8, min(36, 900 // len(columns)))
    left, bottom, top = 40, 46, 10
    width = max(min_width, left + step * len(columns) + 10)
    totals = [sum(values.get((c, s), 0) for s in series) for c in columns]
    peak = max(totals) or 1
    plot_h = height - bottom - top
    out = [f'<svg data-chart="{_a(chart)}" role="img" width="{width}" height="{height}"'
           f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" class="axis"/>',
           f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="val">{peak}</text>',
           f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" class="val">0</text>']
    label_every = max(1, len(columns) // 18)
    for i, column in enumerate(columns):
        x = left + i * step + 1
        y = top + plot_h
        for k, name in enumerate(series):
            value = values.get((column, name), 0)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            out.append(f'<rect class="mark" x="{x}" y="{y:.1f}" width="{step - 2}" height="{h:.1f}"'
                       f' fill="{color_of(k)}" data-label="{_a(column)}" data-series="{_a(name)}"'
                       f' data-value="{value}"><title>{escape(column)} · {escape(name)}: {value}</title></rect>')
        if i % label_every == 0:
            cx = x + (step - 2) / 2
            out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 12}" class="tick" text-anchor="end"'
                       f' transform="rotate(-45 {cx:.1f} {top + plot_h + 12})">{escape(column)}</text>')
    out.append("</svg>")
    return "".join(out)


def legend(series: list[str]) -> str:
    return '<p class="legend">' + " ".join(
        f'<span><i style="background:{color_of(k)}"></i>{escape(name)}</span>' for k, name in enumerate(series)
    ) + "</p>"
