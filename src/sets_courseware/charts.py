"""Small SVG charts drawn without a plotting library (fast to import on the Voilà page)."""

from __future__ import annotations

import html


def grouped_bars(labels: list[str], series: list[tuple[str, str, list[float]]], title: str,
                 width: int = 640, height: int = 280, max_value: float = 100) -> str:
    """Bars per label for each (name, colour, values) series, 0..max_value, with a legend."""
    left, right, top, bottom = 40, 10, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n, k = max(len(labels), 1), max(len(series), 1)
    group_w = plot_w / n
    bar_w = group_w * 0.7 / k
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" style="font:12px sans-serif">',
             f'<title>{html.escape(title)}</title>',
             f'<text x="{left}" y="16" font-weight="bold">{html.escape(title)}</text>']
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * tick / max_value
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, label in enumerate(labels):
        gx = left + i * group_w + group_w * 0.15
        for j, (name, colour, values) in enumerate(series):
            v = max(0.0, min(max_value, values[i]))
            h = plot_h * v / max_value
            x = gx + j * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{html.escape(name)} {html.escape(label)}: {v:.0f}</title></rect>')
        parts.append(f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{html.escape(label)}</text>')
    lx = left
    for name, colour, _ in series:
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{height - 5}">{html.escape(name)}</text>')
        lx += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)
