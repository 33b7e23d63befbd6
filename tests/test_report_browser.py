"""The reports in a real browser: Debian's headless Chromium over loopback HTTP.

At phone width (360 px) the page must not scroll sideways and must log no console error;
a full-page screenshot and an A4 PDF print of the city and one kecamatan report are made
(kept in the test's temporary folder for a human to look at).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import report_seed as seed

from monitor.report import WeekFiles, write_week
from monitor.store import Store

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WeekFiles]]:
    """The seeded week's reports, served from a loopback HTTP server."""
    root = tmp_path_factory.mktemp("browser")
    store = Store.open(f"sqlite:///{root / 'monitor.db'}")
    seed.seed_week(store)
    files = write_week(store, root / "reports", seed.YEAR, seed.WEEK, now=seed.NOW)
    handler = functools.partial(_QuietHandler, directory=str(files.folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", files
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("page_name", ["index.html", "kecamatan-kedaton.html"])
def test_phone_width_and_a4_print(served: tuple[str, WeekFiles], browser: Any,
                                  page_name: str, tmp_path: Path) -> None:
    base, _ = served
    page = browser.new_page(viewport={"width": 360, "height": 640})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(f"{base}/{page_name}")
    assert response is not None and response.status == 200
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"horizontal overflow at 360 px: {widths}"
    assert errors == []
    shot = tmp_path / f"{page_name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 2, pages
    (tmp_path / f"{page_name}.pdf").write_bytes(pdf)
    page.close()


def test_links_between_reports_work(served: tuple[str, WeekFiles], browser: Any) -> None:
    base, files = served
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(f"{base}/index.html")
    page.locator("a.kl", has_text="Kedaton").click()  # the kecamatan table
    page.wait_for_load_state()
    assert page.url == f"{base}/{files.kecamatan[0].path.name}"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Laporan Mingguan Situs Web Kecamatan Kedaton")
    page.close()
