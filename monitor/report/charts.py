"""Inline SVG charts: no script, no external file, so a report works offline, in email and
in print.

Each chart has ``role="img"`` and a text alternative (WCAG 2.1 SC 1.1.1), and its colours are
paired with written labels, never colour alone (SC 1.4.1). Every label passes through
``markupsafe.escape``. Charts scale to their box (``viewBox``), so they fit a 360 px phone.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from monitor.core.words import format_number, t
from monitor.report.model import DayCount, Headline, SiteWeek

UP = "#1a7f37"  # 5.1:1 on white (WCAG AA for graphics needs 3:1)
DOWN = "#cf222e"  # 5.4:1
NONE = "#8c959f"  # 3.0:1
BEFORE = "#8c959f"
BAR_W, GAP, HEIGHT = 10, 3, 24
MAX_RESPONSE_BARS = 12  # the slowest sites; a city of 147 would be a page of bars


def _svg(label: str, width: float, height: float, body: str, css: str = "chart") -> Markup:
    text = escape(label)
    return Markup(
        f'<svg class="{css}" role="img" aria-label="{text}" viewBox="0 0 {width:g} {height:g}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{text}</title>{body}</svg>')


def daily_bars(days: Sequence[DayCount], lang: str) -> Markup:
    """Seven small bars, one per day: the green part is the share of checks that succeeded."""
    labels, bars = [], []
    for i, day in enumerate(days):
        x = i * (BAR_W + GAP)
        total = day.up + day.down
        if total == 0:
            labels.append(t(lang, "chart_daily_none", day=day.label))
            bars.append(f'<rect x="{x}" y="{HEIGHT - 3}" width="{BAR_W}" height="3" '
                        f'fill="{NONE}"/>')
            continue
        labels.append(t(lang, "chart_daily_alt", day=day.label, up=day.up, down=day.down))
        up_h = round(HEIGHT * day.up / total, 1)
        if up_h < HEIGHT:
            bars.append(f'<rect x="{x}" y="0" width="{BAR_W}" height="{HEIGHT - up_h}" '
                        f'fill="{DOWN}"/>')
        if up_h > 0:
            bars.append(f'<rect x="{x}" y="{HEIGHT - up_h}" width="{BAR_W}" height="{up_h}" '
                        f'fill="{UP}"/>')
    width = len(days) * (BAR_W + GAP) - GAP
    label = escape("; ".join(labels))
    return Markup(
        f'<svg class="bars" role="img" aria-label="{label}" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>{''.join(bars)}</svg>")


def daily_totals(sites: Sequence[SiteWeek], lang: str) -> Markup:
    """All checks of a group per day, succeeded stacked on failed, with the day's name."""
    days: list[DayCount] = []
    for site in sites:
        for i, day in enumerate(site.daily):
            if i == len(days):
                days.append(DayCount(day.day, day.label, 0, 0))
            days[i] = DayCount(day.day, day.label, days[i].up + day.up, days[i].down + day.down)
    if not days:
        return Markup("")
    top = max((d.up + d.down for d in days), default=0) or 1
    col, h, base = 44, 90, 104
    body, labels = [], []
    for i, day in enumerate(days):
        x = i * col + 6
        up_h, down_h = h * day.up / top, h * day.down / top
        labels.append(t(lang, "chart_daily_alt", day=day.label, up=day.up, down=day.down))
        body.append(f'<rect x="{x}" y="{base - up_h:.1f}" width="32" height="{up_h:.1f}" '
                    f'fill="{UP}"/>')
        body.append(f'<rect x="{x}" y="{base - up_h - down_h:.1f}" width="32" '
                    f'height="{down_h:.1f}" fill="{DOWN}"/>')
        body.append(f'<text x="{x + 16}" y="{base + 14}" font-size="11" text-anchor="middle">'
                    f"{escape(day.label)}</text>")
        if day.down:
            body.append(f'<text x="{x + 16}" y="{base - up_h - down_h - 3:.1f}" font-size="10" '
                        f'text-anchor="middle" fill="{DOWN}">{day.down}</text>')
    return _svg("; ".join(labels), col * len(days), base + 20, "".join(body))


def response_bars(sites: Sequence[SiteWeek], lang: str) -> Markup:
    """Median response time per site, slowest first (the ones a reader might ask about)."""
    timed = sorted((s for s in sites if s.median_ms is not None),
                   key=lambda s: -(s.median_ms or 0))[:MAX_RESPONSE_BARS]
    if not timed:
        return Markup("")
    top = max(s.median_ms or 0 for s in timed) or 1
    row, width, label_w = 20, 340, 120
    body, labels = [], []
    for i, site in enumerate(timed):
        y = i * row
        ms = site.median_ms or 0
        w = (width - label_w - 60) * ms / top
        text = f"{format_number(ms, lang, 0)} ms"
        labels.append(f"{site.name} {text}")
        name = site.name if len(site.name) <= 18 else site.name[:17] + "…"
        colour = DOWN if ms >= 3000 else ("#bf8700" if ms >= 1000 else UP)
        body.append(f'<text x="{label_w - 4}" y="{y + 14}" font-size="11" text-anchor="end">'
                    f"{escape(name)}</text>")
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="12" '
                    f'fill="{colour}"/>')
        body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">'
                    f"{escape(text)}</text>")
    return _svg("; ".join(labels), width, row * len(timed), "".join(body))


def week_pairs(now: Headline, before: Headline | None, lang: str) -> Markup:
    """This week beside last week for the counts a reader follows."""
    if before is None:
        return Markup("")
    keys = ("up", "down", "aktif", "needs_action")
    fields = ("up", "down", "aktif", "needs_action")
    top = max([getattr(now, f) for f in fields] + [getattr(before, f) for f in fields]) or 1
    row, label_w, width = 34, 120, 340
    body, labels = [], []
    for i, (key, f) in enumerate(zip(keys, fields, strict=True)):
        y = i * row
        name = t(lang, key)
        a, b = getattr(now, f), getattr(before, f)
        labels.append(f"{name}: {t(lang, 'chart_now')} {a}, {t(lang, 'chart_before')} {b}")
        span = width - label_w - 30
        body.append(f'<text x="0" y="{y + 13}" font-size="11">{escape(name)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{span * a / top:.1f}" height="11" '
                    f'fill="{UP if key in ("up", "aktif") else DOWN}"/>')
        body.append(f'<text x="{label_w + span * a / top + 3:.1f}" y="{y + 12}" '
                    f'font-size="10">{a}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 16}" width="{span * b / top:.1f}" height="8" '
                    f'fill="{BEFORE}"/>')
        body.append(f'<text x="{label_w + span * b / top + 3:.1f}" y="{y + 24}" '
                    f'font-size="9" fill="#424a53">{b}</text>')
    return _svg("; ".join(labels), width, row * len(keys), "".join(body))


def share_bar(parts: Sequence[tuple[str, int, str]], title: str) -> Markup:
    """One horizontal bar split by count: parts are (name, count, colour). Its text
    alternative lists every part with its count ("Keaktifan: Aktif 4, Kurang aktif 1")."""
    total = sum(count for _, count, _ in parts)
    pieces = []
    x = 0.0
    for name, count, colour in parts:
        if total == 0 or count == 0:
            continue
        w = 100 * count / total
        pieces.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="10" '
                      f'fill="{escape(colour)}"><title>{escape(name)}: {count}</title></rect>')
        x += w
    if not pieces:
        pieces.append(f'<rect x="0" y="0" width="100" height="10" fill="{NONE}"/>')
    text = escape(f"{title}: " + ", ".join(f"{name} {count}" for name, count, _ in parts))
    return Markup(
        f'<svg class="share" role="img" aria-label="{text}" viewBox="0 0 100 10" '
        f'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{text}</title>{''.join(pieces)}</svg>")
