"""SMTP sending with per-recipient outcomes, retries for temporary failures, and no leaks.

Reply codes decide what a failure means (RFC 5321 section 4.2.1): 4yz is a transient
negative reply, so the same recipients are tried again after a pause (backoff, like any MTA
queue, section 4.5.4.1); 5yz is permanent, so that recipient is recorded as refused and never
retried in this run. A refused recipient does not stop the others: smtplib delivers to every
accepted RCPT and reports the refused ones. A dropped or refused connection is temporary too;
when it persists, the server is down and the report names host:port.

Security: ``starttls`` (RFC 3207, the default and the submission port 587 norm of RFC 6409)
and ``ssl`` (implicit TLS, RFC 8314) verify the server certificate. A password is only ever
sent over TLS, or in clear to a relay on this very machine (loopback). The password is never
logged or put in a message.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Literal

from monitor.core.errors import ConfigError, MailError
from monitor.core.tls import ssl_context_for

log = logging.getLogger(__name__)

SECURITY = ("starttls", "ssl", "none")
RETRY_DELAYS: tuple[float, ...] = (5.0, 30.0, 120.0)
"""Seconds to wait before each retry of a temporary failure: long enough for a restarting
server or a greylisting pause of a few seconds, short enough for a weekly cron job."""
CONNECT_TIMEOUT = 30.0

Status = Literal["sent", "refused", "deferred"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = CONNECT_TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Delivery:
    """What happened to one envelope recipient: sent, refused (5yz) or deferred (4yz or no
    server, still failing after every retry)."""

    recipient: str
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class SendReport:
    deliveries: tuple[Delivery, ...]
    server_error: str | None = None  # set when the server could not be reached at all

    def by_status(self, status: Status) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == status]


class ServerUnavailable(MailError):
    """The mail server cannot be reached (after retries) or refuses to work with us."""


class _Temporary(Exception):
    """A failure worth retrying for every pending recipient; ``connection``: no server."""

    def __init__(self, detail: str, *, connection: bool = False) -> None:
        super().__init__(detail)
        self.connection = connection


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_settings(settings: SmtpSettings) -> None:
    """Refuse settings that cannot work or would expose the password."""
    if not settings.host:
        raise ConfigError("smtp_host is not set (MONITOR_SMTP_HOST): where should mail go?")
    if settings.security not in SECURITY:
        raise ConfigError(f"smtp_security {settings.security!r} is not one of "
                          f"{', '.join(SECURITY)}")
    if not 0 < settings.port < 65536:
        raise ConfigError(f"smtp_port {settings.port} is not a port number")
    if settings.user and settings.security == "none" and not _is_loopback(settings.host):
        raise ConfigError("smtp_security=none would send the SMTP password in clear text to "
                          f"{settings.where}; use starttls or ssl")


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"[:300]


class Mailer:
    """One SMTP connection, opened on first use and reopened after a drop."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
        delays: Sequence[float] | None = None,
        retry_budget: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``retry_budget``: seconds this mailer may spend on retries in total (waits plus
        the retried attempts), over every message it sends; None: no cap. Once spent, a
        temporary failure is not retried: the recipient is deferred and, as the sent-log
        only records accepted recipients, the next run sends it. Without a cap a server
        answering 421/451 held each kecamatan for 155 s: 20 kecamatan, ~52 minutes."""
        check_settings(settings)
        self.settings = settings
        self.ssl_context = ssl_context or ssl_context_for()
        self.sleep = sleep
        self.clock = clock
        self.delays = tuple(RETRY_DELAYS if delays is None else delays)
        self.retry_budget = retry_budget
        self.retry_spent = 0.0
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=self.ssl_context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                self._start(smtp)
            except BaseException:
                smtp.close()
                raise
        except ssl.SSLError as exc:  # before OSError: certificate problems do not heal
            raise ServerUnavailable(f"mail server {s.where}: TLS failed: {exc.reason or exc}"
                                    ) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise ServerUnavailable(f"mail server {s.where} refused the login of user "
                                    f"{s.user!r}: {_reply(exc.smtp_code, exc.smtp_error)}"
                                    ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise ServerUnavailable(f"mail server {s.where}: {exc}") from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise ServerUnavailable(f"mail server {s.where} refused us: "
                                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
            raise _Temporary(_reply(exc.smtp_code, exc.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise _Temporary(f"cannot connect to {s.where}: {_describe(exc)}",
                             connection=True) from None
        return smtp

    def _start(self, smtp: smtplib.SMTP) -> None:
        smtp.ehlo_or_helo_if_needed()
        if self.settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError(
                    "does not offer STARTTLS (set smtp_security to ssl or none)")
            smtp.starttls(context=self.ssl_context)
            smtp.ehlo()
        if self.settings.user:
            smtp.login(self.settings.user, self.settings.password)

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> SendReport:
        """Deliver ``message`` to each envelope recipient; retries temporary failures.

        Raises ServerUnavailable only for failures no retry can fix (TLS, login, a 5yz
        greeting or sender refusal); a server that stays unreachable is reported in
        ``server_error`` with the recipients deferred, so earlier deliveries still count."""
        done: dict[str, Delivery] = {}
        pending = list(dict.fromkeys(recipients))
        last, unreachable = "", False
        for attempt in range(len(self.delays) + 1):
            if attempt:
                delay = self.delays[attempt - 1]
                if not self._may_wait(delay):
                    last += (f" (retry time of this run, {self.retry_budget:g} s, used up: "
                             "the next run sends it)")
                    break
                log.warning("%s; retrying %d recipient(s) in %.0f s", last, len(pending),
                            delay)
                self.sleep(delay)
                self.retry_spent += delay
            started = self.clock()
            try:
                pending, last = self._attempt(message, sender, pending, done)
                unreachable = False
            except _Temporary as exc:
                last, unreachable = str(exc), exc.connection
                self._drop()
            if attempt:
                self.retry_spent += max(0.0, self.clock() - started)
            if not pending:
                break
        server_error = None
        if pending and unreachable:
            server_error = f"mail server {self.settings.where} is unavailable: {last}"
        for recipient in pending:
            done[recipient] = Delivery(recipient, "deferred", last)
        return SendReport(tuple(done[r] for r in dict.fromkeys(recipients)), server_error)

    def _may_wait(self, delay: float) -> bool:
        """Whether a retry after ``delay`` seconds still fits in the run's retry budget."""
        if self.retry_budget is None:
            return True
        left = self.retry_budget - self.retry_spent
        return left > 0 and delay <= left

    def _attempt(self, message: EmailMessage, sender: str, pending: list[str],
                 done: dict[str, Delivery]) -> tuple[list[str], str]:
        """One SMTP transaction; returns the recipients to retry and why."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message, from_addr=sender, to_addrs=pending)
        except smtplib.SMTPRecipientsRefused as exc:
            if any(code == 421 for code, _text in exc.recipients.values()):
                # 421 to RCPT: the server is closing the session (smtplib has closed it);
                # the recipients after it were never asked and nothing was sent to anyone.
                code, text = next(v for v in exc.recipients.values() if v[0] == 421)
                raise _Temporary(_reply(code, text)) from None
            refused = exc.recipients
        except smtplib.SMTPSenderRefused as exc:
            if 500 <= exc.smtp_code < 600:
                raise ServerUnavailable(
                    f"mail server {self.settings.where} refused the sender {sender}: "
                    f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
            raise _Temporary(_reply(exc.smtp_code, exc.smtp_error)) from None
        except smtplib.SMTPDataError as exc:
            detail = _reply(exc.smtp_code, exc.smtp_error)
            if 500 <= exc.smtp_code < 600:
                for r in pending:
                    done[r] = Delivery(r, "refused", detail)
                return [], detail
            raise _Temporary(detail) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # The server may have taken the message before the line dropped: a retry can
            # deliver twice, which beats losing the report (at-least-once).
            raise _Temporary(f"connection lost to {self.settings.where}: {_describe(exc)}",
                             connection=True) from None
        retry = []
        for r in pending:
            if r not in refused:
                done[r] = Delivery(r, "sent")
                continue
            code, text = refused[r]
            if 400 <= code < 500:
                retry.append(r)
            else:
                done[r] = Delivery(r, "refused", _reply(code, text))
        return retry, (_reply(*refused[retry[0]]) if retry else "")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"host name not found ({exc.strerror})"
    return str(exc) or type(exc).__name__
