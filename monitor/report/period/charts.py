"""The weekly trend chart of a pack as inline SVG (no script, works offline and in print).

Lines for % up, % aktif and % mobile-friendly (0-100) over the weeks, each with its own dash
pattern and a written legend (never colour alone, WCAG 2.1 SC 1.4.1), and a strip of bars
below for the number of hacked sites. The SVG scales to the page width (viewBox) so it is
readable at 360 px and on A4. Every label passes through ``markupsafe.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from monitor.report.i18n import format_number
from monitor.report.period.model import WeekFigures
from monitor.report.period.words import say

W, H = 320, 178
LEFT, RIGHT, TOP, PLOT_H, STRIP_H = 32, 8, 8, 110, 22
SERIES = (("uptime_pct", "s_uptime", "#1a7f37", ""),
          ("aktif_pct", "s_aktif", "#0550ae", "6 3"),
          ("mobile_pct", "s_mobile", "#8250df", "2 2"))
HACKED = "#cf222e"


def trend_chart(name: str, weeks: Sequence[WeekFigures], lang: str) -> Markup:
    n = max(len(weeks), 1)
    step = (W - LEFT - RIGHT) / max(n - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(pct: float) -> float:
        return TOP + PLOT_H * (1 - pct / 100)

    parts = [f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
             f'stroke="#d0d7de" stroke-width="0.5"/><text x="{LEFT - 3}" y="{y(v) + 3:.1f}" '
             f'text-anchor="end">{v}%</text>' for v in (0, 50, 100)]
    alt = []
    for attr, key, colour, dash in SERIES:
        points = [(i, getattr(w, attr)) for i, w in enumerate(weeks)]
        parts += _polylines(points, x, y, colour, dash)
        values = [v for _, v in points if v is not None]
        if values:
            alt.append(f"{say(lang, key)} {format_number(values[0], lang)}% → "
                       f"{format_number(values[-1], lang)}%")
    top = max([w.hacked for w in weeks] + [1])
    base = TOP + PLOT_H + 8 + STRIP_H
    bar_w = max(step * 0.7, 1.0)
    for i, w in enumerate(weeks):
        if w.hacked:
            h = STRIP_H * w.hacked / top
            parts.append(f'<rect x="{x(i) - bar_w / 2:.1f}" y="{base - h:.1f}" '
                         f'width="{bar_w:.1f}" height="{h:.1f}" fill="{HACKED}"/>')
    parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{base}" y2="{base}" '
                 f'stroke="#8c959f" stroke-width="0.5"/>')
    parts.append(f'<text x="{LEFT - 3}" y="{base}" text-anchor="end">{top}</text>')
    alt.append(f"{say(lang, 's_hacked')} max {top}")
    for i in _tick_indexes(n):
        if i < len(weeks):
            anchor = "end" if i == n - 1 and n > 1 else "middle"
            parts.append(f'<text x="{x(i):.1f}" y="{base + 12}" text-anchor="{anchor}">'
                         f'{escape(weeks[i].label[-3:])}</text>')
    parts.append(_legend(lang, base + 24))
    label = escape(say(lang, "chart_alt", name=name, series="; ".join(alt)))
    return Markup(
        f'<svg class="trend" role="img" aria-label="{label}" viewBox="0 0 {W} {H + 20}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" font-size="10" '
        f'font-family="sans-serif" fill="#424a53"><title>{label}</title>'
        f"{''.join(parts)}</svg>")


def _polylines(points: Sequence[tuple[int, float | None]], x: object, y: object,
               colour: str, dash: str) -> list[str]:
    """One polyline per run of weeks with data: a week without data breaks the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in points:
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, v))
    out = []
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for run in runs:
        if not run:
            continue
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)  # type: ignore[operator]
        if len(run) == 1:
            i, v = run[0]
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="1.5" '  # type: ignore[operator]
                       f'fill="{colour}"/>')
        else:
            out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                       f'stroke-width="1.5"{dash_attr}/>')
    return out


def _tick_indexes(n: int) -> list[int]:
    if n <= 6:
        return list(range(n))
    return sorted({round(k * (n - 1) / 4) for k in range(5)})


def _legend(lang: str, y0: float) -> str:
    items = []
    xs = (LEFT, LEFT + 95, LEFT + 190)
    for (_, key, colour, dash), x0 in zip(SERIES, xs, strict=True):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<line x1="{x0}" x2="{x0 + 14}" y1="{y0}" y2="{y0}" stroke="{colour}" '
                     f'stroke-width="2"{dash_attr}/><text x="{x0 + 17}" y="{y0 + 3}">'
                     f"{escape(say(lang, key))}</text>")
    y1 = y0 + 12
    items.append(f'<rect x="{LEFT}" y="{y1 - 4}" width="8" height="8" fill="{HACKED}"/>'
                 f'<text x="{LEFT + 11}" y="{y1 + 3}">{escape(say(lang, "s_hacked"))}</text>')
    return "".join(items)
