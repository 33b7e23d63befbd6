"""A simulated fleet of websites on loopback, each with a scripted behaviour.

Tests, ``monitor demo`` and the benchmarks all use it, so it lives in the package. Each site
listens on its own loopback address (127.1.x.y) and port, so per-host limits behave as they
would against real hosts. The server is a deliberately small HTTP/1.1 responder written on
asyncio streams: it must be able to misbehave (hang, trickle, send garbage headers, close
mid-body) in ways a real framework will not.

A route is a ``Page`` or a function of the ``FleetRequest`` returning one, so a site can
answer differently by User-Agent (cloaking) or by how often it was asked (flaky).

    with Fleet([FleetSite("ok", {"/": Page(body="<h1>Hi</h1>")})]) as fleet:
        fleet.url("ok")   # 'http://127.1.0.1:41234/'
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import gzip
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import trustme


@dataclass
class FleetRequest:
    method: str
    path: str
    headers: dict[str, str]
    count: int  # how many requests this site has had, this one included

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass
class Page:
    """What a route answers. Timing knobs make slow, hanging and trickling servers."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the status line
    hang: bool = False  # accept, read the request, never answer
    trickle: float = 0.0  # seconds between body bytes (after headers)
    raw: bytes | None = None  # sent as-is instead of a proper response (garbage)
    gzip: bool = False  # send Content-Encoding: gzip
    stream_bytes: int = 0  # send this many filler bytes after body, in 64 KB chunks
    send_length: bool = True  # False: no Content-Length, the body ends when we close

    @property
    def keeps_alive(self) -> bool:
        """Misbehaving answers end the connection; proper ones keep it open."""
        return self.send_length and self.raw is None and not self.hang

    def encoded(self) -> bytes:
        data = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip.compress(data, 1) if self.gzip else data


Route = Page | Callable[[FleetRequest], Page]


@dataclass
class FleetSite:
    """One simulated website. ``tls``: None (plain HTTP), 'valid', 'expired', 'self_signed'.
    ``refused``: nothing listens on its address (connection refused)."""

    name: str
    routes: dict[str, Route] = field(default_factory=dict)
    tls: str | None = None
    refused: bool = False
    host: str = ""  # filled in when the fleet starts
    port: int = 0
    requests: list[FleetRequest] = field(default_factory=list)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}/"


class Fleet:
    """Runs every site's server on a private event loop in a background thread."""

    def __init__(self, sites: Iterable[FleetSite], *, first_address: int = 1) -> None:
        self.sites = {s.name: s for s in sites}
        self.ca = trustme.CA()
        self._untrusted_ca = trustme.CA()
        self._first = first_address
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="fleet")
        self._servers: list[asyncio.AbstractServer] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="monitor-fleet-")
        self.ca_file = Path(self._tmp.name) / "fleet-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> Fleet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._loop.set_exception_handler(lambda _loop, _ctx: None)  # hostile by design
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start_all(), self._loop).result(timeout=120)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop_all(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._tmp.cleanup()

    def url(self, name: str) -> str:
        return self.sites[name].url

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the fleet's CA (and nothing else)."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    # -- servers -----------------------------------------------------------------------
    def address(self, index: int) -> str:
        n = self._first + index
        return f"127.1.{n // 250}.{n % 250 + 1}"

    async def _start_all(self) -> None:
        for index, site in enumerate(self.sites.values()):
            site.host = self.address(index)
            if site.refused:
                site.port = _closed_port(site.host)
                continue
            server = await asyncio.start_server(
                functools.partial(self._serve, site), site.host, 0,
                ssl=self._server_ssl(site), backlog=512)
            site.port = server.sockets[0].getsockname()[1]
            self._servers.append(server)

    async def _stop_all(self) -> None:
        for server in self._servers:
            server.close()
        tasks = [t for t in asyncio.all_tasks(self._loop) if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _server_ssl(self, site: FleetSite) -> ssl.SSLContext | None:
        if not site.tls:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca = self._untrusted_ca if site.tls == "self_signed" else self.ca
        if site.tls == "expired":
            now = dt.datetime.now(dt.UTC)
            cert = ca.issue_cert(site.host, not_before=now - dt.timedelta(days=400),
                                 not_after=now - dt.timedelta(days=3))
        else:
            cert = ca.issue_cert(site.host, not_after=dt.datetime.now(dt.UTC)
                                 + dt.timedelta(days=60, hours=12))
        cert.configure_cert(context)
        return context

    async def _serve(
        self, site: FleetSite, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:  # HTTP/1.1 keep-alive, as real servers do, until a close
                try:
                    request = await asyncio.wait_for(
                        _read_request(reader, len(site.requests) + 1), KEEP_ALIVE_S)
                except TimeoutError:
                    return
                if request is None:
                    return
                site.requests.append(request)
                page = self._route(site, request)
                keep = page.keeps_alive and request.headers.get("connection") != "close"
                await _answer(page, writer, keep_alive=keep)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    def _route(site: FleetSite, request: FleetRequest) -> Page:
        path = request.path.split("?")[0]
        route = site.routes.get(request.path) or site.routes.get(path)
        if route is None:
            return Page(status=404, body="<h1>404 Not Found</h1>")
        return route(request) if callable(route) else route


def _closed_port(host: str) -> int:
    """A port on ``host`` with nothing listening: connecting is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def _read_request(reader: asyncio.StreamReader, count: int) -> FleetRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.LimitOverrunError, asyncio.IncompleteReadError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        return None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return FleetRequest(parts[0], parts[1], headers, count)


REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
           403: "Forbidden", 404: "Not Found", 410: "Gone", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable"}


KEEP_ALIVE_S = 5.0


async def _answer(page: Page, writer: asyncio.StreamWriter, *, keep_alive: bool) -> None:
    if page.delay:
        await asyncio.sleep(page.delay)
    if page.hang:
        await asyncio.sleep(3600)
    if page.raw is not None:
        writer.write(page.raw)
        await writer.drain()
        return
    body = page.encoded()
    length = len(body) + page.stream_bytes
    head = [f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'Status')}",
            f"Content-Type: {page.content_type}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}"]
    if page.send_length:
        head.append(f"Content-Length: {length}")
    if page.gzip:
        head.append("Content-Encoding: gzip")
    head += [f"{k}: {v}" for k, v in page.headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    if page.trickle:
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(page.trickle)
    else:
        writer.write(body)
    chunk = b"x" * 65536
    sent = 0
    while sent < page.stream_bytes:
        piece = chunk[: page.stream_bytes - sent]
        writer.write(piece)
        await writer.drain()
        sent += len(piece)
    await writer.drain()
