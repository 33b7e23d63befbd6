"""Alerts over several real sweeps of the loopback fleet, through `monitor check`.

Each sweep the scripted sites change state (tests/alerts_fleet.py); the alerts must follow
exactly: one per change, never repeated, routed to the city channel and the kecamatan's,
delivered to real loopback receivers (an HTTP webhook for json://, aiosmtpd for email).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alerts_fleet import EXPECTED, KECAMATAN_UJI, Script, alert_sites, write_targets
from conftest import CliResult
from smtp_server import PASSWORD, USER, SmtpServer, make_tls
from sqlmodel import col, select

from monitor.demo.fleet import Fleet
from monitor.demo.receiver import Receiver
from monitor.store import Store
from monitor.store.models import Alert, AlertDelivery, Site


@pytest.fixture
def receivers() -> Iterator[Callable[[str], Receiver]]:
    started: list[Receiver] = []

    def start(mode: str = "ok") -> Receiver:
        receiver = Receiver(mode).__enter__()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.close()


def _alerts(db: str) -> list[tuple[int, str, str, bool]]:
    """(sweep id, site code, kind, is reminder) of every alert, oldest first."""
    store = Store.open(db)
    with store.session() as session:
        rows = session.exec(select(Alert, Site).join(Site, col(Site.id) == Alert.site_id)
                            .order_by(col(Alert.id))).all()
    return [(a.sweep_id or 0, s.code, a.kind, a.reminder_of is not None) for a, s in rows]


def _deliveries(db: str) -> list[AlertDelivery]:
    store = Store.open(db)
    with store.session() as session:
        return list(session.exec(select(AlertDelivery).order_by(col(AlertDelivery.id))).all())


def _check(run_cli: Callable[..., CliResult], targets: Path, db: str, fleet: Fleet,
           **env: str) -> CliResult:
    base = {"MONITOR_CA_BUNDLE": str(fleet.ca_file), "MONITOR_RETRY_PAUSE": "0.05",
            "MONITOR_ALERT_SEND_TIMEOUT": "3", "MONITOR_ALERT_REMINDER_DAYS": "0"}
    return run_cli("check", "--targets", str(targets), "--db", db, "--timeout", "3",
                   env={**base, **env})


def test_each_change_gives_exactly_one_alert_routed_to_city_and_kecamatan(
    run_cli: Callable[..., CliResult], fleet_factory: Callable[..., Fleet],
    receivers: Callable[[str], Receiver], tmp_path: Path,
) -> None:
    script = Script()
    fleet = fleet_factory(alert_sites(script))
    city, uji = receivers("ok"), receivers("ok")
    targets = write_targets(fleet, tmp_path / "targets.csv", uji_urls=uji.apprise_url)
    db = f"sqlite:///{tmp_path / 'm.db'}"
    city_seen = uji_seen = 0
    for sweep in sorted(EXPECTED):
        script.sweep = sweep
        result = _check(run_cli, targets, db, fleet, MONITOR_ALERT_URLS=city.apprise_url,
                        MONITOR_ALERT_CERT_DAYS="90")
        assert result.code == 0, result
        raised = [(code, kind) for sweep_id, code, kind, _ in _alerts(db)
                  if sweep_id == sweep + 1]
        assert sorted(raised) == sorted(EXPECTED[sweep]), f"sweep {sweep}"  # once each
        # every alert reaches the city; only Uji's reach Uji's channel
        assert len(city.messages) - city_seen == len(raised)
        assert len(uji.messages) - uji_seen == sum(c in KECAMATAN_UJI for c, _ in raised)
        city_seen, uji_seen = len(city.messages), len(uji.messages)
    assert all(d.status == "sent" for d in _deliveries(db))
    titles = [m["title"] for m in city.messages]
    assert any(t.startswith("Situs diretas: konten judi online: Kelurahan Judi") for t in titles)
    back_up = next(m for m in city.messages if m["title"].startswith("Situs kembali"))
    assert "Kelurahan Flaky (Kec. Uji)" in back_up["message"]
    assert "tidak dapat diakses selama" in back_up["message"]  # how long it was down
    assert not any("Tanpa Situs" in t or "Steady" in t or "Blip" in t for t in titles)
    lain = [m for m in uji.messages if "Lain" in m["title"]]
    assert lain == []  # the other kecamatan's alert went to the city only

    listing = run_cli("alerts", "--db", db)
    assert listing.code == 0
    assert "flaky" in listing.out and "back_up" in listing.out
    assert f"sent     json://127.0.0.1:{uji.apprise_url.rsplit(':', 1)[1]}" in listing.out


def test_english_wording(run_cli: Callable[..., CliResult], fleet_factory: Callable[..., Fleet],
                         receivers: Callable[[str], Receiver], tmp_path: Path) -> None:
    script = Script(sweep=1)
    fleet = fleet_factory([s for s in alert_sites(script) if s.name == "judi"])
    city = receivers("ok")
    targets = write_targets(fleet, tmp_path / "targets.csv")
    db = f"sqlite:///{tmp_path / 'm.db'}"
    assert _check(run_cli, targets, db, fleet, MONITOR_ALERT_URLS=city.apprise_url,
                  MONITOR_LANG="en").code == 0
    [message] = city.messages
    assert message["title"] == "Site hacked: online-gambling spam: Kelurahan Judi (Kec. Uji)"
    lines = message["message"].splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == ["Site", "Since", "Evidence", "To do"]
    assert "slot gacor" in lines[2]  # the exact text, in one line
    assert lines[-1] == fleet.url("judi")


def test_failing_or_hanging_channel_leaves_the_sweep_alone_and_delivers_later(
    run_cli: Callable[..., CliResult], fleet_factory: Callable[..., Fleet],
    receivers: Callable[[str], Receiver], tmp_path: Path,
) -> None:
    script = Script(sweep=1)
    fleet = fleet_factory([s for s in alert_sites(script) if s.name in ("judi", "steady")])
    failing, hanging = receivers("fail"), receivers("hang")
    targets = write_targets(fleet, tmp_path / "targets.csv", uji_urls=hanging.apprise_url)
    db = f"sqlite:///{tmp_path / 'm.db'}"
    env = {"MONITOR_ALERT_URLS": failing.apprise_url, "MONITOR_ALERT_SEND_TIMEOUT": "1"}
    started = time.monotonic()
    result = _check(run_cli, targets, db, fleet, **env)
    elapsed = time.monotonic() - started
    assert result.code == 0, result
    assert "sweep 1 complete" in result.out
    # The hanging webhook would hold a send for Apprise's own read timeout and more; the
    # deadline cut it (a bound, not a speed test: the receiver hangs for 120 s).
    assert elapsed < 60
    outcome = {d.label: (d.status, d.detail) for d in _deliveries(db)}
    assert outcome[hanging.apprise_url] == ("timeout", "no answer within 1 s")
    assert outcome[failing.apprise_url][0] == "failed"
    assert failing.requests >= 1 and hanging.requests == 1
    assert failing.messages == [] and hanging.messages == []

    failing.mode = hanging.mode = "ok"
    assert _check(run_cli, targets, db, fleet, **env).code == 0
    assert [m["title"][:14] for m in failing.messages] == ["Situs diretas:"]
    assert [m["title"][:14] for m in hanging.messages] == ["Situs diretas:"]
    assert {(d.status, d.attempts) for d in _deliveries(db)} == {("sent", 2)}
    assert [kind for *_, kind, _r in _alerts(db)] == ["judi_spam"]  # the alert, not a new one

    assert _check(run_cli, targets, db, fleet, **env).code == 0  # nothing more to say
    assert len(failing.messages) == len(hanging.messages) == 1


def test_email_channel_through_smtp(run_cli: Callable[..., CliResult],
                                    fleet_factory: Callable[..., Fleet], tmp_path: Path) -> None:
    script = Script(sweep=1)
    fleet = fleet_factory([s for s in alert_sites(script) if s.name == "judi"])
    targets = write_targets(fleet, tmp_path / "targets.csv",
                            emails={"judi": "lurah@judi.example", "K1": "camat@uji.example"})
    db = f"sqlite:///{tmp_path / 'm.db'}"
    tls = make_tls(tmp_path)
    bundle = tmp_path / "cas.pem"  # one MONITOR_CA_BUNDLE: the fleet's CA and the mail CA
    bundle.write_text(fleet.ca_file.read_text() + tls.ca_pem.read_text())
    with SmtpServer("starttls", tls, auth=True) as server:
        result = _check(run_cli, targets, db, fleet, MONITOR_ALERT_EMAIL="true",
                        MONITOR_SMTP_HOST="127.0.0.1", MONITOR_SMTP_PORT=str(server.port),
                        MONITOR_SMTP_USER=USER, MONITOR_SMTP_PASSWORD=PASSWORD,
                        MONITOR_MAIL_FROM="monitor@kota.example",
                        MONITOR_CA_BUNDLE=str(bundle))
    assert result.code == 0, result
    assert all(d.tls and d.authenticated for d in server.delivered)
    assert PASSWORD not in result.out + result.err
    assert sorted(r for d in server.delivered for r in d.rcpt_tos) == [
        "camat@uji.example", "lurah@judi.example"]
    message = server.delivered[0].message
    assert message["Subject"].startswith("Situs diretas: konten judi online")
    assert "Bukti:" in message.get_content()
    assert {d.status for d in _deliveries(db)} == {"sent"}


def test_alert_test_command_reports_each_channel(
    run_cli: Callable[..., CliResult], receivers: Callable[[str], Receiver],
    write_targets: Callable[..., Path],
) -> None:
    good, bad = receivers("ok"), receivers("fail")
    targets = write_targets([{"code": "K", "level": "kecamatan", "name": "Uji",
                              "kecamatan": "Uji"}])
    secret = "json://monitor:Sup3rSecretPw@127.0.0.1:9/hooks/abcdef0123456789"
    result = run_cli("alerts", "--test", "--targets", str(targets),
                     env={"MONITOR_ALERT_URLS": f"{good.apprise_url} {bad.apprise_url} {secret}",
                          "MONITOR_ALERT_SEND_TIMEOUT": "3"})
    assert result.code == 1, result  # one channel did not take it
    lines = result.out.splitlines()
    assert f"sent     {good.apprise_url}" in lines
    assert any(line.startswith(f"failed   {bad.apprise_url}") for line in lines)
    assert any(line.startswith("failed   json://***@127.0.0.1:9/hooks/***") for line in lines)
    assert "Sup3rSecretPw" not in result.out + result.err
    assert "abcdef0123456789" not in result.out + result.err
    assert good.messages[0]["title"] == "Pesan uji dari monitor"

    config = run_cli("config", env={"MONITOR_ALERT_URLS": secret})
    assert "Sup3rSecretPw" not in config.out and "abcdef0123456789" not in config.out

    none = run_cli("alerts", "--test", "--targets", str(targets),
                   env={"MONITOR_ALERT_URLS": ""})
    assert none.code == 2 and "no alert channel configured" in none.err


def test_alerts_listing_of_a_missing_database_is_a_usage_error(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = run_cli("alerts", "--db", f"sqlite:///{tmp_path / 'absent.db'}")
    assert result.code == 2 and "does not exist" in result.err
    assert not (tmp_path / "absent.db").exists()
