"""The schema: only `monitor check` creates or migrates it; reading commands never write (a
missing or empty database is said so), and a database newer than the code is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import CliResult
from sqlalchemy import create_engine, text

from monitor.store import Store
from monitor.store.migrations import MIGRATIONS
from monitor.targets.loader import Target

Run = Callable[..., CliResult]
READERS = [("status",), ("export",), ("report", "--week", "2026-W47"), ("inactive",),
           ("email", "--week", "2026-W47", "--dry-run"), ("sites",)]
MAIL_ENV = {"MONITOR_MAIL_FROM": "monitor@kota.example.test"}


def _files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.name + "*"))}


def _seeded(tmp_path: Path) -> Path:
    db = tmp_path / "monitor.db"
    store = Store.open(f"sqlite:///{db}")
    store.sync_targets([Target("18.71", "kota", "Bandar Lampung", "", "", ())],
                       datetime(2026, 11, 20, tzinfo=UTC))
    store.engine.dispose()
    return db


def _set_versions(db: Path, sql: str) -> None:
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_reading_commands_never_write_into_an_empty_file(
    run_cli: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    result = run_cli(*args, "--db", f"sqlite:///{db}", env=MAIL_ENV)
    assert "is empty" in result.out + result.err, result
    assert result.code == (0 if args[0] == "status" else 2), result
    assert _files(db) == {"empty.db": b""}


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_reading_commands_never_create_a_missing_file(
    run_cli: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = tmp_path / "missing.db"
    result = run_cli(*args, "--db", f"sqlite:///{db}", env=MAIL_ENV)
    assert "does not exist" in result.out + result.err, result
    assert result.code == (0 if args[0] == "status" else 2), result
    assert not list(tmp_path.glob("missing.db*"))


def test_an_older_schema_is_left_alone_by_readers_and_migrated_by_check(
    run_cli: Run, tmp_path: Path, write_targets: Callable[..., Path]
) -> None:
    db = _seeded(tmp_path)
    newest = max(m.version for m in MIGRATIONS)
    _set_versions(db, f"DELETE FROM schemaversion WHERE version = {newest}")
    before = _files(db)
    for args in READERS:
        result = run_cli(*args, "--db", f"sqlite:///{db}", env=MAIL_ENV)
        assert result.code == 2 and "run `monitor check` once" in result.err, (args, result)
    assert _files(db) == before
    targets = write_targets([{"code": "18.71", "level": "kota", "name": "Bandar Lampung"}])
    assert run_cli("check", "--db", f"sqlite:///{db}", "--targets", str(targets)).code == 0
    assert run_cli("export", "--db", f"sqlite:///{db}").code == 0


def test_a_newer_schema_is_refused_by_every_command(
    run_cli: Run, tmp_path: Path, write_targets: Callable[..., Path]
) -> None:
    db = _seeded(tmp_path)
    _set_versions(db, "INSERT INTO schemaversion (version, description, applied_at) "
                      "VALUES (999, 'from a later monitor', '2027-01-01 00:00:00')")
    before = _files(db)
    targets = write_targets([{"code": "18.71", "level": "kota", "name": "Bandar Lampung"}])
    for args in [*READERS, ("check", "--targets", str(targets))]:
        result = run_cli(*args, "--db", f"sqlite:///{db}", env=MAIL_ENV)
        assert result.code == 2, (args, result)
        assert "schema version(s) 999, newer than this monitor" in result.err, (args, result)
    assert _files(db) == before
