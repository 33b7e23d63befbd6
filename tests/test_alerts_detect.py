"""Alert detection from seeded stored results (no HTTP): verification tags as the content
check stores them, what a sweep that could not judge does, certificates; and masking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from monitor.alerts.channels import mask, secrets_of, url_channel
from monitor.alerts.rules import from_settings, parse_quiet
from monitor.alerts.run import after_sweep
from monitor.core.errors import ConfigError, TargetsError
from monitor.demo.receiver import Receiver
from monitor.store import Store, result_row
from monitor.store.models import Alert, AlertDelivery
from monitor.targets.loader import Target, parse

T0 = datetime(2026, 11, 2, 3, tzinfo=UTC)
SITE = Target("S1", "kelurahan", "Sidodadi", "Kedaton", "https://sidodadi.example/", ())
TARGETS = [Target("K1", "kecamatan", "Kedaton", "Kedaton", "", ()), SITE,
           Target("S2", "kelurahan", "Tanpa", "Kedaton", "", ())]


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


class Seeder:
    """Writes one sweep of stored results per call, then runs the alert job on it."""

    def __init__(self, store: Store, inbox: Receiver) -> None:
        self.store, self.inbox, self.n = store, inbox, 0
        store.sync_targets(TARGETS, T0)

    def sweep(self, **row: Any) -> list[str]:
        at = T0 + timedelta(hours=6 * self.n)
        self.n += 1
        sweep_id = self.store.begin_sweep(at, 2, {})
        values = {**result_row(), "url": SITE.url, "checked_at": at, "available": True,
                  "status_code": 200, "findings": {}, "failed_checks": {}, "attempts": []}
        values.update(row)
        no_site = {**result_row(), "url": "", "checked_at": at, "error": "no_site",
                   "findings": {}, "failed_checks": {}, "attempts": []}
        self.store.save_rows(sweep_id, [("S1", values), ("S2", no_site)])
        self.store.finish_sweep(sweep_id, at)
        before = len(self.inbox.messages)
        after_sweep(self.store, TARGETS, {"alert_urls": self.inbox.apprise_url,
                                          "alert_reminder_days": 0}, sweep_id, at)
        return [m["title"] for m in self.inbox.messages[before:]]


@pytest.fixture
def seed(db_url: str, inbox: Receiver) -> Seeder:
    """On SQLite, and on PostgreSQL when MONITOR_TEST_PG_URL is set."""
    return Seeder(Store.open(db_url), inbox)


def _content(flags: list[str] | None = None, **verification: list[str]) -> dict[str, Any]:
    content: dict[str, Any] = {"flags": flags or [], "matches": []}
    if verification is not None:
        content["verification"] = {"google": [], "bing": [], "yandex": [], **verification}
    return {"content_flags": flags or [], "findings": {"content": content}}


def test_a_new_verification_tag_is_said_once(seed: Seeder) -> None:
    assert seed.sweep(**_content(google=["AAA111"])) == []  # the first tags are the baseline
    titles = seed.sweep(**_content(google=["AAA111", "BBB222"]))
    assert titles == ["Tag verifikasi Search Console baru: Kelurahan Sidodadi (Kec. Kedaton)"]
    assert 'google-site-verification" content="BBB222"' in seed.inbox.messages[-1]["message"]
    assert seed.sweep(**_content(google=["AAA111", "BBB222"])) == []
    assert seed.sweep(available=False, error="timeout", status_code=None) == []  # no data
    assert seed.sweep(**_content(google=["AAA111"])) == []  # removed: not news
    assert seed.sweep(**_content(google=["AAA111", "BBB222"])) == []  # back: said already
    assert len(seed.sweep(**_content(google=["AAA111"], bing=["CCC333"]))) == 1


def test_a_sweep_that_cannot_read_the_page_does_not_reopen_a_hacked_alert(
    seed: Seeder
) -> None:
    store = seed.store
    assert len(seed.sweep(**_content(["judi_spam"]))) == 1
    assert seed.sweep(available=False, error="timeout", status_code=None) == []
    assert seed.sweep(**_content(["judi_spam"])) == []  # the same hack, not a new one
    assert seed.sweep(**_content([])) == []  # cleaned: closed without a message
    with store.session() as session:
        [alert] = session.exec(select(Alert)).all()
    assert alert.closed_at is not None
    assert len(seed.sweep(**_content(["judi_spam"]))) == 1  # hacked again: a new alert


def test_certificate_expiring_and_invalid(seed: Seeder) -> None:
    store = seed.store
    assert seed.sweep(cert_days_left=40, https=True) == []
    [title] = seed.sweep(cert_days_left=14, https=True)
    assert title.startswith("Sertifikat HTTPS segera habis")
    assert seed.sweep(cert_days_left=13, https=True) == []
    assert seed.sweep(cert_days_left=89, https=True) == []  # renewed: closed
    [title] = seed.sweep(available=False, error="tls", error_detail="certificate expired",
                         status_code=None, https=False)
    assert title.startswith("Sertifikat HTTPS tidak sah")
    with store.session() as session:
        kinds = session.exec(select(Alert.kind).order_by(col(Alert.id))).all()
    assert kinds == ["cert_expiring", "cert_invalid"]  # nothing for the area without a site


def test_one_lost_sweep_is_no_outage(seed: Seeder) -> None:
    down = {"available": False, "error": "connect", "status_code": None}
    assert seed.sweep() == []
    assert seed.sweep(**down) == []
    assert seed.sweep() == []
    assert seed.sweep(**down) == []
    [title] = seed.sweep(**down)
    assert title.startswith("Situs tidak dapat diakses")
    assert seed.sweep(**down) == []
    [title] = seed.sweep()
    assert title.startswith("Situs kembali dapat diakses")
    assert "tidak dapat diakses selama 18 jam 0 menit" in seed.inbox.messages[-1]["message"]


def test_masking_keeps_the_scheme_and_host_and_drops_tokens() -> None:
    telegram = "tgram://123456789:ABCdefGHIjklMNOpqrSTUvwxYZ/-100987654321"
    assert "ABCdef" not in mask(telegram) and "987654321" not in mask(telegram)
    assert mask("json://127.0.0.1:8080/") == "json://127.0.0.1:8080/"
    hook = "json://user:pa55word@hooks.example.org/T0KENPATH123?token=qwertyuiop"
    assert mask(hook) == "json://***@hooks.example.org/***"
    assert {"pa55word", "T0KENPATH123", "qwertyuiop"} <= set(secrets_of(hook))
    assert url_channel(hook).key.startswith("url:") and "pa55" not in url_channel(hook).key


def test_alert_urls_column_is_optional_and_validated() -> None:
    head = "code,level,name,kecamatan,url,email"
    rows = "K,kecamatan,Uji,Uji,,\nA,kelurahan,A,Uji,http://a.example/,\n"
    assert [t.alert_urls for t in parse(f"{head}\n{rows}")] == [(), ()]
    text = (f"{head},alert_urls\nK,kecamatan,Uji,Uji,,,json://127.0.0.1:9/;tgram://SECRET\n"
            "A,kelurahan,A,Uji,http://a.example/,,bogus://SECRET2\n")
    with pytest.raises(TargetsError) as caught:
        parse(text, "t.csv")
    assert caught.value.problems == [
        "t.csv:2: alert_urls: URL 2: tgram://... is not a usable Apprise URL (unknown scheme "
        "or missing parts; see the Apprise wiki)",
        "t.csv:3: alert_urls: URL 1: bogus://... is not a usable Apprise URL (unknown scheme "
        "or missing parts; see the Apprise wiki)"]
    assert "SECRET" not in str(caught.value)  # the URL may be a token: never repeated
    good = parse(f"{head},alert_urls\nK,kecamatan,Uji,Uji,,,json://127.0.0.1:9/ ; "
                 "json://127.0.0.1:10/\n")
    assert good[0].alert_urls == ("json://127.0.0.1:9/", "json://127.0.0.1:10/")


def test_quiet_hours_setting(tmp_path: Path) -> None:
    assert parse_quiet("22-06") == (22, 6) and parse_quiet("") is None
    with pytest.raises(ConfigError, match="alert_quiet_hours"):
        parse_quiet("tonight")
    rules = from_settings({"alert_quiet_hours": "22-06"})
    jakarta_23 = datetime(2026, 11, 2, 16, tzinfo=UTC)
    assert rules.is_quiet(jakarta_23) and not rules.is_quiet(jakarta_23 + timedelta(hours=8))


def test_many_alerts_at_once_go_as_one_message(store: Store, inbox: Receiver) -> None:
    sites = [Target(f"S{i}", "kelurahan", f"Situs {i}", "Kedaton", f"https://s{i}.example/", ())
             for i in range(7)]
    targets = [TARGETS[0], *sites]
    store.sync_targets(targets, T0)
    sweep_id = store.begin_sweep(T0, 7, {})
    row = {**result_row(), "checked_at": T0, "available": True, "status_code": 200,
           "failed_checks": {}, "attempts": [], **_content(["judi_spam"])}
    store.save_rows(sweep_id, [(s.code, {**row, "url": s.url}) for s in sites])
    summary = after_sweep(store, targets, {"alert_urls": inbox.apprise_url}, sweep_id, T0)
    assert summary is not None and (summary.new, summary.sent) == (7, 7)
    [message] = inbox.messages
    assert message["title"] == "Ringkasan peringatan: 7 peringatan"
    assert all(f"Kelurahan Situs {i}" in message["message"] for i in range(7))
    with store.session() as session:
        assert set(session.exec(select(AlertDelivery.via)).all()) == {"batch"}


def test_a_site_whose_address_is_removed_ends_its_open_alerts(seed: Seeder) -> None:
    store = seed.store
    assert len(seed.sweep(**_content(["judi_spam"]))) == 1
    assert seed.sweep(url="", error="no_site", available=None, status_code=None) == []
    with store.session() as session:
        [alert] = session.exec(select(Alert)).all()
    assert alert.closed_at is not None


def test_a_bad_alert_setting_is_logged_and_the_sweep_result_kept(
    store: Store, inbox: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    store.sync_targets(TARGETS, T0)
    sweep_id = store.begin_sweep(T0, 1, {})
    assert after_sweep(store, TARGETS, {"alert_quiet_hours": "malam"}, sweep_id, T0) is None
    assert "alert_quiet_hours" in caplog.text and "Traceback" not in caplog.text


def test_page_text_in_the_evidence_cannot_carry_terminal_escapes(seed: Seeder) -> None:
    row = _content(["judi_spam"])
    row["findings"]["content"]["matches"] = [{
        "flag": "judi_spam", "rule": "judi:title", "url": SITE.url, "where": "<title>",
        "text": "slot gacor\x1b[2J\x1b]0;owned\x07 maxwin\n" + "x" * 400}]
    assert len(seed.sweep(**row)) == 1
    with seed.store.session() as session:
        [alert] = session.exec(select(Alert)).all()
    assert "\x1b" not in alert.evidence and "\x07" not in alert.evidence
    assert "slot gacor" in alert.evidence and len(alert.evidence) <= 160
    assert "\x1b" not in seed.inbox.messages[-1]["message"]
