"""A seeded year (2025) for the period-pack tests and benchmark, written with bulk inserts.

147 areas (the city, 20 kecamatan, 126 kelurahan; every tenth kelurahan has no website), four
sweeps a day (00, 06, 12, 18 WIB) except a three-week gap (3-23 March), random one-sweep
outages, a four-day outage, one hacking episode with its admin reviews, one suspension, a
site that improved (tidak aktif and not mobile-friendly until July, then aktif and mobile-
friendly), one that got worse from October, and a kelurahan added on 1 July.

``plan`` says what every result is; the tests recompute the pack's figures from ``plan``
directly (never from the database) and compare.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update

from monitor.core.clock import JAKARTA
from monitor.store import Site, Store, Sweep
from monitor.store.reviews import add_review
from monitor.targets.loader import Target

YEAR = 2025
NOW = datetime(2026, 1, 6, 9, 0, tzinfo=JAKARTA)
HOURS = (0, 6, 12, 18)
GAP = (date(2025, 3, 3), date(2025, 3, 23))
KECAMATAN = ("Bumi Waras", "Enggal", "Kedamaian", "Kedaton", "Kemiling", "Labuhan Ratu",
             "Langkapura", "Panjang", "Rajabasa", "Sukabumi", "Sukarame",
             "Tanjung Karang Barat", "Tanjung Karang Pusat", "Tanjung Karang Timur",
             "Tanjung Senang", "Teluk Betung Barat", "Teluk Betung Selatan",
             "Teluk Betung Timur", "Teluk Betung Utara", "Way Halim")
HACKED = "18.71.04.1002"
HACK_FROM = datetime(2025, 6, 10, 6, tzinfo=JAKARTA)
HACK_TO = datetime(2025, 6, 24, 6, tzinfo=JAKARTA)  # last hacked sweep
SUSPENDED = "18.71.07.1003"
SUSP_FROM = datetime(2025, 9, 1, 0, tzinfo=JAKARTA)
SUSP_TO = datetime(2025, 9, 7, 18, tzinfo=JAKARTA)
OUTAGE = "18.71.02"
OUT_FROM = datetime(2025, 5, 5, 0, tzinfo=JAKARTA)
OUT_TO = datetime(2025, 5, 8, 18, tzinfo=JAKARTA)
IMPROVED = "18.71.10.1001"
WORSE = "18.71.12.1001"
TURN = datetime(2025, 7, 1, tzinfo=JAKARTA)
WORSE_TURN = datetime(2025, 10, 1, tzinfo=JAKARTA)
ADDED = "18.71.15.1006"
ADDED_FROM = datetime(2025, 7, 1, tzinfo=JAKARTA)
SPAM = "Slot gacor hari ini <b>maxwin</b>"
REVIEWS = (("2025-06-11T09:00", "dihubungi", "Operator kelurahan ditelepon", "Rina"),
           ("2025-06-18T10:30", "dalam_perbaikan", "WordPress dipulihkan dari cadangan", "Rina"),
           ("2025-06-25T08:00", "selesai", "Spam hilang, kata sandi diganti", "Budi"))


def targets() -> list[Target]:
    out = [Target("18.71", "kota", "Bandar Lampung", "", "https://bandarlampungkota.go.id/",
                  ("diskominfo@example.go.id",))]
    n = 0
    for k, kec in enumerate(KECAMATAN, start=1):
        code = f"18.71.{k:02d}"
        out.append(Target(code, "kecamatan", kec, kec, f"https://kec{k:02d}.example.go.id/",
                          (f"camat{k}@example.go.id",)))
        for j in range(1, 8 if k <= 6 else 7):
            n += 1
            url = "" if n % 10 == 0 else f"https://kel{k:02d}{j}.example.go.id/"
            out.append(Target(f"{code}.{1000 + j}", "kelurahan", f"{kec} {j}", kec, url, ()))
    assert len(out) == 147
    return out


def sweep_times() -> list[datetime]:
    day, out = date(YEAR, 1, 1), []
    while day.year == YEAR:
        if not GAP[0] <= day <= GAP[1]:
            out += [datetime(day.year, day.month, day.day, h, tzinfo=JAKARTA) for h in HOURS]
        day += timedelta(days=1)
    return out


@dataclass(frozen=True)
class Planned:
    available: bool | None
    activity: str
    mobile: bool | None
    flags: tuple[str, ...]


def plan(index: int, t: Target, when: datetime, sweep_no: int) -> Planned | None:
    """What the result of site ``t`` at sweep ``when`` is; None: no result (not added yet)."""
    if t.code == ADDED and when < ADDED_FROM:
        return None
    if not t.url:
        return Planned(None, "tidak_ada_situs", None, ())
    activity = ("aktif", "kurang_aktif", "tidak_aktif")[index % 3]
    mobile = index % 4 != 0
    if t.code == IMPROVED:
        activity, mobile = ("aktif", True) if when >= TURN else ("tidak_aktif", False)
    if t.code == WORSE:
        activity = "tidak_aktif" if when >= WORSE_TURN else "aktif"
    down = (index * 31 + sweep_no * 17) % 211 == 0
    if t.code == OUTAGE and OUT_FROM <= when <= OUT_TO:
        down = True
    if down:
        return Planned(False, activity, None, ())
    flags: tuple[str, ...] = ()
    if t.code == HACKED and HACK_FROM <= when <= HACK_TO:
        flags = ("judi_spam",)
    if t.code == SUSPENDED and SUSP_FROM <= when <= SUSP_TO:
        flags = ("suspended",)
    return Planned(True, activity, mobile, flags)


def each_result() -> Iterator[tuple[int, Target, datetime, int, Planned]]:
    sites = targets()
    for sweep_no, when in enumerate(sweep_times()):
        for index, t in enumerate(sites):
            planned = plan(index, t, when, sweep_no)
            if planned is not None:
                yield index, t, when, sweep_no, planned


COLUMNS = ("sweep_id", "site_id", "checked_at", "url", "available", "status_code", "error",
           "error_detail", "activity", "mobile_friendly", "mobile_issues", "content_flags",
           "attempts", "findings", "failed_checks")
INSERT = (f"INSERT INTO result ({', '.join(COLUMNS)}) "
          f"VALUES ({', '.join('?' for _ in COLUMNS)})")


def _row(t: Target, when: datetime, index: int, p: Planned, sweep_id: int, site_id: int
         ) -> tuple[Any, ...]:
    """One result as the SQLite driver takes it (JSON and UTC time already as text: encoding
    200,000 rows through the ORM types took most of the seeding time)."""
    findings = "{}"
    if p.flags:
        rule, text = (("judi:visible-text", SPAM) if p.flags[0] == "judi_spam" else
                      ("suspended:cpanel-url", f"{t.url}cgi-sys/suspendedpage.cgi"))
        findings = json.dumps({"content": {"evidence": [{"rule": rule, "url": t.url,
                                                         "text": text}]}})
    at = (when + timedelta(seconds=index)).astimezone(UTC).replace(tzinfo=None)
    error = "no_site" if p.available is None else (None if p.available else "timeout")
    return (sweep_id, site_id, at.isoformat(sep=" ", timespec="microseconds"), t.url,
            p.available, 200 if p.available else None, error, "", p.activity, p.mobile, "[]",
            json.dumps(list(p.flags)), "[]", findings, "{}")


def seed(store: Store) -> None:
    """Write the whole year: sites, sweeps and results (executemany), then the reviews."""
    start = datetime(YEAR, 1, 1, tzinfo=JAKARTA).astimezone(UTC)
    store.sync_targets(targets(), start)
    times = sweep_times()
    with store.session() as session:
        ids = {code: sid for code, sid in session.execute(
            Site.__table__.select().with_only_columns(  # type: ignore[attr-defined]
                Site.__table__.c.code, Site.__table__.c.id))}  # type: ignore[attr-defined]
        session.execute(update(Site).where(Site.code == ADDED).values(  # type: ignore[arg-type]
            first_seen=ADDED_FROM.astimezone(UTC)))
        session.execute(insert(Sweep), [
            {"id": n + 1, "started_at": w.astimezone(UTC),
             "finished_at": (w + timedelta(minutes=5)).astimezone(UTC), "status": "complete",
             "total": 147, "done": 147, "up": 0, "options": {}} for n, w in enumerate(times)])
        rows = [_row(t, when, index, p, sweep_no + 1, ids[t.code])
                for index, t, when, sweep_no, p in each_result()]
        session.connection().exec_driver_sql(INSERT, rows)
        session.commit()
    for at, status, note, by in REVIEWS:
        when = datetime.fromisoformat(at).replace(tzinfo=JAKARTA)
        add_review(store, HACKED, status, note, by, when.astimezone(UTC))
