"""monitor.mail.smtp against a real SMTP server on loopback (aiosmtpd, TLS from trustme)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from smtp_server import PASSWORD, USER, SmtpServer, Tls, free_port, make_tls

from monitor.core.errors import ConfigError
from monitor.mail.smtp import Mailer, ServerUnavailable, SmtpSettings, check_settings

SENDER = "monitor@bandarlampungkota.go.id"

# aiosmtpd warns about AUTH without required TLS: the loopback relay and implicit TLS cases.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain() -> Iterator[SmtpServer]:
    with SmtpServer("none") as server:
        yield server


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "test"
    msg["From"] = SENDER
    msg["To"] = "camat@kedaton.example.id"
    msg.set_content("hello")
    return msg


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def mailer(port: int, security: str = "none", tls: Tls | None = None, *, auth: bool = False,
           sleep: Sleeps | None = None, password: str = PASSWORD) -> Mailer:
    settings = SmtpSettings("127.0.0.1", port, security, USER if auth else "",
                            password if auth else "", timeout=5)
    return Mailer(settings, ssl_context=tls.client if tls else None,
                  sleep=sleep if sleep is not None else Sleeps(), delays=(1, 2))


def test_plain_delivers_to_every_envelope_recipient(plain: SmtpServer) -> None:
    with mailer(plain.port) as m:
        report = m.send(message(), SENDER, ["camat@kedaton.example.id", "lurah@a.example.id"])
    assert [d.status for d in report.deliveries] == ["sent", "sent"]
    assert report.server_error is None
    [delivered] = plain.delivered
    assert delivered.mail_from == SENDER
    assert delivered.rcpt_tos == ["camat@kedaton.example.id", "lurah@a.example.id"]
    assert delivered.message["Subject"] == "test"
    assert not delivered.tls


def test_one_connection_carries_several_messages(plain: SmtpServer) -> None:
    with mailer(plain.port) as m:
        m.send(message(), SENDER, ["a@x.example.id"])
        m.send(message(), SENDER, ["b@x.example.id"])
    assert [d.rcpt_tos for d in plain.delivered] == [["a@x.example.id"], ["b@x.example.id"]]


def test_starttls_with_auth(tls: Tls) -> None:
    with SmtpServer("starttls", tls, auth=True) as server, \
            mailer(server.port, "starttls", tls, auth=True) as m:
        report = m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert report.by_status("sent")
    assert server.delivered[0].tls and server.delivered[0].authenticated


def test_starttls_without_auth(tls: Tls) -> None:
    with SmtpServer("starttls", tls) as server, mailer(server.port, "starttls", tls) as m:
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert server.delivered[0].tls and not server.delivered[0].authenticated


def test_implicit_tls_with_auth(tls: Tls) -> None:
    with SmtpServer("ssl", tls, auth=True) as server, \
            mailer(server.port, "ssl", tls, auth=True) as m:
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert server.delivered[0].tls and server.delivered[0].authenticated


def test_plain_auth_to_loopback_relay() -> None:
    with SmtpServer("none", auth=True) as server, mailer(server.port, auth=True) as m:
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert server.delivered[0].authenticated


def test_wrong_password_is_a_clear_error_without_the_password(
        tls: Tls, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with SmtpServer("starttls", tls, auth=True) as server, \
            mailer(server.port, "starttls", tls, auth=True, password="wrong-Secret") as m, \
            pytest.raises(ServerUnavailable) as err:
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert f"127.0.0.1:{server.port}" in str(err.value) and "login" in str(err.value)
    assert "wrong-Secret" not in str(err.value) and "wrong-Secret" not in caplog.text
    assert not server.delivered


def test_untrusted_certificate_is_refused(tls: Tls) -> None:
    with SmtpServer("starttls", tls) as server, pytest.raises(ServerUnavailable) as err, \
            mailer(server.port, "starttls") as m:  # default trust store: not the test CA
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert "TLS failed" in str(err.value)
    assert not server.delivered


def test_starttls_required_but_not_offered(plain: SmtpServer, tls: Tls) -> None:
    with pytest.raises(ServerUnavailable, match="STARTTLS"), \
            mailer(plain.port, "starttls", tls) as m:
        m.send(message(), SENDER, ["camat@kedaton.example.id"])
    assert not plain.delivered


def test_refused_recipient_does_not_stop_the_others(plain: SmtpServer) -> None:
    plain.handler.refuse["nobody@x.example.id"] = "550 5.1.1 <nobody@x.example.id>: no such user"
    sleeps = Sleeps()
    with mailer(plain.port, sleep=sleeps) as m:
        report = m.send(message(), SENDER, ["a@x.example.id", "nobody@x.example.id",
                                            "b@x.example.id"])
    assert [(d.recipient, d.status) for d in report.deliveries] == [
        ("a@x.example.id", "sent"), ("nobody@x.example.id", "refused"),
        ("b@x.example.id", "sent")]
    assert report.by_status("refused")[0].detail.startswith("550 5.1.1")
    assert plain.delivered[0].rcpt_tos == ["a@x.example.id", "b@x.example.id"]
    assert sleeps == []  # permanent: not retried


def test_temporary_refusal_is_retried_with_backoff(plain: SmtpServer) -> None:
    plain.handler.refuse["busy@x.example.id"] = "451 4.3.0 try again later"
    plain.handler.refuse_times["busy@x.example.id"] = 2
    sleeps = Sleeps()
    with mailer(plain.port, sleep=sleeps) as m:
        report = m.send(message(), SENDER, ["a@x.example.id", "busy@x.example.id"])
    assert [d.status for d in report.deliveries] == ["sent", "sent"]
    assert sleeps == [1, 2]
    assert [d.rcpt_tos for d in plain.delivered] == [["a@x.example.id"], ["busy@x.example.id"]]


def test_temporary_refusal_that_persists_is_deferred(plain: SmtpServer) -> None:
    plain.handler.refuse["busy@x.example.id"] = "452 4.2.2 mailbox full"
    sleeps = Sleeps()
    with mailer(plain.port, sleep=sleeps) as m:
        report = m.send(message(), SENDER, ["busy@x.example.id"])
    [delivery] = report.deliveries
    assert delivery.status == "deferred" and delivery.detail.startswith("452")
    assert report.server_error is None  # the server works; this mailbox does not
    assert sleeps == [1, 2] and plain.handler.rcpt_attempts.count("busy@x.example.id") == 3


def test_server_down_names_host_and_port() -> None:
    port = free_port()
    sleeps = Sleeps()
    with mailer(port, sleep=sleeps) as m:
        report = m.send(message(), SENDER, ["a@x.example.id"])
    assert report.server_error is not None and f"127.0.0.1:{port}" in report.server_error
    assert "connection refused" in report.server_error
    assert [d.status for d in report.deliveries] == ["deferred"]
    assert sleeps == [1, 2]


def test_server_back_after_a_drop(plain: SmtpServer) -> None:
    with mailer(plain.port) as m:
        m.send(message(), SENDER, ["a@x.example.id"])
        assert m._smtp is not None
        m._smtp.sock.close()  # type: ignore[union-attr]  # the line drops between messages
        report = m.send(message(), SENDER, ["b@x.example.id"])
    assert report.by_status("sent") and len(plain.delivered) == 2


def test_password_over_plain_text_to_a_remote_host_is_refused() -> None:
    with pytest.raises(ConfigError, match="clear text"):
        check_settings(SmtpSettings("mail.example.id", 25, "none", "user", "pw"))
    check_settings(SmtpSettings("127.0.0.1", 25, "none", "user", "pw"))
    check_settings(SmtpSettings("mail.example.id", 25, "none"))


def test_bad_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="smtp_host"):
        check_settings(SmtpSettings("", 587))
    with pytest.raises(ConfigError, match="smtp_security"):
        check_settings(SmtpSettings("mail.example.id", 587, "tls"))


def test_password_not_in_repr() -> None:
    assert PASSWORD not in repr(SmtpSettings("h.example.id", 587, "starttls", USER, PASSWORD))



def test_retries_stop_when_the_runs_retry_budget_is_spent(plain: SmtpServer) -> None:
    """The budget covers the whole run (every message of this mailer): the first message
    uses 1 + 2 s of its 3.5 s; the second gets no retry, and says the next run sends it."""
    plain.handler.refuse["busy@x.example.id"] = "451 4.7.1 greylisted, try again later"
    plain.handler.refuse["full@x.example.id"] = "451 4.7.1 greylisted, try again later"
    sleeps = Sleeps()
    settings = SmtpSettings("127.0.0.1", plain.port, "none", timeout=5)
    with Mailer(settings, sleep=sleeps, delays=(1, 2), retry_budget=3.5) as m:
        first = m.send(message(), SENDER, ["busy@x.example.id"])
        second = m.send(message(), SENDER, ["full@x.example.id", "ok@x.example.id"])
    assert sleeps == [1, 2]
    assert first.deliveries[0].status == "deferred"
    assert plain.handler.rcpt_attempts.count("busy@x.example.id") == 3
    assert plain.handler.rcpt_attempts.count("full@x.example.id") == 1
    deferred, sent = second.deliveries
    assert (deferred.status, sent.status) == ("deferred", "sent")
    assert deferred.detail.startswith("451 4.7.1") and "used up: the next run sends it" in \
        deferred.detail


def test_a_421_reply_to_rcpt_defers_everyone_and_marks_no_one_sent(plain: SmtpServer) -> None:
    """smtplib stops at a 421 and closes: recipients after it were never asked."""
    plain.handler.refuse["first@x.example.id"] = "421 4.3.2 service shutting down"
    plain.handler.refuse_times["first@x.example.id"] = 1
    sleeps = Sleeps()
    with mailer(plain.port, sleep=sleeps) as m:
        report = m.send(message(), SENDER, ["first@x.example.id", "second@x.example.id"])
    assert [d.status for d in report.deliveries] == ["sent", "sent"] and sleeps == [1]
    assert [d.rcpt_tos for d in plain.delivered] == [["first@x.example.id",
                                                      "second@x.example.id"]]
