"""Shared fixtures: databases (SQLite always, PostgreSQL when CI provides one), the fleet,
and a targets.csv writer."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pg_server
import pytest
from sqlalchemy import create_engine, text

from monitor.demo.fleet import Fleet, FleetSite
from monitor.store import Store
from monitor.targets.loader import COLUMNS

PG_URL = os.environ.get("MONITOR_TEST_PG_URL", "")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(autouse=True, scope="session")
def _no_daily_browser_audit() -> Iterator[None]:
    """`monitor check` audits in Chromium once a day by default (service.audit_plan); a test
    sweep is the first of its day, so tests ask for the audit explicitly (--browser) or set
    MONITOR_BROWSER_AUDIT themselves. Session scope: module fixtures sweep too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONITOR_BROWSER_AUDIT", "off")
        yield


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'monitor.db'}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """MONITOR_TEST_PG_URL, else a throwaway server from the installed PostgreSQL binaries
    (tests/pg_server.py), else skip with the reason."""
    if PG_URL:
        yield PG_URL
        return
    bindir = pg_server.pg_bin()
    if bindir is None:
        pytest.skip(pg_server.SKIP_REASON)
    try:
        server = pg_server.PgServer(bindir)
    except (OSError, subprocess.SubprocessError, KeyError) as exc:
        pytest.skip(f"PostgreSQL is installed but a throwaway server did not start: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite always; PostgreSQL from ``pg_url`` (a throwaway
    server when PostgreSQL is installed). Tests using this fixture run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'monitor.db'}"
    url: str = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(sqlite_url: str) -> Store:
    return Store.open(sqlite_url)


@pytest.fixture
def fleet_factory() -> Iterator[Callable[[list[FleetSite]], Fleet]]:
    """Start a fleet of scripted sites; every fleet started is stopped after the test."""
    started: list[Fleet] = []

    def start(sites: list[FleetSite]) -> Fleet:
        fleet = Fleet(sites)
        fleet.start()
        started.append(fleet)
        return fleet

    yield start
    for fleet in started:
        fleet.stop()


Row = dict[str, str]


@pytest.fixture
def write_targets(tmp_path: Path) -> Callable[[list[Row]], Path]:
    """Write a targets.csv from dicts (missing columns empty); returns its path."""

    def write(rows: list[Row], name: str = "targets.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([row.get(c, "") for c in COLUMNS])
        return path

    return write


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[-500:]!r}, err={self.err[-500:]!r})"


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., CliResult]:
    """Run `monitor ARGS` in-process as a user would (exit status included). Settings come
    from ``env`` only: the working directory is a temp folder with no monitor.toml."""
    from monitor.cli import main

    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MONITOR_") and name not in ("MONITOR_TEST_PG_URL",
                                                        "MONITOR_BROWSER_AUDIT"):
            monkeypatch.delenv(name)

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(params=["asyncio", "uvloop"])
def both_loops(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test's ``asyncio.run`` on asyncio's loop, then on uvloop's (what sweeps run on,
    monitor.sweep.loop): a site's faults must read the same on both."""
    if request.param == "asyncio":
        yield "asyncio"
        return
    import uvloop

    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        yield "uvloop"
    finally:
        asyncio.set_event_loop_policy(previous)
