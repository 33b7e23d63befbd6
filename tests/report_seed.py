"""A fixed week of seeded data for the report tests (ISO week 2026-W47, Asia/Jakarta).

Two kecamatan, one city site and five kelurahan, each showing one state a report must handle:
a hacked site whose page title is a script tag, a site down all week, an area with no website,
an unstable and less-active kecamatan site, a kelurahan added on Thursday, an expiring
certificate and a site without HTTPS. Sweeps run at 06:00 and 18:00 WIB every day; the week
before (W46) had one sweep with different verdicts, for week-over-week.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.core.clock import JAKARTA
from monitor.store import Result, Store
from monitor.store.reviews import add_review
from monitor.targets.loader import Target

YEAR, WEEK = 2026, 47
MONDAY = datetime(2026, 11, 16, tzinfo=JAKARTA)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA)
HOSTILE = "<script>alert(1)</script>"


def target(code: str, level: str, name: str, kecamatan: str, url: str) -> Target:
    return Target(code, level, name, kecamatan, url, (f"{code.replace('.', '')}@example.go.id",))


CITY = target("18.71", "kota", "Bandar Lampung", "", "https://bandarlampungkota.go.id/")
KEDATON = target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "https://kedaton.example.go.id/")
SIDODADI = target("18.71.01.1001", "kelurahan", "Sidodadi", "Kedaton",
                  "https://sidodadi.example.go.id/")
SURABAYA = target("18.71.01.1002", "kelurahan", "Surabaya", "Kedaton",
                  "https://surabaya.example.go.id/")
KEDATON_KEL = target("18.71.01.1003", "kelurahan", "Kedaton", "Kedaton", "")
TKP = target("18.71.02", "kecamatan", "Tanjungkarang Pusat", "Tanjungkarang Pusat",
             "https://tkpusat.example.go.id/")
KALIAWI = target("18.71.02.1001", "kelurahan", "Kaliawi", "Tanjungkarang Pusat",
                 "https://kaliawi.example.go.id/")
PASIR = target("18.71.02.1002", "kelurahan", "Pasir Gintung", "Tanjungkarang Pusat",
               "http://pasirgintung.example.go.id/")
ALL = [CITY, KEDATON, SIDODADI, SURABAYA, KEDATON_KEL, TKP, KALIAWI, PASIR]
KALIAWI_ADDED = MONDAY + timedelta(days=3, hours=12)  # Thursday noon


def _up(t: Target, at: datetime, ms: float, **extra: Any) -> Result:
    fields: dict[str, Any] = dict(
        available=True, status_code=200, error=None, response_ms=ms, final_url=t.url,
        https=t.url.startswith("https://"), cert_days_left=60 if t.url.startswith("https")
        else None, last_update="2026-11-20", last_update_source="wp-api",
        last_update_evidence=f"{t.url}wp-json/wp/v2/posts modified=2026-11-20T09:00:00",
        days_since_update=(at.date() - datetime(2026, 11, 20).date()).days,
        activity="aktif", mobile_friendly=True, mobile_score=92,
    )
    fields.update(extra)
    findings = {"availability": {"evidence": [
        {"rule": "http-status", "url": t.url, "text": "HTTP 200"}]}}
    findings.update(fields.pop("findings", {}))
    return Result(sweep_id=0, site_id=0, checked_at=at, url=t.url, findings=findings, **fields)


def _down(t: Target, at: datetime, error: str = "timeout") -> Result:
    return Result(sweep_id=0, site_id=0, checked_at=at, url=t.url, available=False,
                  error=error, error_detail="no answer within 20 s", activity="tidak_diketahui",
                  findings={"availability": {"evidence": [
                      {"rule": f"fetch:{error}", "url": t.url, "text": "no answer within 20 s"}]}})


def _no_site(t: Target, at: datetime) -> Result:
    return Result(sweep_id=0, site_id=0, checked_at=at, url="", available=None,
                  error="no_site", activity="tidak_ada_situs")


SPAM_FINDINGS = {"content": {"flags": ["judi_spam"], "evidence": [
    {"rule": "judi:title", "url": SIDODADI.url, "text": HOSTILE + " slot gacor maxwin"},
    {"rule": "judi:hidden-block", "url": SIDODADI.url, "text": "<a href=x>togel</a>"}]}}
MOBILE_FINDINGS = {"mobile": {"issues": ["no_viewport"], "evidence": [
    {"rule": "lighthouse:viewport", "url": KEDATON.url, "text": "no <meta name=viewport>"}]}}


def results_at(index: int, at: datetime, *, with_kaliawi: bool) -> list[tuple[str, Result]]:
    """The rows of sweep ``index`` (0-13) of the fixed week."""
    rows: list[tuple[str, Result]] = [
        (CITY.code, _up(CITY, at, 300 + 10 * index)),
        (KEDATON.code, _up(KEDATON, at, 800, last_update="2026-03-12",
                           last_update_source="text",
                           last_update_evidence=f"{KEDATON.url} 'Kamis, 12 Maret 2026'",
                           days_since_update=(at.date() - datetime(2026, 3, 12).date()).days,
                           activity="tidak_aktif", mobile_friendly=False, mobile_score=35,
                           mobile_issues=["no_viewport"], findings=MOBILE_FINDINGS)),
        (SIDODADI.code, _up(SIDODADI, at, 500, content_flags=["judi_spam"],
                            findings=SPAM_FINDINGS)),
        (SURABAYA.code, _down(SURABAYA, at)),
        (KEDATON_KEL.code, _no_site(KEDATON_KEL, at)),
        (TKP.code, _down(TKP, at, "http_5xx") if index % 4 == 2 else
         _up(TKP, at, 1500, last_update="2026-10-01", days_since_update=(
             at.date() - datetime(2026, 10, 1).date()).days, activity="kurang_aktif")),
        (PASIR.code, _up(PASIR, at, 400)),
    ]
    if with_kaliawi:
        rows.append((KALIAWI.code, _up(KALIAWI, at, 200, cert_days_left=5)))
    return rows


def seed_week(store: Store, *, sweeps: int = 14, previous: bool = True,
              reviews: bool = True) -> None:
    """Seed the fixed week: ``sweeps`` sweeps (06:00 and 18:00 WIB) from Monday on."""
    first = [t for t in ALL if t is not KALIAWI]
    store.sync_targets(first, MONDAY - timedelta(days=30))
    if previous:
        _previous_week(store)
    for i in range(sweeps):
        at = MONDAY + timedelta(days=i // 2, hours=6 if i % 2 == 0 else 18)
        if at >= KALIAWI_ADDED:
            store.sync_targets(ALL, KALIAWI_ADDED)
        _sweep(store, at, results_at(i, at, with_kaliawi=at >= KALIAWI_ADDED))
    if reviews:
        add_review(store, SURABAYA.code, "dihubungi", "Lurah ditelepon; hosting habis " + HOSTILE,
                   "Rina", MONDAY + timedelta(days=2))


def _previous_week(store: Store) -> None:
    at = MONDAY - timedelta(days=4)
    rows = [
        (CITY.code, _up(CITY, at, 300)),
        (KEDATON.code, _up(KEDATON, at, 800, activity="kurang_aktif", last_update="2026-09-12",
                           days_since_update=61, mobile_friendly=False,
                           mobile_issues=["no_viewport"])),
        (SIDODADI.code, _up(SIDODADI, at, 500)),
        (SURABAYA.code, _up(SURABAYA, at, 700)),
        (KEDATON_KEL.code, _no_site(KEDATON_KEL, at)),
        (TKP.code, _down(TKP, at)),
        (PASIR.code, _up(PASIR, at, 400)),
    ]
    _sweep(store, at, rows)


def _sweep(store: Store, at: datetime, rows: list[tuple[str, Result]]) -> None:
    sweep_id = store.begin_sweep(at.astimezone(UTC), len(rows), {"timeout": 20.0})
    for _, result in rows:
        result.checked_at = at.astimezone(UTC)
    store.save_results(sweep_id, rows)
    store.finish_sweep(sweep_id, at.astimezone(UTC) + timedelta(minutes=3))
