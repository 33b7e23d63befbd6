"""The phone audit once a day by default (service.audit_plan): the first sweep of a day runs
Chromium and keeps screenshots, the day's later sweeps stay fast."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fleet_mobile import mobile_sites

from monitor.core.chromium import find_chromium
from monitor.core.errors import ConfigError
from monitor.demo.fleet import Fleet
from monitor.service.audit_plan import browser_due
from monitor.store import Store

NOON = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 12:00 WIB


def _sweep(store: Store, at: datetime, browser: bool | None) -> None:
    options: dict[str, Any] = {"timeout": 20.0}
    if browser is not None:
        options["browser"] = browser
    sweep_id = store.begin_sweep(at, 0, options)
    store.finish_sweep(sweep_id, at + timedelta(minutes=1))


def test_modes(store: Store) -> None:
    assert browser_due(store, "off", NOON, chromium="/usr/bin/chromium") is False
    assert browser_due(store, "every", NOON, chromium="") is True
    assert browser_due(store, "daily", NOON, chromium="") is False  # no Chromium: no audit
    assert browser_due(store, "Daily ", NOON, chromium="/usr/bin/chromium") is True
    with pytest.raises(ConfigError, match="MONITOR_BROWSER_AUDIT"):
        browser_due(store, "sometimes", NOON)


def test_daily_means_the_first_sweep_of_each_jakarta_day(store: Store) -> None:
    chromium = "/usr/bin/chromium"
    _sweep(store, NOON - timedelta(days=1), True)  # yesterday's audit does not count today
    _sweep(store, NOON - timedelta(hours=4), False)  # 08:00 WIB, an old-style sweep
    assert browser_due(store, "daily", NOON, chromium=chromium) is True
    _sweep(store, NOON - timedelta(hours=2), True)  # 10:00 WIB audited
    assert browser_due(store, "daily", NOON, chromium=chromium) is False
    # 17:30 UTC is 00:30 WIB the next day: a new day, a new audit
    assert browser_due(store, "daily", datetime(2026, 11, 20, 17, 30, tzinfo=UTC),
                       chromium=chromium) is True


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="Debian chromium not installed")
def test_monitor_check_audits_once_a_day_by_default(run_cli: Any, write_targets: Any,
                                                    tmp_path: Path) -> None:
    with Fleet([s for s in mobile_sites() if s.name == "mobile_ok"]) as fleet:
        path = write_targets(
            [{"code": "18.71.01", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji",
              "url": fleet.url("mobile_ok")}])
        shots = tmp_path / "shots"
        env = {"MONITOR_SCREENSHOTS_DIR": str(shots), "MONITOR_BROWSER_AUDIT": "daily"}
        for _ in range(2):
            result = run_cli("check", "--targets", str(path), "--timeout", "10", env=env)
            assert result.code == 0, result
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    assert [s.options.get("browser") for s in store.sweeps()] == [True, False]
    assert len(list(shots.glob("*/*.jpg"))) == 1
    rows = json.loads(run_cli("export", "--format", "json").out)
    assert rows[0]["mobile_friendly"] is True
