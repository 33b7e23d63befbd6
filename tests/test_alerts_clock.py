"""Alerts against a fake clock: reminders after their interval, quiet hours (which hacked
sites ignore) and the daily digest. Sweeps run through the service job (run_sweep) with an
injected clock, over the loopback fleet, into a real receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alerts_fleet import Script, alert_sites, write_targets

from monitor.core import settings
from monitor.core.clock import JAKARTA
from monitor.demo.fleet import Fleet, FleetSite
from monitor.demo.receiver import Receiver
from monitor.service.jobs import run_sweep
from monitor.store import Store
from monitor.sweep.sweeper import SweepOptions
from monitor.targets import loader


def wib(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=JAKARTA)


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


Sweep = Callable[[datetime], None]


def _sweeper(fleet: Fleet, inbox: Receiver, tmp_path: Path, **alert_settings: str) -> Sweep:
    env = {f"MONITOR_{k.upper()}": v for k, v in alert_settings.items()}
    env["MONITOR_ALERT_URLS"] = inbox.apprise_url
    values = settings.load(tmp_path / "absent.toml", environ=env).values
    options = SweepOptions(timeout=3.0, retry_pause=0.05, check_options=dict(values))
    targets = loader.load(write_targets(fleet, tmp_path / "targets.csv"))
    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")

    def sweep(at: datetime) -> None:
        run_sweep(store, targets, options, ssl_context=fleet.client_ssl_context(),
                  clock=lambda: at)

    return sweep


def _titles(inbox: Receiver, since: int = 0) -> list[str]:
    return [m["title"].split(":")[0] + ":" + m["title"].rsplit(":", 1)[1]
            for m in inbox.messages[since:]]


def _sites(names: tuple[str, ...]) -> list[FleetSite]:
    script = Script(sweep=1)  # judi hacked from the start; lain always down
    return [s for s in alert_sites(script) if s.name in names]


def test_reminders_after_their_interval_and_quiet_hours(
    fleet_factory: Callable[..., Fleet], inbox: Receiver, tmp_path: Path
) -> None:
    fleet = fleet_factory(_sites(("judi", "lain")))
    sweep = _sweeper(fleet, inbox, tmp_path, alert_reminder_days="1",
                     alert_quiet_hours="22-06")
    sweep(wib(2, 23))  # quiet, but a hacked site is said at once; lain: one failure only
    assert _titles(inbox) == ["Situs diretas: Kelurahan Judi (Kec. Uji)"]
    sweep(wib(3, 0))  # lain down: recorded, held for the quiet hours
    assert len(inbox.messages) == 1
    sweep(wib(3, 6))  # quiet hours over: the held alert goes, nothing else
    assert _titles(inbox, 1) == ["Situs tidak dapat diakses: Kelurahan Lain (Kec. Lain)"]
    sweep(wib(3, 12))  # nothing new, and not a day yet since anything was said
    assert len(inbox.messages) == 2
    sweep(wib(4, 1))  # a day on, still open: the hacked reminder now, the other held
    assert _titles(inbox, 2) == ["Pengingat: Kelurahan Judi (Kec. Uji)"]
    assert "Sejak: Senin, 2 November 2026 pukul 23.00 WIB" in inbox.messages[2]["message"]
    sweep(wib(4, 7))
    assert _titles(inbox, 3) == ["Pengingat: Kelurahan Lain (Kec. Lain)"]
    # since the first failure
    assert "Sejak: Senin, 2 November 2026 pukul 23.00 WIB" in inbox.messages[3]["message"]
    sweep(wib(4, 12))
    assert len(inbox.messages) == 4  # reminded once per interval, not each sweep


def test_no_reminder_when_the_setting_is_zero(
    fleet_factory: Callable[..., Fleet], inbox: Receiver, tmp_path: Path
) -> None:
    fleet = fleet_factory(_sites(("judi",)))
    sweep = _sweeper(fleet, inbox, tmp_path, alert_reminder_days="0")
    for day in (2, 5, 9, 20):
        sweep(wib(day, 10))
    assert len(inbox.messages) == 1


def test_daily_digest_per_channel(
    fleet_factory: Callable[..., Fleet], inbox: Receiver, tmp_path: Path
) -> None:
    fleet = fleet_factory(_sites(("judi", "lain", "susp", "deflt")))
    sweep = _sweeper(fleet, inbox, tmp_path, alert_digest="true", alert_digest_hour="7",
                     alert_reminder_days="0")
    sweep(wib(2, 1))
    sweep(wib(2, 5))  # lain is down now; suspended and default page since the first sweep
    assert _titles(inbox) == ["Situs diretas: Kelurahan Judi (Kec. Uji)"]  # hacked: at once
    sweep(wib(2, 7))
    assert len(inbox.messages) == 2
    digest = inbox.messages[1]
    assert digest["title"] == "Ringkasan peringatan: 3 peringatan"
    for name in ("Kelurahan Lain", "Kelurahan Susp", "Kelurahan Deflt"):
        assert name in digest["message"]
    sweep(wib(2, 13))  # one digest a day
    assert len(inbox.messages) == 2
