"""Seed a store with sites, sweeps and results on a fixed clock, as the review tests need.

Results are written through Store exactly as a sweep writes them, with the SPEC columns a
freshness/mobile/content check would have filled.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.store import Result, Store
from monitor.targets.loader import Target

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB

SITES = [
    Target("18.71", "kota", "Bandar Lampung", "", "https://kota.example.test/", ("a@x.test",)),
    Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "https://kedaton.example.test/",
           ("camat@kedaton.example.test",)),
    Target("18.71.01.1001", "kelurahan", "Sidodadi", "Kedaton", "https://sidodadi.example.test/",
           ()),
    Target("18.71.01.1002", "kelurahan", "Surabaya", "Kedaton", "", ()),
    Target("18.71.02", "kecamatan", "Tanjungkarang Pusat", "Tanjungkarang Pusat",
           "https://tkp.example.test/", ()),
    Target("18.71.02.1001", "kelurahan", "Gotong Royong", "Tanjungkarang Pusat",
           "https://gotongroyong.example.test/", ()),
]

UP_AKTIF: dict[str, Any] = dict(available=True, status_code=200, activity="aktif",
                                last_update="2026-11-20", days_since_update=3,
                                last_update_source="wp-api", mobile_friendly=True)
DOWN: dict[str, Any] = dict(available=False, error="timeout",
                            error_detail="no answer within 20 s", activity="tidak_diketahui")
NO_SITE: dict[str, Any] = dict(available=None, error="no_site", activity="tidak_ada_situs")


def stale(days: int, **more: Any) -> dict[str, Any]:
    word = "aktif" if days <= 30 else "kurang_aktif" if days <= 90 else "tidak_aktif"
    return dict(UP_AKTIF, activity=word, days_since_update=days, last_update="2026-01-01",
                last_update_source="feed",
                last_update_evidence="https://x.example.test/feed <pubDate>Thu, 01 Jan 2026",
                **more)


def sweep(store: Store, at: datetime, rows: dict[str, dict[str, Any]]) -> int:
    """One stored sweep at ``at``: ``rows`` maps site code to Result column values."""
    sweep_id = store.begin_sweep(at, len(rows), {})
    urls = {t.code: t.url for t in SITES}
    results = [(code, Result(sweep_id=0, site_id=0, checked_at=at, url=urls.get(code, ""),
                             **values)) for code, values in rows.items()]
    store.save_results(sweep_id, results)
    store.finish_sweep(sweep_id, at + timedelta(minutes=5))
    return sweep_id


def healthy_week(store: Store, overrides: dict[str, dict[str, Any]] | None = None,
                 now: datetime = NOW) -> None:
    """Sites synced and one sweep a day for the week before NOW: every site with a website
    up and aktif unless ``overrides`` (site code -> column values) says otherwise."""
    store.sync_targets(SITES, now - timedelta(days=30))
    for day in range(7, 0, -1):
        rows = {t.code: dict(UP_AKTIF) if t.url else dict(NO_SITE) for t in SITES}
        for code, values in (overrides or {}).items():
            rows[code] = dict(values)
        sweep(store, now - timedelta(days=day, hours=1), rows)
