"""Time the content check per page and count its verdicts on honest and scripted pages.

    python benchmarks/content.py [--repeat 5]

Prints, for the real pages of ../shared/corpus (all honest) and for the scripted pages of
tests/fleet_content.py: median, 90th percentile and worst time of ``ContentCheck.run`` per
page (best of ``--repeat`` runs, the lxml parse excluded: it is cached on the snapshot and
shared with the other checks), how many honest pages were flagged (should be 0) and how many
scripted pages got exactly their expected flags. Every page is judged with both visitor
profiles (phone from Google, Googlebot) holding the same page, as an honest site serves.

Then the request cost of the visitor profiles: three `monitor check` sweeps of the scripted
fleet on one database (the second and third within a day of the first), counting the
requests each site received per sweep beyond the plain visit, by profile.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.checks.content.check import ContentCheck, profile_request
from monitor.checks.content.profiles import PROFILES
from monitor.checks.mobile.check import MAX_CSS_BYTES
from monitor.core.snapshot import Fetched, Request, Snapshot
from monitor.demo.fleet import Fleet, Page

# The scripted sites are test fixtures; they live in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fleet_content import CONTENT_FLAGS, content_sites

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
URL = "https://kelurahan.example.go.id/"


def snapshot(body: bytes, status: int = 200, css: dict[str, bytes] | None = None) -> Snapshot:
    home = Fetched(url=URL, final_url=URL, status_code=status,
                   headers={"content-type": "text/html"}, body=body)
    home.document  # noqa: B018 - parse once, as the sweep does before the checks
    snap = Snapshot("x", "kelurahan", "x", "x", URL, datetime.now(UTC), home=home)
    for profile in PROFILES:  # an honest site: the same page for every visitor
        snap.extra[profile_request(profile, URL).key] = home
    for path, sheet in (css or {}).items():
        url = URL + path.lstrip("/")
        snap.extra[Request(url, max_bytes=MAX_CSS_BYTES).key] = Fetched(
            url=url, final_url=url, status_code=200, headers={"content-type": "text/css"},
            body=sheet)
    return snap


def timed(check: ContentCheck, snap: Snapshot, repeat: int) -> tuple[float, list[str]]:
    best = float("inf")
    flags: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        flags = check.run(snap, {}).flags
        best = min(best, time.perf_counter() - start)
    return best * 1000, flags


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p90 = times[int(len(times) * 0.9)]
    print(f"{label}: {len(times)} pages, median {statistics.median(times):.2f} ms, "
          f"p90 {p90:.2f} ms, worst {times[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    check = ContentCheck()
    times, flagged = [], []
    for path in sorted(CORPUS.glob("*/*.html")):
        ms, flags = timed(check, snapshot(path.read_bytes()), args.repeat)
        times.append(ms)
        if flags:
            flagged.append(f"{path.relative_to(CORPUS)} {flags}")
    report("corpus (honest)", times)
    print(f"corpus pages flagged: {len(flagged)} of {len(times)}", *flagged, sep="\n  ")
    times, right = [], 0
    for site in content_sites():
        route = site.routes["/"]
        if not isinstance(route, Page) or 300 <= route.status < 400:
            continue  # cloaking and redirecting sites need the fleet (tests/test_content.py)
        body = route.body.encode() if isinstance(route.body, str) else route.body
        css = {path: (r.body.encode() if isinstance(r.body, str) else r.body)
               for path, r in site.routes.items()
               if isinstance(r, Page) and r.content_type == "text/css"}
        ms, flags = timed(check, snapshot(body, route.status, css), args.repeat)
        times.append(ms)
        right += flags == CONTENT_FLAGS[site.name]
    report("scripted fleet pages", times)
    print(f"scripted pages with exactly the expected flags: {right} of {len(times)}")
    request_cost()


def request_cost() -> None:
    """Extra requests per site per sweep made for the visitor profiles."""
    import tempfile

    from cli_sweep import sweep_and_export  # type: ignore[import-not-found]

    sites = [s for s in content_sites() if s.name.startswith(("honest", "spam", "cloak"))]
    with tempfile.TemporaryDirectory() as tmp, Fleet(sites) as fleet:
        seen = {name: 0 for name in fleet.sites}
        for sweep in (1, 2, 3):
            sweep_and_export(fleet, Path(tmp), timeout=5, concurrency=10,
                             env={"MONITOR_RETRY_PAUSE": "0.1"})
            phone = crawler = 0
            for name, site in fleet.sites.items():
                new = site.requests[seen[name]:]
                seen[name] = len(site.requests)
                phone += sum("Mobile" in r.user_agent for r in new)
                crawler += sum("Googlebot" in r.user_agent for r in new)
            n = len(fleet.sites)
            print(f"sweep {sweep}: {n} sites, profile requests per site: phone "
                  f"{phone / n:.2f}, Googlebot {crawler / n:.2f}, "
                  f"total {(phone + crawler) / n:.2f}")


if __name__ == "__main__":
    main()
