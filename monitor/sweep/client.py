"""One site's HTTP client: its connections (at most ``per_host``, kept alive between its requests),
its cookies, and the headers every request carries.

Replaces httpx's AsyncClient in the sweep for CPU (see ``monitor.sweep.wire``). What it
keeps from httpx: URLs parsed and normalised by ``httpx.URL`` (so ``final_url`` reads as
before), the cookie jar (httpx's, over the standard library's: consulted only when a site
sets a cookie), and httpcore's rule that an idle connection the server has closed or written
to is never reused. Faults are raised as the network backend's httpcore exceptions or as
``wire.BrokenHTTP``; ``fetch.classify`` turns them into the SPEC's words.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpcore
import httpx

from monitor.sweep.network import AsyncioStream
from monitor.sweep.wire import NO_BODY, Head, Reader, request_bytes

_Origin = tuple[str, str, int]  # scheme, host (IDNA), port
DEFAULT_PORTS = {"http": 80, "https": 443}


class Response:
    """An answer whose body has not been read yet: ``aiter_raw`` reads it once, as sent
    (content-encoded). ``stream``: the connection, for its TLS details and its transport."""

    __slots__ = ("_body", "complete", "headers", "status_code", "stream", "url")

    def __init__(self, url: str, head: Head, stream: AsyncioStream,
                 body: AsyncIterator[bytes]) -> None:
        self.url = url
        self.status_code = head.status
        self.headers = head.headers
        self.stream = stream
        self._body = body
        self.complete = head.status in NO_BODY  # every body byte read: the connection is free

    @property
    def is_redirect(self) -> bool:
        return self.status_code in (301, 302, 303, 307, 308) and "location" in self.headers

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        async for piece in self._body:
            yield piece
        self.complete = True


class _Connection:
    __slots__ = ("origin", "reader", "stream")

    def __init__(self, origin: _Origin, stream: AsyncioStream) -> None:
        self.origin = origin
        self.stream = stream
        self.reader = Reader(stream)

    def reusable(self) -> bool:
        """Idle and quiet: an idle connection with something to read was closed (or
        written to) by the server, as httpcore checks before reuse."""
        return not self.reader.buffer and not self.stream.get_extra_info("is_readable")


class SiteClient:
    """``backend``: opens connections (resolver, address guard: ``network.ResolvingBackend``).
    ``headers``: sent with every request; a request's own headers replace them by name."""

    def __init__(self, ssl_context: ssl.SSLContext, backend: httpcore.AsyncNetworkBackend,
                 headers: Mapping[str, str], max_connections: int = 2) -> None:
        self._ssl = ssl_context
        self._backend = backend
        self._headers = dict(headers)
        self._lower = {name.lower() for name in headers}
        self._max = max_connections
        self._open = 0
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self.cookies = httpx.Cookies()

    async def __aenter__(self) -> SiteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                await connection.stream.aclose()
        self._idle.clear()
        self._open = 0

    @asynccontextmanager
    async def stream(self, url: str,
                     headers: Mapping[str, str] | None = None) -> AsyncIterator[Response]:
        """GET ``url`` (no redirect followed); the connection goes back to the client when
        the body was read whole, else it is closed."""
        parsed = httpx.URL(url)
        scheme = parsed.scheme
        if scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol "
                                            f"'{scheme}://'.")
        host = parsed.raw_host.decode("ascii")
        origin = (scheme, host, parsed.port or DEFAULT_PORTS[scheme])
        wire = self._request(parsed, headers)
        connection = await self._acquire(origin)
        response = None
        try:
            await connection.stream.write(wire)
            head = await connection.reader.head()
            final = str(parsed)
            if "set-cookie" in head.headers or "set-cookie2" in head.headers:
                self.cookies.extract_cookies(httpx.Response(
                    head.status, headers=head.fields, request=httpx.Request("GET", final)))
            response = Response(final, head, connection.stream, connection.reader.body(head))
            yield response
        finally:
            reuse = (response is not None and response.complete and connection.reader.clean
                     and head.keep_alive)
            await self._release(connection, reuse)

    def _request(self, url: httpx.URL, extra: Mapping[str, str] | None) -> bytes:
        sent = self._headers
        if extra:
            names = {name.lower() for name in extra}
            sent = {k: v for k, v in sent.items() if k.lower() not in names} if (
                names & self._lower) else dict(sent)
            sent.update(extra)
        if self.cookies.jar:
            probe = httpx.Request("GET", url)
            self.cookies.set_cookie_header(probe)
            if cookie := probe.headers.get("cookie"):
                sent = {**sent, "Cookie": cookie}
        return request_bytes(url.raw_path.decode("ascii"), url.netloc.decode("ascii"), sent)

    async def _acquire(self, origin: _Origin) -> _Connection:
        while True:
            idle = self._idle.get(origin)
            while idle:
                connection = idle.pop()
                if connection.reusable():
                    return connection
                await self._drop(connection)
            if self._open < self._max:
                self._open += 1
                try:
                    return await self._connect(origin)
                except BaseException:
                    self._open -= 1
                    self._wake()
                    raise
            other = next((c for c in self._idle.values() if c), None)
            if other:  # full, but idle elsewhere: make room, as httpcore's pool does
                await self._drop(other.pop())
                continue
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    async def _connect(self, origin: _Origin) -> _Connection:
        scheme, host, port = origin
        stream: Any = await self._backend.connect_tcp(host, port)
        if scheme == "https":
            try:
                stream = await stream.start_tls(self._ssl, server_hostname=host)
            except BaseException:
                await stream.aclose()
                raise
        return _Connection(origin, stream)

    async def _release(self, connection: _Connection, reuse: bool) -> None:
        if reuse:
            self._idle.setdefault(connection.origin, []).append(connection)
            self._wake()
        else:
            await self._drop(connection)

    async def _drop(self, connection: _Connection) -> None:
        self._open -= 1
        self._wake()
        await connection.stream.aclose()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
