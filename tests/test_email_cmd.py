"""`monitor email` end to end: a seeded database, real reports, a real SMTP server on loopback."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult
from smtp_server import PASSWORD, USER, Delivered, SmtpServer, Tls, free_port, make_tls
from sqlmodel import select

from monitor.core.chromium import CHROMIUM
from monitor.mail import smtp as mailer
from monitor.report import write_week
from monitor.store import Result, Site, Store
from monitor.store.emails import week_rows
from monitor.targets.loader import Target

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB: week 47 just ended
WEEK = "2026-W47"
SENDER = "monitor@bandarlampungkota.go.id"
KOMINFO = "kominfo@bandarlampungkota.go.id"
KEDATON_TO = ["camat@kedaton.example.id", "sekcam@kedaton.example.id"]
KEDATON_CC = ["lurah@sidodadi.example.id", "lurah@surabaya.example.id", KOMINFO]
RAJABASA_TO = ["camat@rajabasa.example.id", "nobody@rajabasa.example.id"]

SITES = [
    Target("18.71", "kota", "Bandar Lampung", "", "https://kota.example.test/",
           ("kota@example.id",)),
    Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "https://kedaton.example.test/",
           tuple(KEDATON_TO)),
    Target("18.71.01.1001", "kelurahan", "Sidodadi", "Kedaton",
           "https://sidodadi.example.test/", ("lurah@sidodadi.example.id",)),
    # the camat is listed again on a kelurahan row: still one copy, as To
    Target("18.71.01.1002", "kelurahan", "Surabaya", "Kedaton", "",
           ("lurah@surabaya.example.id", "Camat@Kedaton.example.id")),
    Target("18.71.02", "kecamatan", "Tanjungkarang Pusat", "Tanjungkarang Pusat",
           "https://tkp.example.test/", ()),
    Target("18.71.02.1001", "kelurahan", "Gotong Royong", "Tanjungkarang Pusat",
           "https://gotongroyong.example.test/", ("lurah@gotongroyong.example.id",)),
    Target("18.71.03", "kecamatan", "Rajabasa", "Rajabasa", "https://rajabasa.example.test/",
           tuple(RAJABASA_TO)),
    Target("18.71.03.1001", "kelurahan", "Rajabasa Raya", "Rajabasa", "", ()),
]


def seed(url: str) -> None:
    """Targets and one sweep a day of week 47: Kedaton's own site down, the rest up."""
    store = Store.open(url)
    store.sync_targets(SITES, NOW - timedelta(days=30))
    for day in range(7, 0, -1):
        at = NOW - timedelta(days=day, hours=1)
        sweep_id = store.begin_sweep(at, len(SITES), {})
        rows = []
        for t in SITES:
            if not t.url:
                values: dict[str, Any] = dict(error="no_site", activity="tidak_ada_situs")
            elif t.code == "18.71.01":
                values = dict(available=False, error="timeout", activity="tidak_diketahui")
            else:
                values = dict(available=True, status_code=200, activity="aktif",
                              last_update="2026-11-20", days_since_update=3)
            rows.append((t.code, Result(sweep_id=0, site_id=0, checked_at=at, url=t.url,
                                        **values)))
        store.save_results(sweep_id, rows)
        store.finish_sweep(sweep_id, at + timedelta(minutes=5))
    store.engine.dispose()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain() -> Iterator[SmtpServer]:
    with SmtpServer("none") as server:
        yield server


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production backoff waits minutes; the same retries run here without waiting."""
    monkeypatch.setattr(mailer, "RETRY_DELAYS", (0.0, 0.0))


def env_for(db: str, port: int, security: str = "none", **more: str) -> dict[str, str]:
    return {"MONITOR_DB": db, "MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_SMTP_PORT": str(port),
            "MONITOR_SMTP_SECURITY": security, "MONITOR_MAIL_FROM": SENDER,
            "MONITOR_MAIL_CC": KOMINFO, "MONITOR_REPORT_PDF": "false", **more}


Run = Callable[..., CliResult]


def by_kecamatan(delivered: list[Delivered]) -> dict[str, list[Delivered]]:
    found: dict[str, list[Delivered]] = {}
    for item in delivered:
        found.setdefault(str(item.message["X-Monitor-Kecamatan"]), []).append(item)
    return found


def addresses(msg: EmailMessage, header: str) -> list[str]:
    return [a.addr_spec for a in msg[header].addresses] if msg[header] else []


def test_each_kecamatan_gets_its_report_over_starttls_with_auth(
        run_cli: Run, sqlite_url: str, tls: Tls, tmp_path: Path) -> None:
    seed(sqlite_url)
    with SmtpServer("starttls", tls, auth=True) as server:
        result = run_cli("email", "--week", WEEK, env=env_for(
            sqlite_url, server.port, "starttls", MONITOR_SMTP_USER=USER,
            MONITOR_SMTP_PASSWORD=PASSWORD, MONITOR_CA_BUNDLE=str(tls.ca_pem),
            MONITOR_REPORT_PDF="true", MONITOR_MAIL_REPLY_TO="aptika@bandarlampungkota.go.id",
            MONITOR_CONTACT_PHONE="0812-3456-7890"))
    assert result.code == 0, result
    sent = by_kecamatan(server.delivered)
    assert sorted(sent) == ["18.71.01", "18.71.03"]  # Tanjungkarang Pusat has no address
    assert "18.71.02 Tanjungkarang Pusat: no address" in result.out
    [kedaton] = sent["18.71.01"]
    assert kedaton.tls and kedaton.authenticated and kedaton.mail_from == SENDER
    assert kedaton.rcpt_tos == KEDATON_TO + KEDATON_CC
    msg = kedaton.message
    assert addresses(msg, "To") == KEDATON_TO
    assert addresses(msg, "Cc") == KEDATON_CC
    assert msg["Bcc"] is None
    assert msg["Reply-To"].addresses[0].addr_spec == "aptika@bandarlampungkota.go.id"
    plain = msg.get_body(("plain",))
    assert plain is not None and "telepon/WhatsApp 0812-3456-7890" in plain.get_content()
    assert "3 wilayah dipantau, 2 punya situs" in plain.get_content()  # areas vs websites
    # how many need action is the report's judgement (tests/test_report*); the form is ours
    assert re.fullmatch(r"\[Monitor Situs\] Kecamatan Kedaton, minggu 47/2026: "
                        r"[1-9]\d* situs perlu tindakan", msg["Subject"].strip())
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    [attachment] = list(msg.iter_attachments())
    report = tmp_path / "reports" / WEEK / "kecamatan-kedaton.html"
    content = attachment.get_payload(decode=True)
    assert isinstance(content, bytes)
    if Path(CHROMIUM).exists():  # the kecamatan's A4 PDF, made by the same run
        assert attachment.get_filename() == "laporan-kedaton-2026-W47.pdf"
        assert content.startswith(b"%PDF") and content == report.with_suffix(".pdf").read_bytes()
        links = re.findall(rb"/URI\s*\(([^)]*)\)", content)
    else:
        assert attachment.get_filename() == "laporan-kedaton-2026-W47.html"
        assert content == report.read_bytes()
        links = re.findall(rb'<a\s[^>]*href="([^"]*)"', content)  # what a reader follows
    # self-contained: every link leaves for the web or stays inside the document
    assert all(link.startswith((b"http://", b"https://", b"#")) for link in links), links
    assert b"index.html" not in content and b"data.json" not in content
    [rajabasa] = sent["18.71.03"]
    assert rajabasa.rcpt_tos == RAJABASA_TO + [KOMINFO]  # its kelurahan has no address
    assert PASSWORD not in result.out + result.err


def test_rerun_sends_nothing_and_force_resends(run_cli: Run, db_url: str,
                                               plain: SmtpServer) -> None:
    seed(db_url)
    env = env_for(db_url, plain.port)
    first = run_cli("email", "--week", WEEK, env=env)
    assert first.code == 0, first
    assert len(plain.delivered) == 2
    again = run_cli("email", "--week", WEEK, env=env)
    assert again.code == 0, again
    assert len(plain.delivered) == 2
    assert "18.71.01 Kedaton: already sent to 5" in again.out
    forced = run_cli("email", "--week", WEEK, "--force", env=env)
    assert forced.code == 0, forced
    assert len(plain.delivered) == 4
    rows = week_rows(Store.open(db_url), WEEK)
    assert {(r.kecamatan, r.recipient, r.role, r.status) for r in rows} == (
        {("18.71.01", a, "to", "sent") for a in KEDATON_TO}
        | {("18.71.01", a, "cc", "sent") for a in KEDATON_CC}
        | {("18.71.03", a, "to", "sent") for a in RAJABASA_TO}
        | {("18.71.03", KOMINFO, "cc", "sent")})


def test_a_refused_recipient_is_recorded_and_fails_the_run(
        run_cli: Run, sqlite_url: str, plain: SmtpServer) -> None:
    seed(sqlite_url)
    plain.handler.refuse["nobody@rajabasa.example.id"] = "550 5.1.1 no such user"
    env = env_for(sqlite_url, plain.port)
    result = run_cli("email", "--week", WEEK, env=env)
    assert result.code == 1, result
    assert "REFUSED nobody@rajabasa.example.id (550 5.1.1 no such user)" in result.out
    sent = by_kecamatan(plain.delivered)
    assert sent["18.71.03"][0].rcpt_tos == ["camat@rajabasa.example.id", KOMINFO]
    assert len(sent["18.71.01"]) == 1
    status = {r.recipient: (r.status, r.detail) for r in week_rows(Store.open(sqlite_url), WEEK)}
    assert status["nobody@rajabasa.example.id"] == ("refused", "550 5.1.1 no such user")
    assert status["camat@rajabasa.example.id"] == ("sent", "")
    # the next run tries only the refused address again (and still reports it)
    rerun = run_cli("email", "--week", WEEK, env=env)
    assert rerun.code == 1 and len(plain.delivered) == 2
    assert plain.handler.rcpt_attempts.count("nobody@rajabasa.example.id") == 2
    assert plain.handler.rcpt_attempts.count("camat@rajabasa.example.id") == 1


def test_server_down_is_a_clear_error_and_nothing_is_marked_sent(
        run_cli: Run, sqlite_url: str) -> None:
    seed(sqlite_url)
    port = free_port()
    result = run_cli("email", "--week", WEEK, env=env_for(sqlite_url, port))
    assert result.code == 1, result
    assert f"mail server 127.0.0.1:{port} is unavailable" in result.err
    assert "connection refused" in result.err
    assert "18.71.03 Rajabasa: NOT SENT: not tried: the mail server is unavailable" in result.out
    assert "18.71.02 Tanjungkarang Pusat: no address" in result.out
    assert week_rows(Store.open(sqlite_url), WEEK) == []


def test_implicit_tls(run_cli: Run, sqlite_url: str, tls: Tls) -> None:
    seed(sqlite_url)
    with SmtpServer("ssl", tls, auth=True) as server:
        result = run_cli("email", "--week", WEEK, env=env_for(
            sqlite_url, server.port, "ssl", MONITOR_SMTP_USER=USER,
            MONITOR_SMTP_PASSWORD=PASSWORD, MONITOR_CA_BUNDLE=str(tls.ca_pem)))
    assert result.code == 0, result
    assert len(server.delivered) == 2
    assert all(d.tls and d.authenticated for d in server.delivered)


def test_dry_run_writes_eml_files_and_sends_nothing(
        run_cli: Run, sqlite_url: str, plain: SmtpServer, tmp_path: Path) -> None:
    seed(sqlite_url)
    result = run_cli("email", "--week", WEEK, "--dry-run",
                     env=env_for(sqlite_url, plain.port, MONITOR_OUTBOX_DIR="out"))
    assert result.code == 0, result
    assert plain.delivered == []
    assert week_rows(Store.open(sqlite_url), WEEK) == []
    assert "(to 2, cc 3, 5 due now)" in result.out
    files = sorted(p.name for p in (tmp_path / "out" / WEEK).iterdir())
    assert files == ["18.71.01-kedaton.eml", "18.71.03-rajabasa.eml"]
    msg = message_from_bytes((tmp_path / "out" / WEEK / files[0]).read_bytes(),
                             policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert addresses(msg, "To") == KEDATON_TO and addresses(msg, "Cc") == KEDATON_CC
    assert len(list(msg.iter_attachments())) == 1


def test_folders_come_from_options_and_are_printed(run_cli: Run, sqlite_url: str,
                                                  tmp_path: Path) -> None:
    """--reports-dir and --outbox (or their settings): nothing lands in the current folder
    by surprise, and the command says where it read and wrote."""
    seed(sqlite_url)
    elsewhere = tmp_path / "demo"
    result = run_cli("email", "--week", WEEK, "--dry-run", "--reports-dir",
                     str(elsewhere / "reports"), "--outbox", str(elsewhere / "outbox"),
                     env={"MONITOR_DB": sqlite_url, "MONITOR_MAIL_FROM": SENDER,
                          "MONITOR_REPORT_PDF": "false"})
    assert result.code == 0, result
    assert f"reports written into {elsewhere / 'reports' / WEEK}" in result.out
    assert f"outbox: {elsewhere / 'outbox' / WEEK}" in result.out
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("monitor.db")] == [
        "demo"]
    assert (elsewhere / "outbox" / WEEK / "18.71.01-kedaton.eml").is_file()
    again = run_cli("email", "--week", WEEK, "--dry-run", "--reports-dir",
                    str(elsewhere / "reports"), "--outbox", str(elsewhere / "outbox"),
                    env={"MONITOR_DB": sqlite_url, "MONITOR_MAIL_FROM": SENDER})
    assert f"reports read from {elsewhere / 'reports' / WEEK}" in again.out


def test_dry_run_needs_no_mail_server(run_cli: Run, sqlite_url: str) -> None:
    seed(sqlite_url)
    result = run_cli("email", "--week", WEEK, "--dry-run",
                     env={"MONITOR_DB": sqlite_url, "MONITOR_MAIL_FROM": SENDER})
    assert result.code == 0, result


def test_only_sends_the_chosen_kecamatan(run_cli: Run, sqlite_url: str,
                                         plain: SmtpServer) -> None:
    seed(sqlite_url)
    env = env_for(sqlite_url, plain.port)
    result = run_cli("email", "--week", WEEK, "--only", "18.71.03", env=env)
    assert result.code == 0, result
    assert list(by_kecamatan(plain.delivered)) == ["18.71.03"]
    bad = run_cli("email", "--week", WEEK, "--only", "18.71.01.1001", env=env)
    assert bad.code == 2 and "not a kecamatan code" in bad.err


def test_reports_already_written_are_the_ones_sent(
        run_cli: Run, sqlite_url: str, plain: SmtpServer, tmp_path: Path) -> None:
    seed(sqlite_url)
    files = write_week(Store.open(sqlite_url), tmp_path / "reports", 2026, 47, now=NOW)
    published = files.folder / "kecamatan-kedaton.html"
    published.write_text(published.read_text(encoding="utf-8") + "<!-- as published -->",
                         encoding="utf-8")
    result = run_cli("email", "--week", WEEK, env=env_for(sqlite_url, plain.port))
    assert result.code == 0, result
    [kedaton] = by_kecamatan(plain.delivered)["18.71.01"]
    [attachment] = list(kedaton.message.iter_attachments())
    assert attachment.get_content().endswith("<!-- as published -->")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
def test_a_published_report_without_pdf_gets_its_pdf_printed_and_attached(
        run_cli: Run, sqlite_url: str, plain: SmtpServer, tmp_path: Path) -> None:
    seed(sqlite_url)
    files = write_week(Store.open(sqlite_url), tmp_path / "reports", 2026, 47, now=NOW)
    assert not list(files.folder.glob("*.pdf"))  # written before Chromium (no printer)
    result = run_cli("email", "--week", WEEK, "--only", "18.71.01",
                     env=env_for(sqlite_url, plain.port, MONITOR_REPORT_PDF="true"))
    assert result.code == 0, result
    [kedaton] = by_kecamatan(plain.delivered)["18.71.01"]
    [attachment] = list(kedaton.message.iter_attachments())
    assert attachment.get_filename() == "laporan-kedaton-2026-W47.pdf"
    assert attachment.get_payload(decode=True) == (
        files.folder / "kecamatan-kedaton.pdf").read_bytes()


@pytest.mark.parametrize(("env", "message"), [
    ({"MONITOR_MAIL_FROM": ""}, "mail_from is not set"),
    ({"MONITOR_SMTP_HOST": ""}, "smtp_host is not set"),
    ({"MONITOR_MAIL_CC": "kominfo@x.example.id;not an address"}, "mail_cc"),
    ({"MONITOR_SMTP_SECURITY": "tls"}, "smtp_security"),
    ({"MONITOR_SMTP_USER": "u", "MONITOR_SMTP_PASSWORD": "pw-secret",
      "MONITOR_SMTP_HOST": "mail.example.id"}, "clear text"),
])
def test_bad_settings_exit_2(run_cli: Run, sqlite_url: str, env: dict[str, str],
                             message: str) -> None:
    result = run_cli("email", "--week", WEEK, env={**env_for(sqlite_url, 25), **env})
    assert result.code == 2, result
    assert message in result.err
    assert "pw-secret" not in result.err


def test_bad_week_exits_2(run_cli: Run, sqlite_url: str) -> None:
    result = run_cli("email", "--week", "2026-47", env=env_for(sqlite_url, 25))
    assert result.code == 2 and "ISO week" in result.err
    result = run_cli("email", "--week", "2026-W54", env=env_for(sqlite_url, 25))
    assert result.code == 2


def test_wrong_password_fails_without_showing_it(
        run_cli: Run, sqlite_url: str, tls: Tls, caplog: pytest.LogCaptureFixture) -> None:
    seed(sqlite_url)
    caplog.set_level(logging.DEBUG)
    with SmtpServer("starttls", tls, auth=True) as server:
        result = run_cli("-vv", "email", "--week", WEEK, env=env_for(
            sqlite_url, server.port, "starttls", MONITOR_SMTP_USER=USER,
            MONITOR_SMTP_PASSWORD="Wrong-Pa55word", MONITOR_CA_BUNDLE=str(tls.ca_pem)))
    assert result.code == 1, result
    assert f"127.0.0.1:{server.port} refused the login of user 'monitor'" in result.err
    assert server.delivered == [] and week_rows(Store.open(sqlite_url), WEEK) == []
    assert "Wrong-Pa55word" not in result.out + result.err + caplog.text


def test_an_address_smuggled_into_the_database_cannot_add_a_header(
        run_cli: Run, sqlite_url: str, plain: SmtpServer) -> None:
    """targets.py refuses such rows; a hand-edited database still cannot inject a header."""
    seed(sqlite_url)
    store = Store.open(sqlite_url)
    with store.session() as session:
        site = session.exec(select(Site).where(Site.code == "18.71.03")).one()
        site.email = "camat@rajabasa.example.id\r\nBcc: spy@evil.example;ok@rajabasa.example.id"
        session.add(site)
        session.commit()
    result = run_cli("email", "--week", WEEK, "--only", "18.71.03",
                     env=env_for(sqlite_url, plain.port))
    assert result.code == 1, result
    assert ("REFUSED 'camat@rajabasa.example.id\\r\\nBcc: spy@evil.example' (not a plain"
            in result.out)
    [delivered] = plain.delivered
    assert delivered.rcpt_tos == ["ok@rajabasa.example.id", KOMINFO]
    assert delivered.message["Bcc"] is None and b"spy@evil" not in delivered.data


def test_a_failed_resend_keeps_the_earlier_delivery(run_cli: Run, sqlite_url: str,
                                                    plain: SmtpServer) -> None:
    seed(sqlite_url)
    env = env_for(sqlite_url, plain.port)
    assert run_cli("email", "--week", WEEK, "--only", "18.71.03", env=env).code == 0
    plain.handler.refuse["camat@rajabasa.example.id"] = "550 5.2.1 mailbox disabled"
    forced = run_cli("email", "--week", WEEK, "--only", "18.71.03", "--force", env=env)
    assert forced.code == 1 and "REFUSED camat@rajabasa.example.id" in forced.out
    assert forced.out.splitlines()[-1].startswith("email 2026-W47: 1 kecamatan, 1 sent")
    status = {r.recipient: r.status for r in week_rows(Store.open(sqlite_url), WEEK)}
    assert status["camat@rajabasa.example.id"] == "sent"


def test_retry_budget_caps_a_run_and_the_next_run_sends_the_rest(
        run_cli: Run, sqlite_url: str, plain: SmtpServer) -> None:
    """A server answering 421/451: with no retry time left, each recipient is tried once,
    deferred (exit 1), and nothing deferred is logged as sent; the next run sends them."""
    seed(sqlite_url)
    plain.handler.refuse["camat@kedaton.example.id"] = "421 4.3.2 too busy, closing"
    for address in RAJABASA_TO:
        plain.handler.refuse[address] = "451 4.7.1 greylisted"
    env = env_for(sqlite_url, plain.port, MONITOR_SMTP_RETRY_BUDGET="0")
    result = run_cli("email", "--week", WEEK, env=env)
    assert result.code == 1, result
    assert "used up: the next run sends it" in result.out
    # only the CC the server accepted got Rajabasa's report; Kedaton's session was closed
    assert [d.rcpt_tos for d in plain.delivered] == [[KOMINFO]]
    assert plain.handler.rcpt_attempts.count("camat@kedaton.example.id") == 1
    assert plain.handler.rcpt_attempts.count("camat@rajabasa.example.id") == 1
    assert [r.recipient for r in week_rows(Store.open(sqlite_url), WEEK)] == [KOMINFO]
    plain.handler.refuse.clear()
    rerun = run_cli("email", "--week", WEEK, env=env)
    assert rerun.code == 0, rerun
    sent = by_kecamatan(plain.delivered)
    assert sent["18.71.01"][0].rcpt_tos == KEDATON_TO + KEDATON_CC
    assert sent["18.71.03"][1].rcpt_tos == RAJABASA_TO  # KOMINFO already had it
