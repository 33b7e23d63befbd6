"""Time the mobile audit: static ms per page and browser s per page, plus corpus agreement.

    python benchmarks/mobile.py [--repeat 50] [--no-browser]

Static: the check's ``run`` on pre-parsed home pages (the sweep parses each page once for
every check), over Lighthouse's corpus pages, every mobile fleet site and one large synthetic
portal page (2,000 posts, 3,000 CSS rules). Browser: Debian's Chromium auditing every fleet
site and corpus page on loopback, one page at a time, launch time reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.checks.mobile.check import MobileCheck
from monitor.core.snapshot import Fetched, Snapshot
from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.sweep import browser

# The scripted sites are test fixtures; they live in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fleet_mobile import mobile_sites

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mobile"
CHECK = MobileCheck()
BASE = "http://bench.test/seo/"


def snapshot(html: bytes, files: dict[str, bytes]) -> Snapshot:
    home = Fetched(BASE, final_url=BASE, status_code=200, body=html)
    snap = Snapshot("b", "kelurahan", "b", "b", BASE, datetime.now(UTC), home=home)
    for request in CHECK.plan(snap):
        body = files.get(request.url.rsplit("/", 1)[-1].split("?")[0])
        snap.extra[request.key] = Fetched(request.url, final_url=request.url,
                                          status_code=200 if body else 404, body=body or b"")
    assert snap.home is not None
    _ = snap.home.document  # parsed once by the sweep for every check, so not timed here
    return snap


def pages() -> dict[str, tuple[bytes, dict[str, bytes]]]:
    css = {p.name: p.read_bytes() for p in CORPUS.glob("*.css")}
    out = {p.name: (p.read_bytes(), css) for p in sorted(CORPUS.glob("*.html"))}
    for site in mobile_sites():
        home = site.routes["/"]
        style = site.routes.get("/style.css")
        assert isinstance(home, Page)
        files = {"style.css": style.encoded()} if isinstance(style, Page) else {}
        out[site.name] = (home.encoded(), files)
    rows = "".join(f'<div class="post c{i % 50}"><a href="/p{i}">Berita {i}</a><p>Isi berita '
                   f"nomor {i} tentang kegiatan kelurahan.</p></div>" for i in range(2000))
    big_css = "".join(f".c{i} a {{ font-size: {10 + i % 8}px; width: {i}px }}\n"
                      for i in range(3000))
    html = (f'<html><head><meta name="viewport" content="width=device-width">'
            f'<link rel="stylesheet" href="big.css"></head><body>{rows}</body></html>')
    out["synthetic-portal (2000 posts, 3000 rules)"] = (html.encode(),
                                                         {"big.css": big_css.encode()})
    return out


def static(repeat: int) -> None:
    print("static audit (ms per page, median of", repeat, "runs)")
    typical = []
    for name, (html, files) in pages().items():
        times = []
        for _ in range(repeat):
            snap = snapshot(html, files)
            start = time.perf_counter()
            CHECK.run(snap, {})
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        if not name.startswith("synthetic"):
            typical.append(median)
        print(f"  {median:8.2f}  {name}")
    print(f"  {statistics.mean(typical):8.2f}  mean over corpus + fleet pages")
    agreement("static", {name: CHECK.run(snapshot(*pages()[name]), {}).mobile_friendly
                         for name in pages() if name.endswith(".html")})


def agreement(kind: str, verdicts: dict[str, bool | None]) -> None:
    manifest = [e for e in json.loads((CORPUS / "manifest.json").read_text())
                if e["expected_mobile_friendly"] is not None]
    agree = [e["file"] for e in manifest
             if verdicts.get(e["file"]) is e["expected_mobile_friendly"]]
    missed = [e["file"] for e in manifest if e["file"] not in agree]
    print(f"  corpus verdict agreement ({kind}): {len(agree)}/{len(manifest)}"
          + (f"; differs on {', '.join(missed)}" if missed else ""))


def browser_run() -> None:
    if browser.find_chromium() is None:
        print("browser audit: /usr/bin/chromium not installed; skipped")
        return
    corpus = FleetSite("corpus", {f"/seo/{p.name}": Page(
        body=p.read_bytes(), content_type="text/css" if p.suffix == ".css" else "text/html")
        for p in CORPUS.iterdir()})
    with Fleet(mobile_sites() + [corpus]) as fleet, tempfile.TemporaryDirectory() as shots, \
            browser.BrowserAuditor() as auditor:
        start = time.monotonic()
        auditor.audit(fleet.url("mobile_ok"), None, 20)
        print(f"browser audit: first page incl. Chromium launch {time.monotonic() - start:.2f} s")
        urls = {n: fleet.url(n) for n in fleet.sites if n != "corpus"}
        urls |= {p.name: fleet.url("corpus") + "seo/" + p.name for p in CORPUS.glob("*.html")}
        times, verdicts = [], {}
        for name, url in urls.items():
            start = time.monotonic()
            measured = auditor.audit(url, Path(shots) / f"{name}.jpg", 20)
            times.append(time.monotonic() - start)
            snap = snapshot(*pages()[name])
            snap.browser = measured
            verdicts[name] = CHECK.run(snap, {}).mobile_friendly
        print(f"  {statistics.mean(times):.2f} s per page (mean), "
              f"{statistics.median(times):.2f} median, {max(times):.2f} max, {len(times)} pages")
        agreement("browser", verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    static(args.repeat)
    if not args.no_browser:
        browser_run()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
