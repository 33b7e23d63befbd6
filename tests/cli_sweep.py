"""Sweep a running fleet through the real command line, for module-scoped fixtures (which
cannot use monkeypatch): `monitor check` then `monitor export`, as an operator would."""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from monitor.cli import main
from monitor.demo.fleet import Fleet
from monitor.targets.loader import COLUMNS


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore them exactly."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def write_fleet_targets(fleet: Fleet, path: Path) -> Path:
    """One kecamatan 'Uji' and a kelurahan per fleet site, coded by the site's name."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerow(["K", "kecamatan", "Uji", "Uji", "", ""])
        for name in fleet.sites:
            writer.writerow([name, "kelurahan", name, "Uji", fleet.url(name), ""])
    return path


def sweep_and_export(fleet: Fleet, folder: Path, *, timeout: float, concurrency: int,
                     env: dict[str, str]) -> tuple[dict[str, dict[str, Any]], str]:
    """Run one sweep of the fleet; returns the export records by code and the database URL."""
    targets = write_fleet_targets(fleet, folder / "targets.csv")
    db = f"sqlite:///{folder / 'm.db'}"
    out = folder / "export.json"
    # kept answers belong to this test's folder, never to another run's (sweep/validators.py)
    env = {"MONITOR_HTTP_CACHE_DIR": str(folder / "http-cache"), **env}
    with environment(env):
        main(["check", "--targets", str(targets), "--db", db, "--timeout", str(timeout),
              "--concurrency", str(concurrency)])
        main(["export", "--db", db, "--output", str(out)])
    records = {r["code"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    return records, db
