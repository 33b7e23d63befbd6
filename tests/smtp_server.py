"""A real SMTP server on loopback for the mail tests (aiosmtpd), with TLS from trustme.

It records every transaction (envelope sender, envelope recipients, raw message, whether TLS
and AUTH were used) and can refuse chosen recipients with a scripted reply.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "monitor", "s3cret-Pa55"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """Accepts everything except the addresses in ``refuse`` (address -> reply line)."""

    refuse: dict[str, str] = field(default_factory=dict)
    refuse_times: dict[str, int] = field(default_factory=dict)  # refuse N times, then accept
    delivered: list[Delivered] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.rcpt_attempts.append(address)
        if address in self.refuse:
            left = self.refuse_times.get(address)
            if left is None or left > 0:
                if left is not None:
                    self.refuse_times[address] = left - 1
                return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append(Delivered(
            envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content),
            tls=server.transport.get_extra_info("ssl_object") is not None,
            authenticated=bool(session.authenticated)))
        return "250 Message accepted for delivery"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@dataclass
class Tls:
    """A CA the client trusts and a server certificate for 127.0.0.1/localhost."""

    server: ssl.SSLContext
    client: ssl.SSLContext
    ca_pem: Path


def make_tls(folder: Path) -> Tls:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    ca_pem = folder / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    return Tls(server, client, ca_pem)


class SmtpServer:
    """``mode``: "none" (plain), "starttls" (optionally requiring AUTH) or "ssl"."""

    def __init__(self, mode: str, tls: Tls | None = None, *, auth: bool = False) -> None:
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if auth:
            # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; with implicit TLS
            # the whole session is encrypted anyway. AUTH over plain text: tests only.
            kwargs.update(authenticator=authenticator, auth_required=True,
                          auth_require_tls=mode == "starttls")
        if mode == "starttls":
            assert tls is not None
            kwargs.update(tls_context=tls.server, require_starttls=True)
        elif mode == "ssl":
            assert tls is not None
            kwargs.update(ssl_context=tls.server)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", ready_timeout=10, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()

    @property
    def delivered(self) -> list[Delivered]:
        return self.handler.delivered
