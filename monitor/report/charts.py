"""Inline SVG charts: no script, no external file, so a report works offline and in email.

Each chart has ``role="img"`` and a text alternative (WCAG 2.1 SC 1.1.1), and its colours are
paired with a written legend, never colour alone (SC 1.4.1). Every label passes through
``markupsafe.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from monitor.report.i18n import t
from monitor.report.model import DayCount

UP = "#1a7f37"  # 5.1:1 on white (WCAG AA for graphics needs 3:1)
DOWN = "#cf222e"  # 5.4:1
NONE = "#8c959f"  # 3.0:1
BAR_W, GAP, HEIGHT = 10, 3, 24


def daily_bars(days: Sequence[DayCount], lang: str) -> Markup:
    """Seven small bars, one per day: the green part is the share of checks that succeeded."""
    labels = []
    bars = []
    for i, day in enumerate(days):
        x = i * (BAR_W + GAP)
        total = day.up + day.down
        if total == 0:
            labels.append(t(lang, "day_chart_none", day=day.label))
            bars.append(f'<rect x="{x}" y="{HEIGHT - 3}" width="{BAR_W}" height="3" '
                        f'fill="{NONE}"/>')
            continue
        labels.append(t(lang, "day_chart", day=day.label, up=day.up, down=day.down))
        up_h = round(HEIGHT * day.up / total, 1)
        bars.append(f'<rect x="{x}" y="0" width="{BAR_W}" height="{HEIGHT - up_h}" '
                    f'fill="{DOWN}"/>' if up_h < HEIGHT else "")
        bars.append(f'<rect x="{x}" y="{HEIGHT - up_h}" width="{BAR_W}" height="{up_h}" '
                    f'fill="{UP}"/>' if up_h > 0 else "")
    width = len(days) * (BAR_W + GAP) - GAP
    label = escape("; ".join(labels))
    return Markup(
        f'<svg class="bars" role="img" aria-label="{label}" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>{''.join(bars)}</svg>"
    )


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
        f"<title>{text}</title>{''.join(pieces)}</svg>"
    )
