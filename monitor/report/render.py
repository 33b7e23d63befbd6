"""Render the report objects to self-contained HTML with Jinja2.

Autoescape is always on (every template, whatever its name) and undefined names are errors, so
a page title like ``<script>`` from a hacked site shows as text and a typo in a template fails
the tests instead of printing nothing. Templates only lay out finished data (report.model).
Only http(s) addresses become links; anything else a check recorded is shown as text.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from monitor.report import charts
from monitor.report.i18n import (
    day_name,
    format_date,
    format_datetime,
    format_number,
    format_pct,
    t,
    word,
)
from monitor.report.model import KecamatanWeek, SiteWeek, WeekReport

log = logging.getLogger(__name__)

MAX_SCREENSHOT_BYTES = 1_500_000  # a 360x640 PNG is ~50-400 KB; more is not a screenshot
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def environment() -> Environment:
    """The one Jinja environment of the reports (templates ship inside the package)."""
    env = Environment(
        loader=PackageLoader("monitor", "templates/report"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(href=safe_href, data_uri=screenshot_uri, signed=_signed)
    env.globals.update(daily_bars=charts.daily_bars, share_bar=charts.share_bar,
                       daily_totals=charts.daily_totals, response_bars=charts.response_bars,
                       week_pairs=charts.week_pairs, no_site_groups=no_site_groups)
    return env


def no_site_groups(sites: Sequence[SiteWeek], lang: str) -> list[tuple[str, list[str]]]:
    """Areas without a website, one line per kecamatan: ("Kedaton", ["Kedaton", ...]), in the
    order given (the verdicts' needs-action order, so every list of the report agrees)."""
    groups: dict[str, list[str]] = {}
    for site in sites:
        if site.has_site:
            continue
        key = site.kecamatan or t(lang, "kota")
        label = site.name if site.level != "kecamatan" else f"{site.name} ({site.level})"
        groups.setdefault(key, []).append(label)
    return list(groups.items())


def footer_text(report: WeekReport, kec: KecamatanWeek | None = None) -> str:
    """The PDF footer: which report, which week, and the fingerprint of the data it covers."""
    lang = report.lang
    title = t(lang, "kec_title", name=kec.name) if kec else t(lang, "city_title")
    first = format_date(report.period.first_day, lang, weekday=False)
    last = format_date(report.period.last_day, lang, weekday=False)
    period = f"{report.period.label} ({first} - {last})"
    return t(lang, "pdf_footer", title=title, period=period, sha=report.data_sha256[:16])


def render_city(report: WeekReport, env: Environment | None = None) -> str:
    """reports/YYYY-Www/index.html for Diskominfotik."""
    everyone = ([report.city_site] if report.city_site else []) + [
        s for k in report.kecamatan for s in k.sites]
    return _render(env, "city.html", report, kec=None, everyone=everyone)


def render_kecamatan(report: WeekReport, kec: KecamatanWeek,
                     env: Environment | None = None) -> str:
    """reports/YYYY-Www/kecamatan-<slug>.html for one camat."""
    return _render(env, "kecamatan.html", report, kec=kec)


def _render(env: Environment | None, name: str, report: WeekReport,
            kec: KecamatanWeek | None, **extra: Any) -> str:
    env = env or environment()
    return env.get_template(name).render(report=report, kec=kec, lang=report.lang,
                                         **_helpers(report.lang), **extra)


def _helpers(lang: str) -> dict[str, Callable[..., str]]:
    def fdate(value: date | datetime | None, weekday: bool = True) -> str:
        return "-" if value is None else format_date(value, lang, weekday=weekday)

    def fdatetime(value: datetime | None) -> str:
        return "-" if value is None else format_datetime(value, lang)

    return {
        "_": partial(t, lang),
        "fnum": lambda v, d=0: format_number(v, lang, d),
        "w": partial(word, lang),
        "fdate": fdate,
        "fdatetime": fdatetime,
        "dayname": lambda d: day_name(d, lang),
        "pct": lambda v: format_pct(v, lang),
        "num": lambda v: format_number(v, lang),
        "ms": partial(_ms, lang),
    }


def safe_href(url: Any) -> str | None:
    """The URL when it is http(s) and may be a link; None otherwise (shown as text)."""
    if not isinstance(url, str):
        return None
    lowered = url.strip().lower()
    if lowered.startswith(("http://", "https://")) and not any(c in url for c in "\r\n\t"):
        return url.strip()
    return None


def screenshot_uri(path: Path | None) -> str:
    """The screenshot as a data: URI (the report stays one file); '' if unusable."""
    if path is None:
        return ""
    try:
        with path.open("rb") as f:
            content = f.read(MAX_SCREENSHOT_BYTES + 1)
    except OSError as exc:
        log.warning("screenshot %s unreadable: %s", path, exc)
        return ""
    if len(content) > MAX_SCREENSHOT_BYTES:
        log.warning("screenshot %s is larger than %d bytes: left out", path,
                    MAX_SCREENSHOT_BYTES)
        return ""
    for magic, mime in _IMAGE_MAGIC:
        if content.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
    log.warning("screenshot %s is not a PNG or JPEG: left out", path)
    return ""


def _ms(lang: str, value: float | None) -> str:
    """1234.5 -> '1.235 ms' in Indonesian (dot groups thousands), '1,235 ms' in English."""
    if value is None:
        return "-"
    text = f"{value:,.0f}"
    return (text.replace(",", ".") if lang == "id" else text) + " ms"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)
