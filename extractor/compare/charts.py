"""Inline SVG charts for the report: coverage heatmap and target timelines (no scripts, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
_HEAT = ("#f1f1f1", "#b7e1b0", "#6cbf63", "#2e8b3a")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def heatmap(rows: Sequence[tuple[str, str, Sequence[int]]], columns: Sequence[str]) -> str:
    """Reference tasks (id, title, plan tasks per province) × provinces; darker = more tasks."""
    cw, ch, left, top = 64, 26, 300, 96
    width = left + cw * len(columns) + 10
    height = top + ch * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="heatmap" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        "<title>Bản đồ nhiệt: số nhiệm vụ của tỉnh khớp từng nhiệm vụ của Chương trình</title>",
    ]
    for j, name in enumerate(columns):
        x = left + cw * j + cw / 2
        out.append(
            f'<text x="{x:.0f}" y="{top - 8}" transform="rotate(-35 {x:.0f} {top - 8})">'
            f"{escape(_short(name, 16))}</text>"
        )
    for i, (rid, title, counts) in enumerate(rows):
        y = top + ch * i
        out.append(f'<text x="4" y="{y + 17}">{escape(rid)}. {escape(_short(title, 44))}</text>')
        for j, count in enumerate(counts):
            fill = _HEAT[min(count, len(_HEAT) - 1)]
            state = f"{count} nhiệm vụ" if count else "không có"
            out.append(
                f'<rect x="{left + cw * j}" y="{y}" width="{cw - 2}" height="{ch - 2}" fill="{fill}">'
                f"<title>{escape(columns[j])} – nhiệm vụ {escape(rid)}: {state}</title></rect>"
            )
            if count:
                out.append(f'<text x="{left + cw * j + cw / 2 - 4:.0f}" y="{y + 17}">{count}</text>')
    out.append("</svg>")
    return "".join(out)


def timeline(line: dict, provinces: Sequence[str], years: tuple[int, int] = (2025, 2045)) -> str:
    """One indicator: national targets as a dashed line, provinces' as points (red ring: deviation)."""
    w, h, left, bottom, top = 420, 220, 44, 30, 28
    values = [v for _, v in line["national"]] + [v for pts in line["provinces"].values() for _, v in pts]
    vmax = max([100.0, *values]) if any(v > 30 for v in values) else max([30.0, *values])
    y0, y1 = years

    def x(year: int) -> float:
        return left + (w - left - 10) * (year - y0) / max(1, y1 - y0)

    def y(value: float) -> float:
        return h - bottom - (h - bottom - top) * value / vmax

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="timeline" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(line['indicator'])}</title>",
        f'<text x="4" y="14" font-weight="bold">{escape(_short(line["indicator"], 64))}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#888"/>',
    ]
    for year in range(y0, y1 + 1, 5):
        out.append(f'<text x="{x(year):.0f}" y="{h - bottom + 14}" text-anchor="middle">{year}</text>')
    for tick in (0, vmax / 2, vmax):
        out.append(f'<text x="4" y="{y(tick) + 4:.0f}">{tick:g}</text>')
    national = dict(line["national"])
    if line["national"]:
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in sorted(line["national"]))
        out.append(
            f'<polyline points="{pts}" fill="none" stroke="#444" stroke-dasharray="5 3">'
            "<title>Chỉ tiêu quốc gia</title></polyline>"
        )
    for k, name in enumerate(provinces):
        colour = PALETTE[k % len(PALETTE)]
        for yr, v in sorted(line["provinces"].get(name, [])):
            off = (k - (len(provinces) - 1) / 2) * 3  # provinces on the national value stay visible
            deviates = yr in national and abs(national[yr] - v) > 1e-9
            ring = ' stroke="#d00" stroke-width="2"' if deviates else ""
            out.append(
                f'<circle cx="{x(yr) + off:.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"{ring}>'
                f"<title>{escape(name)} {yr}: {v:g}</title></circle>"
            )
    out.append("</svg>")
    return "".join(out)


def legend(provinces: Sequence[str]) -> str:
    """Colour key of the provinces in the timelines."""
    items = "".join(
        f'<span class="key"><svg width="10" height="10"><circle cx="5" cy="5" r="4" '
        f'fill="{PALETTE[k % len(PALETTE)]}"/></svg> {escape(name)}</span>'
        for k, name in enumerate(provinces)
    )
    key = '<span class="key">- - chỉ tiêu quốc gia; viền đỏ: khác chỉ tiêu</span>'
    return f'<p class="legend">{items} {key}</p>'
