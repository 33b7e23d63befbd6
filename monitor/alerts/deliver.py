"""Send messages to channels with a hard deadline for all of them together.

Each channel gets its own daemon thread and sends its messages in order; the caller waits
at most ``deadline`` seconds in total. A channel that has not answered by then (a webhook
that accepts the connection and never replies, a mail server that stalls) is reported as
``timeout`` and retried at the next sweep; its thread is left to die with the process.
A thread past the deadline starts no further message, but the one in flight may still
arrive late and be sent again next sweep: an alert said twice beats a sweep held up or an
alert lost (at-least-once, like mail/smtp.py).

Apprise's own log lines may carry the URL's token (Telegram puts it in the API path), so
its logger is capped at WARNING and every line it emits is scrubbed of known secrets.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from monitor.alerts.channels import Channel, scrub, secrets_of
from monitor.alerts.wording import Message
from monitor.core.tls import ssl_context_for
from monitor.mail.smtp import Mailer, SmtpSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    status: str  # sent, failed, timeout
    detail: str = ""


@dataclass(frozen=True)
class Job:
    """The messages one channel gets this sweep, in order."""

    channel: Channel
    messages: tuple[Message, ...]


class _Scrubber(logging.Filter):
    """Removes secrets from Apprise's log records and keeps each thread's last warning, so
    a failed send can say why without anyone printing the URL."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.last: dict[int, str] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = sorted(self.secrets, key=len, reverse=True)
        text = scrub(record.getMessage(), secrets)
        record.msg, record.args = text, ()
        if record.levelno >= logging.WARNING:
            self.last[threading.get_ident()] = text
        return True

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self.secrets.update(secrets)


SCRUBBER = _Scrubber()
_apprise_log = logging.getLogger("apprise")
_apprise_log.setLevel(logging.WARNING)
_apprise_log.addFilter(SCRUBBER)


@dataclass(frozen=True)
class Mail:
    """What the email channel needs from the settings."""

    smtp: SmtpSettings | None  # None: MONITOR_SMTP_HOST is not set
    sender: str
    ca_bundle: str = ""  # extra CAs to trust (MONITOR_CA_BUNDLE), as `monitor email` does

    def ssl_context(self) -> ssl.SSLContext:
        return ssl_context_for(self.ca_bundle)


def _send_apprise(channel: Channel, message: Message) -> Result:
    import apprise

    plugin = apprise.Apprise.instantiate(channel.url)
    if plugin is None:
        return Result("failed", "not a usable Apprise URL")
    SCRUBBER.last.pop(threading.get_ident(), None)
    try:
        ok = plugin.notify(body=message.body, title=message.title)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not end the other sends
        return Result("failed", scrub(f"{type(exc).__name__}: {exc}", secrets_of(channel.url)))
    if ok:
        return Result("sent")
    return Result("failed", SCRUBBER.last.pop(threading.get_ident(), "not delivered"))


def _send_mail(channel: Channel, message: Message, mail: Mail, timeout: float) -> Result:
    if mail.smtp is None:
        return Result("failed", "MONITOR_SMTP_HOST is not set")
    email = EmailMessage()
    email["Subject"] = message.title
    email["From"] = mail.sender
    email["To"] = channel.address
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=mail.sender.rsplit("@", 1)[-1] or None)
    email.set_content(message.body)
    settings = SmtpSettings(mail.smtp.host, mail.smtp.port, mail.smtp.security,
                            mail.smtp.user, mail.smtp.password, timeout=timeout)
    try:
        # no retry pauses here: the next sweep retries
        with Mailer(settings, ssl_context=mail.ssl_context(), delays=()) as mailer:
            report = mailer.send(email, mail.sender, [channel.address])
    except Exception as exc:  # noqa: BLE001 - ConfigError, MailError: one channel's failure
        return Result("failed", str(exc))
    delivery = report.deliveries[0]
    return Result("sent") if delivery.status == "sent" else Result("failed", delivery.detail)


def send_all(jobs: Sequence[Job], deadline: float, mail: Mail | None = None,
             clock: Callable[[], float] = time.monotonic) -> list[list[Result]]:
    """Run every job at once; the results per job, one per message, in order."""
    results: list[list[Result]] = [[] for _ in jobs]
    lock = threading.Lock()

    def run(index: int, job: Job) -> None:
        for message in job.messages:
            if clock() >= end:
                return  # past the deadline: the rest waits for the next sweep, not sent late
            try:
                if job.channel.is_email:
                    assert mail is not None
                    outcome = _send_mail(job.channel, message, mail, max(1.0, deadline))
                else:
                    outcome = _send_apprise(job.channel, message)
            except Exception as exc:  # noqa: BLE001 - recorded per channel, never raised
                outcome = Result("failed", f"{type(exc).__name__}: {exc}")
            with lock:
                results[index].append(outcome)

    for job in jobs:
        SCRUBBER.add(secrets_of(job.channel.url))
    threads = [threading.Thread(target=run, args=(i, job), daemon=True, name=f"alert-{i}")
               for i, job in enumerate(jobs)]
    end = clock() + deadline
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, end - clock()))
    with lock:
        done = [list(r) for r in results]
    late = Result("timeout", f"no answer within {deadline:g} s")
    return [r + [late] * (len(job.messages) - len(r)) for r, job in zip(done, jobs, strict=True)]
