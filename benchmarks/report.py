"""How long `monitor report` takes for the real fleet size, and how big the files are.

Seeds a temporary SQLite database with 147 areas (1 city, 20 kecamatan, 126 kelurahan), two
sweeps a day for two weeks (this week and the one before, for week-over-week), then times
reading + building the data, rendering, and the whole ``write_week``. Prints figures; asserts
nothing.

    .venv/bin/python benchmarks/report.py [--sweeps-per-day 2]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.core.clock import JAKARTA
from monitor.report import build_week, write_week
from monitor.report.render import environment, render_city, render_kecamatan
from monitor.store import Result, Store
from monitor.targets.loader import Target

YEAR, WEEK = 2026, 47
MONDAY = datetime(2026, 11, 16, tzinfo=JAKARTA)


def fleet(scale: int = 1) -> list[Target]:
    """The city's 147 areas; ``scale`` K: K times the kelurahan of each kecamatan (a
    province-sized fleet of 10,000 areas is ``--scale 80``)."""
    targets = [Target("18.71", "kota", "Bandar Lampung", "", "https://kota.example/", ())]
    for k in range(1, 21):
        name = f"Kecamatan {k:02d}"
        targets.append(Target(f"18.71.{k:02d}", "kecamatan", name, name,
                              f"https://kec{k}.example/", ()))
        for j in range(1, (8 if k <= 6 else 7) * scale - (scale - 1)):
            url = "" if j % 7 == 6 else f"https://kel{k}-{j}.example/"
            targets.append(Target(f"18.71.{k:02d}.{1000 + j}", "kelurahan", f"Kel {k}-{j}",
                                  name, url, ()))
    assert scale > 1 or len(targets) == 147
    return targets


def result(rng: random.Random, t: Target, at: datetime) -> Result:
    if not t.url:
        return Result(sweep_id=0, site_id=0, checked_at=at, error="no_site",
                      activity="tidak_ada_situs")
    up = rng.random() > 0.15
    days = rng.choice([3, 20, 45, 120, 400])
    flags = ["judi_spam"] if rng.random() < 0.03 else []
    evidence = [{"rule": "http-status", "url": t.url, "text": "HTTP 200"}] * 3
    return Result(
        sweep_id=0, site_id=0, checked_at=at, url=t.url, available=up,
        status_code=200 if up else None, error=None if up else "timeout",
        response_ms=rng.uniform(100, 3000) if up else None, final_url=t.url, https=True,
        cert_days_left=rng.randint(1, 90), last_update="2026-10-01",
        last_update_evidence=f"{t.url} 1 Oktober 2026", days_since_update=days,
        activity="aktif" if days <= 30 else "kurang_aktif" if days <= 90 else "tidak_aktif",
        mobile_friendly=rng.random() > 0.4, mobile_score=rng.randint(20, 100),
        mobile_issues=["no_viewport"], content_flags=flags,
        findings={"availability": {"evidence": evidence}, "mobile": {"evidence": evidence},
                  "content": {"evidence": evidence}},
    )


def seed(store: Store, per_day: int, scale: int = 1) -> int:
    rng = random.Random(47)
    targets = fleet(scale)
    store.sync_targets(targets, MONDAY - timedelta(days=60))
    count = 0
    for i in range(14 * per_day):
        at = (MONDAY - timedelta(days=7) + timedelta(hours=i * 24 / per_day + 1)).astimezone(UTC)
        sweep = store.begin_sweep(at, len(targets), {"timeout": 20.0})
        count += store.save_results(sweep, [(t.code, result(rng, t, at)) for t in targets])
        store.finish_sweep(sweep, at + timedelta(minutes=5))
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweeps-per-day", type=int, default=2)
    parser.add_argument("--scale", type=int, default=1,
                        help="K times the kelurahan per kecamatan (80: ~10,000 areas)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/monitor.db")
        seeding = time.perf_counter()
        rows = seed(store, args.sweeps_per_day, args.scale)
        print(f"seeded in {time.perf_counter() - seeding:.0f} s", flush=True)
        now = datetime(2026, 11, 23, 8, tzinfo=JAKARTA)
        start = time.perf_counter()
        _, report = build_week(store, YEAR, WEEK, now=now)
        built = time.perf_counter()
        env = environment()
        city = render_city(report, env)
        pages = [render_kecamatan(report, k, env) for k in report.kecamatan]
        rendered = time.perf_counter()
        files = write_week(store, Path(tmp) / "reports", YEAR, WEEK, now=now)
        written = time.perf_counter()
        sizes = {p.name: p.stat().st_size for p in files.folder.iterdir()}
    print(f"areas: {report.headline.areas}, results stored (2 weeks): {rows}, "
          f"sweeps this week: {report.collection.sweeps}")
    print(f"read + build report data: {built - start:.2f} s")
    print(f"render city + {len(pages)} kecamatan: {rendered - built:.2f} s "
          f"(city {len(city) / 1000:.0f} KB, kecamatan mean "
          f"{sum(map(len, pages)) / len(pages) / 1000:.0f} KB)")
    print(f"write_week (everything, incl. data.json and exports): {written - rendered:.2f} s")
    print(f"data.json: {sizes['data.json'] / 1e6:.1f} MB, export.json: "
          f"{sizes['export.json'] / 1000:.0f} KB")


if __name__ == "__main__":
    main()
