"""Run the admin page on a local address with werkzeug's threaded server.

A handful of admins use it at once, so a production WSGI stack is not needed. Bound to
127.0.0.1 by default; anywhere else needs the ``admin_password`` setting (refused
otherwise), and should sit behind a TLS proxy because Basic auth sends the password in clear.
"""

from __future__ import annotations

import ipaddress

from werkzeug.serving import BaseWSGIServer, make_server

from monitor.admin.app import create_app
from monitor.core.clock import Clock, system_clock
from monitor.core.errors import ConfigError
from monitor.store import Store
from monitor.verdicts import Settings


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser on this machine sends (DNS-rebinding guard)."""
    return frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))


def build_server(store: Store, host: str, port: int, password: str,
                 clock: Clock = system_clock, settings: Settings | None = None,
                 lang: str = "id") -> BaseWSGIServer:
    """Bind first (port 0 picks a free one), then build the app for the real port."""
    local = is_loopback(host)
    if not local and not password:
        raise ConfigError(f"monitor admin on {host}: set the admin_password setting "
                          "(MONITOR_ADMIN_PASSWORD) to listen beyond 127.0.0.1")
    try:
        server = make_server(host, port, _unset_app, threaded=True)
    except OSError as exc:
        raise ConfigError(f"monitor admin: cannot listen on {host}:{port}: "
                          f"{exc.strerror or exc}") from None
    allowed = loopback_hosts(server.server_port) if local else frozenset()
    server.app = create_app(store, password=password, allowed_hosts=allowed, clock=clock,
                            settings=settings, lang=lang)
    return server


def _unset_app(environ: object, start_response: object) -> list[bytes]:
    raise RuntimeError("build_server sets the app before serving")
