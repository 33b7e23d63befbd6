"""Render a period pack (period/model.py) to self-contained HTML pages with Jinja2.

Autoescape is always on and undefined names are errors, as in the weekly reports: text that
came from a site (evidence, a hacked page's words) shows as text, never as markup.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from monitor.report.i18n import format_date, format_datetime, format_number
from monitor.report.period.charts import trend_chart
from monitor.report.period.model import AreaTrend, Incident, PeriodPack
from monitor.report.period.words import STRINGS, say

MAX_INCIDENTS_SHOWN = 60  # per page; all of them are in incidents.csv and data.json


def environment() -> Environment:
    return Environment(loader=PackageLoader("monitor", "templates/report"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def shown_incidents(area: AreaTrend) -> tuple[list[Incident], int, int]:
    """What a page lists: every hacked or suspended spell and the outages longer than one
    check, newest rules first; plus how many single-check outages and how many more exist."""
    long = [i for i in area.incidents if i.kind != "down" or i.sweeps > 1]
    short = len(area.incidents) - len(long)
    return long[:MAX_INCIDENTS_SHOWN], short, max(len(long) - MAX_INCIDENTS_SHOWN, 0)


def render(pack: PeriodPack, area: AreaTrend, *, sha256: str, generated: datetime,
           env: Environment | None = None) -> str:
    env = env or environment()
    name = "period_city.html" if area.level == "kota" else "period_kecamatan.html"
    shown, short, more = shown_incidents(area)
    return env.get_template(name).render(
        pack=pack, area=area, sha256=sha256, generated=generated, lang=pack.lang,
        shown=shown, short_outages=short, more_incidents=more, **helpers(pack.lang))


def helpers(lang: str) -> dict[str, Any]:
    def pct(value: float | None) -> str:
        return "-" if value is None else format_number(value, lang) + "%"

    def fdate(value: date | datetime | None) -> str:
        return "-" if value is None else format_date(value, lang, weekday=False)

    def fdt(value: datetime | None) -> str:
        return "-" if value is None else format_datetime(value, lang)

    def duration(hours: float) -> str:
        if hours < 48:
            return say(lang, "hours", n=format_number(hours, lang))
        return say(lang, "days", n=format_number(hours / 24, lang))

    def act(value: str) -> str:
        return say(lang, f"act_{value}") if value else "-"

    def yesno(value: bool | None) -> str:
        return "-" if value is None else say(lang, "yes" if value else "no")

    def change(item: str) -> str:
        """'activity:tidak_aktif>aktif', 'mobile', 'aktif_pct:+14.3', 'hacked:+1' in words."""
        name, _, value = item.partition(":")
        if name == "activity":
            a, _, b = value.partition(">")
            return say(lang, "ch_activity", a=act(a), b=act(b))
        if name == "hacked" and value:
            return say(lang, "ch_hacked_n", d=value)
        if value:
            number = format_number(abs(float(value)), lang)
            return say(lang, f"ch_{name}", d=("+" if float(value) > 0 else "−") + number)
        return say(lang, f"ch_{name}")

    def chart(area: AreaTrend) -> Any:
        return trend_chart(area.name, area.weeks, lang)

    return {"_": lambda key, **kw: say(lang, key, **kw), "pct": pct, "fdate": fdate,
            "fdt": fdt, "duration": duration, "act": act, "yesno": yesno, "change": change,
            "chart": chart, "num": lambda v: format_number(v, lang, 0),
            "n1": lambda v: "-" if v is None else format_number(v, lang),
            "status": lambda v: say(lang, f"rv_{v}") if f"rv_{v}" in STRINGS["id"] else v}
