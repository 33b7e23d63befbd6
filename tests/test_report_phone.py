"""The reports as their readers get them, in Debian's headless Chromium.

A camat reads the kecamatan report on a 360 px phone; an office files the A4 PDF. At 360 px no
page may scroll sideways and no table cell may be crushed below 40 px; the visible text of an
Indonesian report, email and admin page holds no English; the city report for the shipped
targets.csv after an offline sweep fits 6 A4 pages with the outages on page 1.

The run saves phone screenshots and the A4 page 1 (print layout) of the city and a kecamatan
report into ``reports/screenshots/`` (gitignored; see README "Reports") for anyone to look at,
and prints the page heights and PDF page counts.
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import report_seed as seed

from monitor.core.chromium import CHROMIUM, LAUNCH_ARGS
from monitor.core.clock import JAKARTA
from monitor.mail.message import build_message
from monitor.report import WeekFiles, write_week
from monitor.report.pdf import PdfPrinter, pdf_page_count
from monitor.service.jobs import run_sweep
from monitor.store import Store
from monitor.sweep.sweeper import SweepOptions
from monitor.targets import loader

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "reports" / "screenshots"
# Words that must not reach an Indonesian reader (they came from libraries, checks and SPEC
# words before the catalogue): checked in the visible text, <details> closed.
ENGLISH = ("failed", "attempts", "stylesheet", "viewport meta", "hidden block", "hidden-block",
           "media query", "connection", "timeout", "error", "unknown", "not found", "P95",
           "targets.csv", "url = ", "WIB (WIB)", "galat", "Diretas / bermasalah", "judi:",
           "lighthouse:", "data.json", "index.html", "uptime", "mobile", "website", "checks")
# At A4 (210 mm less 12 mm margins each side) a CSS pixel is 1/96 inch: the printed width.
A4_CONTENT = (703, 1020)

_MEASURE = """() => {
  const cells = [...document.querySelectorAll('td, th')]
    .filter(c => c.offsetParent !== null).map(c => c.getBoundingClientRect().width);
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          height: document.documentElement.scrollHeight,
          narrowest: cells.length ? Math.min(...cells) : 999,
          wide: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !e.closest('.scroll'))
            .slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 60)),
          text: document.body.innerText};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> WeekFiles:
    root = tmp_path_factory.mktemp("phone")
    store = Store.open(f"sqlite:///{root / 'monitor.db'}")
    seed.seed_week(store)
    with PdfPrinter() as printer:
        return write_week(store, root / "reports", seed.YEAR, seed.WEEK, now=seed.NOW,
                          options={"contact_phone": "0812-0000-0000"}, pdf=printer)


def english_in(text: str) -> list[str]:
    lowered = text.lower()
    return [w for w in ENGLISH if w.lower() in lowered]


def at_phone(browser: Any, path: Path, shot: str = "") -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(path.resolve().as_uri())
    found: dict[str, Any] = page.evaluate(_MEASURE)
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}-360px.png"), full_page=True)
        page.set_viewport_size({"width": A4_CONTENT[0], "height": A4_CONTENT[1]})
        page.emulate_media(media="print")
        page.screenshot(path=str(SHOTS / f"{shot}-a4-page1.png"))
    page.close()
    return found


@pytest.mark.parametrize("which", ["city", "kedaton"])
def test_phone_width_no_overflow_no_crushed_cell_no_english(
        browser: Any, seeded: WeekFiles, which: str) -> None:
    path = seeded.city if which == "city" else seeded.kecamatan[0].path
    found = at_phone(browser, path, shot=f"{which}-seeded")
    print(f"\n{which} (seeded week) at 360 px: {found['height']} px tall")
    assert found["scroll"] <= found["inner"], found["scroll"]
    assert found["narrowest"] >= 40, found["narrowest"]
    assert english_in(found["text"]) == []
    assert "pukul" in found["text"] and "Bantuan: Diskominfotik" in found["text"]
    assert "0812-0000-0000" in found["text"]


def test_every_report_has_its_pdf(seeded: WeekFiles) -> None:
    assert seeded.pdf_problem == ""
    for pdf in [seeded.city_pdf, *(k.pdf for k in seeded.kecamatan)]:
        assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
        print(f"\n{pdf.name}: {pdf_page_count(pdf.read_bytes())} A4 pages")


def test_kecamatan_with_ten_sites_stays_short(browser: Any, tmp_path: Path) -> None:
    """Ten sites in one kecamatan, several needing action: the phone page stays under
    6,000 px (the goal: a camat scrolls one screen of summary, cards, then a table)."""
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    seed.seed_week(store)
    extra = [seed.target(f"18.71.01.20{i:02d}", "kelurahan", f"Kelurahan Uji {i}", "Kedaton",
                         f"https://uji{i}.example.go.id/") for i in range(6)]
    store.sync_targets([*seed.ALL, *extra], seed.MONDAY)
    at = seed.MONDAY + timedelta(days=5)
    rows = [(t.code, seed._up(t, at, 600 + 100 * i, activity="kurang_aktif" if i % 2 else
                              "aktif")) for i, t in enumerate(extra)]
    seed._sweep(store, at, rows)
    files = write_week(store, tmp_path / "reports", seed.YEAR, seed.WEEK, now=seed.NOW)
    kedaton = files.kecamatan[0]
    assert kedaton.sites == 10
    found = at_phone(browser, kedaton.path, shot="kedaton-10-sites")
    print(f"\nkecamatan with 10 areas at 360 px: {found['height']} px tall")
    assert found["height"] < 6000
    assert found["scroll"] <= found["inner"] and found["narrowest"] >= 40


def test_email_html_has_no_english(seeded: WeekFiles, browser: Any, tmp_path: Path) -> None:
    kec = seeded.kecamatan[0]
    msg = build_message(kec, week=seeded.week, sender="monitor@bandarlampungkota.go.id",
                        to=["camat@example.go.id"])
    html = msg.get_body(("html",))
    assert html is not None
    path = tmp_path / "mail.html"
    path.write_text(html.get_content(), encoding="utf-8")
    found = at_phone(browser, path)
    assert english_in(found["text"]) == [] and found["scroll"] <= found["inner"]
    assert "sebagai PDF" in found["text"]


def _offline(*_args: Any, **_kwargs: Any) -> Any:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_city_report_of_the_shipped_targets_after_an_offline_sweep(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real targets.csv (147 areas, 3 with an address), swept with no DNS: 3 outages.
    The city report stays at most 6 A4 pages and the outages are on page 1."""
    monkeypatch.setattr(socket, "getaddrinfo", _offline)
    targets = loader.load(REPO / "targets.csv")
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    monday = datetime(2026, 11, 16, tzinfo=JAKARTA)
    options = SweepOptions(timeout=5, retry_pause=0, shards=1)
    with ThreadPoolExecutor(1) as worker:  # the browser fixture owns this thread's loop
        for day in range(7):
            at = (monday + timedelta(days=day, hours=9)).astimezone(UTC)
            worker.submit(run_sweep, store, targets, options,
                          clock=functools.partial(lambda moment: moment, at)).result()
    with PdfPrinter() as printer:
        files = write_week(store, tmp_path / "reports", 2026, 47, now=monday + timedelta(
            days=8), pdf=printer)
    assert files.city_pdf is not None
    pages = pdf_page_count(files.city_pdf.read_bytes())
    found = at_phone(browser, files.city, shot="city-targets-offline")
    print(f"\ncity report, shipped targets.csv offline: {found['height']} px at 360 px, "
          f"{pages} A4 pages")
    assert pages <= 6
    assert found["scroll"] <= found["inner"], found["wide"]
    assert found["narrowest"] >= 40
    assert english_in(found["text"]) == []
    assert "144 wilayah belum punya situs" in found["text"]
    page = browser.new_page(viewport={"width": A4_CONTENT[0], "height": A4_CONTENT[1]})
    page.goto(files.city.resolve().as_uri())
    page.emulate_media(media="print")
    bottom = page.evaluate("() => Math.max(...[...document.querySelectorAll('article.problem')]"
                           ".map(a => a.getBoundingClientRect().bottom))")
    cards = page.locator("article.problem").count()
    page.close()
    assert cards == 3 and bottom <= A4_CONTENT[1], bottom  # the outages, all on page 1
