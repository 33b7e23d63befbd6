"""`monitor demo`: the whole job on a simulated fleet, with no internet and no setup.

Ten real areas of Kota Bandar Lampung get scripted websites on loopback (monitor/demo/fleet.py): a
lively WordPress site, a stale one, one hacked with online-gambling (judi) spam, one that is
not usable on a phone, one that is down all week, one that goes down midweek, and two areas
with no website. The demo writes a targets.csv and a SQLite database into its folder, sweeps
the fleet four times across the last complete week (a shifted clock: Monday, Wednesday,
Friday and Sunday, Asia/Jakarta), and writes that week's reports.

``EXPECTED`` is the script's answer per area and ``EXPECTED_HEADLINE`` the counts on top of
the city report; tests/test_demo.py holds the written report to them.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.core import settings
from monitor.core.clock import iso_week_bounds, last_complete_week, system_clock, to_jakarta
from monitor.core.errors import UsageError
from monitor.core.words import MONTHS
from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page, Route
from monitor.demo.pages import DEVICE, RESPONSIVE_CSS
from monitor.demo.receiver import Receiver
from monitor.service.jobs import SweepSummary, run_sweep
from monitor.store import Store
from monitor.sweep.sweeper import SweepOptions
from monitor.targets import loader as targets

log = logging.getLogger(__name__)

SWEEPS = (timedelta(hours=9), timedelta(days=2, hours=9), timedelta(days=4, hours=9),
          timedelta(days=6, hours=21))  # Mon 09:00, Wed 09:00, Fri 09:00, Sun 21:00 WIB
GOES_DOWN_AT = 2  # the midweek site answers 503 from the third sweep on


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name: str
    kecamatan: str
    kind: str  # fresh, stale, judi, not_mobile, kurang, down, goes_down, none
    post_age: int = 0  # days before the demo week's Monday of the newest post

    @property
    def email(self) -> str:
        return f"{self.name.lower().replace(' ', '')}@demo.example"


AREAS = (
    Area("18.71", "kota", "Kota Bandar Lampung", "", "fresh", 2),
    Area("18.71.01", "kecamatan", "Kedaton", "Kedaton", "fresh", 1),
    Area("18.71.01.1004", "kelurahan", "Surabaya", "Kedaton", "judi", 45),
    Area("18.71.01.1006", "kelurahan", "Sidodadi", "Kedaton", "stale", 200),
    Area("18.71.01.1010", "kelurahan", "Penengahan", "Kedaton", "none"),
    Area("18.71.02", "kecamatan", "Sukarame", "Sukarame", "not_mobile", 10),
    Area("18.71.02.1003", "kelurahan", "Sukarame", "Sukarame", "none"),
    Area("18.71.02.1004", "kelurahan", "Way Dadi", "Sukarame", "down"),
    Area("18.71.02.1008", "kelurahan", "Korpri Jaya", "Sukarame", "kurang", 60),
    Area("18.71.02.1009", "kelurahan", "Korpri Raya", "Sukarame", "goes_down", 3),
)

# code: (available, activity, mobile_friendly, content_flags) of the week's last result
EXPECTED: dict[str, tuple[bool | None, str, bool | None, list[str]]] = {
    "18.71": (True, "aktif", True, []),
    "18.71.01": (True, "aktif", True, []),
    "18.71.01.1004": (True, "kurang_aktif", True, ["judi_spam"]),
    "18.71.01.1006": (True, "tidak_aktif", True, []),
    "18.71.01.1010": (None, "tidak_ada_situs", None, []),
    "18.71.02": (True, "aktif", False, []),
    "18.71.02.1003": (None, "tidak_ada_situs", None, []),
    "18.71.02.1004": (False, "tidak_diketahui", None, []),
    "18.71.02.1008": (True, "kurang_aktif", True, []),
    "18.71.02.1009": (False, "aktif", None, []),  # dated by its posts seen before it went down
}

EXPECTED_HEADLINE = {
    "areas": 10, "with_site": 8, "no_site": 2, "up": 6, "down": 2, "mobile_friendly": 5,
    "aktif": 4, "kurang_aktif": 2, "tidak_aktif": 1, "tidak_diketahui": 1, "hacked": 1,
    "needs_action": 6,  # websites: all but the two lively ones (down, stale, hacked, phone)
}


# -- pages ----------------------------------------------------------------------------------
BULAN = MONTHS["id"]  # the fleet's pages are Indonesian sites
NEWS = ("Musyawarah perencanaan pembangunan", "Posyandu balita dan lansia",
        "Kerja bakti membersihkan saluran air", "Pelayanan KTP elektronik keliling")
SPAM = ('<div style="display:none"><a href="https://slot88-gacor.example/">slot gacor '
        'hari ini maxwin</a> <a href="https://rtp-live.example/">situs judi online '
        'terpercaya, deposit pulsa</a></div>')
FIXED_CSS = ("body { margin: 0; font: 15px sans-serif; } "
             ".wrap { width: 1000px; margin: 0 auto; } .side { float: left; width: 300px; }")


def _post(area: Area, day: date, title: str) -> str:
    return (f'<article class="post"><h2><a href="/berita/{day.isoformat()}/">{title}</a></h2>'
            f'<time class="entry-date published" datetime="{day.isoformat()}T08:15:00+07:00">'
            f"{day.day} {BULAN[day.month - 1]} {day.year}</time><p>{title} di {area.name} "
            "berjalan lancar bersama warga, ketua RT dan aparat kelurahan.</p></article>")


def _posts(area: Area, monday: date) -> list[date]:
    newest = monday - timedelta(days=area.post_age)
    return [newest - timedelta(days=9 * i) for i in range(len(NEWS))]


def home_page(area: Area, monday: date) -> str:
    """A WordPress-like home page: header, dated posts, a feed link, and the kind's fault."""
    mobile = area.kind != "not_mobile"
    head = (DEVICE + '<link rel="stylesheet" href="/style.css">') if mobile else (
        f"<style>{FIXED_CSS}</style>")
    posts = "".join(_post(area, d, t) for d, t in zip(_posts(area, monday), NEWS, strict=True))
    spam = SPAM if area.kind == "judi" else ""
    level = {"kota": "Pemerintah", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"}
    title = f"{level[area.level]} {area.name.removeprefix('Kota ')}"
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{title}'
            f'</title>{head}<link rel="alternate" type="application/rss+xml" href="/feed/">'
            f'</head><body><div class="wrap"><header><h1>{title}</h1><nav class="menu">'
            '<a href="/">Beranda</a> <a href="/profil/">Profil</a> <a href="/layanan/">'
            f"Layanan</a></nav></header><main>{posts}</main>{spam}<footer><p>{title}, Kota "
            "Bandar Lampung, Lampung.</p></footer></div></body></html>")


def feed(area: Area, monday: date) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>/berita/{d.isoformat()}/</link>"
        f"<pubDate>{d.strftime('%a, %d %b %Y')} 08:15:00 +0700</pubDate></item>"
        for d, t in zip(_posts(area, monday), NEWS, strict=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>'
            f"{area.name}</title>{items}</channel></rss>")


def fleet_site(area: Area, monday: date, sweep_no: Callable[[], int]) -> FleetSite:
    if area.kind == "down":
        return FleetSite(area.code, tls="valid", refused=True)
    up = Page(body=home_page(area, monday))
    routes: dict[str, Route] = {
        "/": up,
        "/feed/": Page(body=feed(area, monday), content_type="application/rss+xml"),
        "/style.css": Page(body=RESPONSIVE_CSS, content_type="text/css"),
    }
    if area.kind == "goes_down":

        def home(_request: FleetRequest) -> Page:
            if sweep_no() >= GOES_DOWN_AT:
                return Page(status=503, body="<h1>503 Service Unavailable</h1>")
            return up

        routes["/"] = home
    return FleetSite(area.code, routes, tls="valid")  # HTTPS: its own CA, trusted below


# -- the run --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoRun:
    folder: Path
    targets: Path
    db_url: str
    year: int
    week: int
    sweeps: list[SweepSummary]
    city_report: Path | None
    alerts: tuple[dict[str, Any], ...] = ()  # what the demo's alert channel received


def write_targets(path: Path, fleet: Fleet) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(targets.COLUMNS)
        for area in AREAS:
            url = "" if area.kind == "none" else fleet.url(area.code)
            writer.writerow([area.code, area.level, area.name, area.kecamatan, url, area.email])
    return path


def shifted_clock(start: datetime) -> Callable[[], datetime]:
    """Runs at real speed from ``start`` (durations stay true; dates are the demo week's)."""
    offset = start - system_clock()
    return lambda: system_clock() + offset


def default_options() -> dict[str, Any]:
    """Every setting at its default: the demo does not depend on the user's monitor.toml."""
    return dict(settings.DEFAULTS.values)  # converted as settings are (bool("false") is True)


MARKER = ".monitor-demo"


def _claim(folder: Path) -> None:
    """Make ``folder`` the demo's, replacing an earlier demo database; never anyone else's."""
    marker = folder / MARKER
    if folder.exists() and not marker.exists() and any(folder.glob("monitor.db*")):
        raise UsageError(f"{folder} holds a monitor.db that the demo did not create: "
                         "choose another --dir")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text("written by `monitor demo`; the demo may replace this folder's "
                          "monitor.db\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"demo folder {folder}: {exc.strerror or exc}") from None
    for old in folder.glob("monitor.db*"):
        old.unlink()


def run_demo(folder: Path, *, now: datetime | None = None, lang: str = "id") -> DemoRun:
    """Build the demo in ``folder`` (its earlier database is replaced) and write the report."""
    now = now or system_clock()
    year, week = last_complete_week(now)
    start, _end = iso_week_bounds(year, week)
    monday = to_jakarta(start).date()
    _claim(folder)
    db_url = f"sqlite:///{folder / 'monitor.db'}"
    store = Store.open(db_url)
    state = {"sweep": 0}
    options = SweepOptions(timeout=5.0, concurrency=20, retry_pause=0.2,
                           check_options=default_options())
    sites = [fleet_site(a, monday, lambda: state["sweep"]) for a in AREAS if a.kind != "none"]
    summaries = []
    # Alerts go to a webhook receiver on loopback (an Apprise json:// channel) so the demo
    # shows what a Telegram group would get, with no account and no internet.
    with Fleet(sites) as fleet, Receiver() as inbox:
        options = replace(options, check_options={**options.check_options,
                                                  "alert_urls": inbox.apprise_url})
        targets_path = write_targets(folder / "targets.csv", fleet)
        loaded = targets.load(targets_path)
        for number, offset in enumerate(SWEEPS):
            state["sweep"] = number
            summary = run_sweep(store, loaded, options, ssl_context=fleet.client_ssl_context(),
                                clock=shifted_clock(start + offset))
            log.info("%s", summary.line())
            summaries.append(summary)
        received = tuple(inbox.messages)
    city = write_report(store, folder / "reports", year, week, lang=lang)
    return DemoRun(folder, targets_path, db_url, year, week, summaries, city, received)


def write_report(store: Store, out_dir: Path, year: int, week: int, *, lang: str) -> Path:
    """The week's reports, with their A4 PDFs when Chromium is installed (as `monitor
    report` writes them)."""
    from monitor.report import write_week
    from monitor.report.pdf import PdfPrinter

    with PdfPrinter() as printer:
        files = write_week(store, out_dir, year, week, lang=lang, pdf=printer)
    if files.pdf_problem:
        log.warning("no PDF made (%s); the reports are HTML only", files.pdf_problem)
    return files.city
