"""Storage: targets re-import in place, history survives removal, migrations are recorded,
SQLite runs in WAL, and a bad database URL is a clear usage error (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from monitor.core.errors import DatabaseError
from monitor.store import Result, Store, result_row
from monitor.store.migrations import MIGRATIONS
from monitor.targets.loader import Target

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


def kedaton(url: str = "https://kedaton.example.test/") -> list[Target]:
    return [Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", url, ()),
            Target("18.71.01.1006", "kelurahan", "Sidodadi", "Kedaton", "", ())]


def store_one_sweep(store: Store, targets: list[Target], when: datetime) -> int:
    store.sync_targets(targets, when)
    sweep = store.begin_sweep(when, len(targets), {})
    rows = [(t.code, Result(sweep_id=0, site_id=0, checked_at=when, url=t.url,
                            available=bool(t.url), error=None if t.url else "no_site"))
            for t in targets]
    store.save_results(sweep, rows)
    store.finish_sweep(sweep, when + timedelta(minutes=1))
    return sweep


def test_reimport_updates_in_place_and_removed_sites_keep_history(db_url: str) -> None:
    store = Store.open(db_url)
    store_one_sweep(store, kedaton(), T0)
    ids = {s.code: s.id for s in store.sites()}

    report = store.sync_targets(kedaton("https://baru.example.test/")[:1], T0 + timedelta(1))
    assert (report.added, report.updated, report.removed) == (0, 1, 1)
    sites = {s.code: s for s in store.sites(include_removed=True)}
    assert sites["18.71.01"].id == ids["18.71.01"]  # same row, new URL
    assert sites["18.71.01"].url == "https://baru.example.test/"
    assert sites["18.71.01.1006"].in_targets is False
    assert [s.code for s in store.sites()] == ["18.71.01"]
    kept = store.results_between(T0 - timedelta(1), T0 + timedelta(1))
    assert {site.code for site, _ in kept} == {"18.71.01", "18.71.01.1006"}

    store.sync_targets(kedaton(), T0 + timedelta(2))  # it comes back: same history
    assert {s.code: s.id for s in store.sites()} == ids


def test_latest_results_and_previous_findings(db_url: str) -> None:
    store = Store.open(db_url)
    first = store_one_sweep(store, kedaton(), T0)
    second = store_one_sweep(store, kedaton(), T0 + timedelta(hours=6))
    latest = {site.code: result for site, result in store.latest_results()}
    assert latest["18.71.01"] is not None and latest["18.71.01"].sweep_id == second
    assert first != second
    assert store.last_sweep() is not None and store.last_sweep().status == "complete"  # type: ignore[union-attr]


def _sweep_with_findings(store: Store, when: datetime,
                         findings: dict[str, dict[str, dict[str, object]]]) -> None:
    """One sweep storing, per site code, these findings (a check left out failed)."""
    sweep = store.begin_sweep(when, len(findings), {})
    rows = []
    for code, found in findings.items():
        row = result_row()
        row.update(url="https://kedaton.example.test/", checked_at=when, findings=found,
                   failed_checks={n: "boom" for n in ("freshness", "mobile") if n not in found})
        rows.append((code, row))
    store.save_rows(sweep, rows)
    store.finish_sweep(sweep, when + timedelta(minutes=1))


def test_previous_findings_are_each_checks_newest_success_within_the_depth(
        db_url: str) -> None:
    """What a check compares with: its own newest finding, from an older sweep when it
    failed in the newer ones, never from beyond ``depth`` results; asking for named
    checks gives the same answer for those checks as reading everything."""
    store = Store.open(db_url)
    store.sync_targets(kedaton(), T0)
    kec, kel = "18.71.01", "18.71.01.1006"
    week = timedelta(days=7)
    _sweep_with_findings(store, T0, {kec: {"freshness": {"fingerprint": "a"},
                                           "mobile": {"score": 1}},
                                     kel: {"freshness": {"fingerprint": "old"}}})
    _sweep_with_findings(store, T0 + week, {kec: {"freshness": {"fingerprint": "b"}},
                                            kel: {"mobile": {"score": 9}}})
    _sweep_with_findings(store, T0 + 2 * week, {kec: {"freshness": {"fingerprint": "c"}},
                                                kel: {"freshness": {}}})  # empty: no finding

    for checks in (None, {"freshness", "mobile"}):
        found = store.previous_findings(checks=checks)
        assert found[kec]["freshness"].data == {"fingerprint": "c"}
        assert found[kec]["freshness"].taken_at == T0 + 2 * week
        assert found[kec]["mobile"].data == {"score": 1}  # failed since: the first sweep's
        assert found[kec]["mobile"].taken_at == T0
        assert found[kel]["freshness"].data == {"fingerprint": "old"}
        assert found[kel]["mobile"].data == {"score": 9}

    shallow = store.previous_findings(depth=2, checks={"freshness", "mobile"})
    assert "mobile" not in shallow[kec]  # three sweeps back is past the depth
    assert "freshness" not in shallow[kel]
    assert store.previous_findings(depth=1)[kec].keys() == {"freshness"}


def test_alert_detection_reads_each_swept_sites_last_results_whatever_sweeps_it_missed(
        db_url: str) -> None:
    """Alert detection ranks only the last ``depth`` sweeps' results, so it does not grow with
    the history kept; a site left out of sweeps, or new, still gets exactly its last
    ``depth`` results, from before that window too, and a site not swept gets none."""
    from monitor.store.alerts import recent_histories

    store = Store.open(db_url)
    every, gaps, new, idle = (Target(f"18.71.01.100{i}", "kelurahan", name, "Kedaton",
                                     f"https://{name.lower()}.example.test/", ())
                              for i, name in enumerate(("Tiap", "Bolong", "Baru", "Diam")))
    depth, sweeps = 4, 9
    store.sync_targets([every, gaps, new, idle], T0)
    codes = {site.id: site.code for site in store.sites()}
    last = 0
    for n in range(sweeps):
        swept = [every, idle] if n < 3 else [every]
        if n < 3 or n == sweeps - 1:
            swept.append(gaps)  # left out of sweeps 4 to 8
        if n == sweeps - 1:
            swept.append(new)
        when = T0 + timedelta(hours=6 * n)
        last = store.begin_sweep(when, len(swept), {})
        store.save_results(last, [(t.code, Result(sweep_id=0, site_id=0, checked_at=when,
                                                  url=t.url, available=True)) for t in swept])
        store.finish_sweep(last, when + timedelta(minutes=1))
    with store.session() as session:
        everything = session.exec(select(Result).order_by(col(Result.id).desc())).all()
    expected: dict[str, list[int | None]] = {}
    for result in everything:
        mine = expected.setdefault(codes[result.site_id], [])
        if len(mine) < depth:
            mine.append(result.id)

    got = {codes[site_id]: [r.id for r in history]
           for site_id, history in recent_histories(store, last, depth)}
    assert got == {every.code: expected[every.code], gaps.code: expected[gaps.code],
                   new.code: expected[new.code]}
    assert len(got[gaps.code]) == depth and len(got[new.code]) == 1  # older ones for Bolong


def test_schema_version_is_recorded_and_reopening_is_harmless(db_url: str) -> None:
    store = Store.open(db_url)
    store_one_sweep(store, kedaton(), T0)
    again = Store.open(db_url)  # migrations run again: no-ops, data intact
    with again.engine.connect() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version FROM schemaversion"))]
    assert versions == [m.version for m in MIGRATIONS]
    assert len(again.latest_results()) == 2


def test_sqlite_uses_wal_so_reports_can_read_during_a_sweep(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_abandoned_sweeps_are_marked_incomplete(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    store.sync_targets(kedaton(), T0)
    store.begin_sweep(T0, 2, {})  # a sweep that was killed: never finished
    assert store.mark_abandoned_sweeps(T0 + timedelta(hours=1)) == 1
    assert store.last_sweep().status == "incomplete"  # type: ignore[union-attr]


def test_a_killed_sweep_is_counted_by_what_it_stored(sqlite_url: str) -> None:
    """`monitor status` showed "0 of N checked" for killed sweeps that had stored rows."""
    from monitor.cli.status_cmd import sweep_lines

    store = Store.open(sqlite_url)
    store.sync_targets(kedaton(), T0)
    sweep = store.begin_sweep(T0, 2, {})
    store.save_results(sweep, [("18.71.01", Result(sweep_id=0, site_id=0, checked_at=T0,
                                                   url="https://kedaton.example.test/",
                                                   available=True))])
    assert "1 of 2 targets checked, 1 up" in sweep_lines(store)[0]  # running: counted live
    store.mark_abandoned_sweeps(T0 + timedelta(hours=1))
    marked = store.last_sweep()
    assert marked is not None and (marked.status, marked.done, marked.up) == \
        ("incomplete", 1, 1)


@pytest.mark.parametrize("url", ["not a url", "sqlite:////no/such/folder/m.db",
                                 "nosuchdriver://x/y"])
def test_bad_database_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(DatabaseError):
        Store.open(url)


def test_database_file_that_is_not_a_database(tmp_path: Path,
                                              run_cli: Callable[..., object]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = run_cli("export", "--db", f"sqlite:///{junk}")
    assert result.code == 2  # type: ignore[attr-defined]
    assert "junk.db" in result.err  # type: ignore[attr-defined]
    assert junk.read_bytes().startswith(b"this is not sqlite")  # untouched


def test_a_database_locked_by_another_program_is_a_clear_error_and_keeps_data(
    sqlite_url: str, run_cli: Callable[..., object], write_targets: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    import monitor.store.db as db

    targets = write_targets([{"code": "18.71", "level": "kota", "name": "Kota"}])
    assert run_cli("check", "--targets", str(targets), "--db", sqlite_url).code == 0  # type: ignore[attr-defined]
    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 300)  # wait 0.3 s, not 30 s, for the lock
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_cli("check", "--targets", str(targets), "--db", sqlite_url)
    finally:
        holder.rollback()
        holder.close()
    assert result.code == 1, result  # type: ignore[attr-defined]
    assert "locked" in result.err and "Traceback" not in result.err  # type: ignore[attr-defined]
    assert len(Store.open(sqlite_url).sweeps()) == 1  # the first sweep is intact


def test_reading_commands_refuse_a_missing_database_file(
    tmp_path: Path, run_cli: Callable[..., object]
) -> None:
    """A typo in --db must not look like an empty week (nor leave an empty file behind)."""
    missing = tmp_path / "typo.db"
    for command in (["export"], ["report"], ["inactive"], ["email", "--dry-run"]):
        result = run_cli(*command, "--db", f"sqlite:///{missing}",
                         env={"MONITOR_MAIL_FROM": "monitor@example.test"})
        assert result.code == 2, (command, result)  # type: ignore[attr-defined]
        assert "typo.db does not exist" in result.err  # type: ignore[attr-defined]
    assert not missing.exists()


def test_the_sweep_writes_every_result_column() -> None:
    """The sweep stores plain rows built from the store's one column list (result_row), so a
    column added to Result is written by sweeps with no second list to update."""
    from datetime import UTC, datetime

    from monitor.service.jobs import to_row
    from monitor.sweep.result import SiteResult

    columns = {c.name for c in Result.__table__.columns}  # type: ignore[attr-defined]
    row = to_row(SiteResult("x", "", datetime.now(UTC), [], [], []))
    assert set(row) == columns - {"id", "sweep_id", "site_id"}
