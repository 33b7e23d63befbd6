"""The sockets under the sweep's HTTP client: one asyncio protocol per connection.

Written first as an httpcore network backend (``httpcore.AsyncNetworkBackend``) to replace
anyio's, whose layer cost more than a third of httpx's CPU per request (a cancel scope per
read and write, a task group per connection, sniffio probes); the sweep's own client
(``monitor.sweep.client``) now opens its connections through it, so a site's faults keep
reading as they did under httpx (``tests/test_network.py``). Behaviour kept from anyio's:

* connect: each address of the name in turn (RFC 8305 happy eyeballs, 250 ms, as anyio),
  ``socket.gaierror`` for a name that does not resolve, otherwise "All connection attempts
  failed" with the socket error as its cause; TCP_NODELAY (asyncio's default);
* TLS without close_notify ends the body like a clean close (httpcore asks anyio for this
  with ``standard_compatible=False``; asyncio's TLS does the same), and closing sends none;
* bytes received before a reset are still read; a reset then raises ``ReadError``.

Flow control as anyio's: a connection stops reading from its socket once ``HIGH_WATER``
bytes are unread and starts again when they have all been read (anyio paused after every
read), so bytes wait in the kernel, not in our memory. Measured with 400 sites sending 4.9 MB:
a 256 KB read-ahead per connection raised the sweep's peak RSS by ~40 MB; this keeps it where
anyio had it (516-538 MB against 518-540 MB).
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import socket
import ssl
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import httpcore
from httpcore._utils import is_socket_readable

from monitor.sweep.address import AddressGuard, AddressRefused

HIGH_WATER = 64 * 1024  # unread bytes at which a connection stops reading its socket
LOW_WATER = 0  # ... and at which it reads again
HAPPY_EYEBALLS_S = 0.25  # RFC 8305's connection attempt delay, as anyio uses

_SocketOption = (tuple[int, int, int] | tuple[int, int, bytes | bytearray]
                 | tuple[int, int, None, int])  # httpcore's SOCKET_OPTION


class _Protocol(asyncio.Protocol):
    """What one connection received, and whether it may write."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.size = 0  # unread bytes in chunks
        self.eof = False
        self.lost: BaseException | None = None  # the error the connection ended with
        self.closed = False
        self.paused = False  # reading paused by us: too many unread bytes
        self.can_write = True
        self.waiter: asyncio.Future[None] | None = None  # a reader or writer waiting

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return True  # as anyio: the stream closes the transport when it is done

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = self.eof = True
        self.lost = exc
        self._wake()

    def pause_writing(self) -> None:
        self.can_write = False

    def resume_writing(self) -> None:
        self.can_write = True
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class HandshakeEOF(ssl.SSLEOFError):
    """The server closed the connection during the TLS handshake."""

    reason = "UNEXPECTED_EOF_WHILE_READING"  # what OpenSSL reports for it


def _fail(error: type[Exception], cause: BaseException, message: str = "") -> NoReturn:
    """Raise httpcore's ``error`` for ``cause`` the way anyio's backend does: an empty
    message for a broken connection, and a TLS error raised as itself (``classify`` calls
    it "tls"). Raised while handling ``cause`` too: httpcore's pool re-raises ``from None``,
    dropping ``__cause__``, and ``classify`` then finds the cause through ``__context__``.

    ``cause`` leaves without a traceback, and a TLS error is raised as a copy: a connection
    keeps the error it ended with (``_Protocol.lost``), and a traceback's frames hold the
    connection, so each failed connection would be a reference cycle, which a sweep leaves
    to a collector it seldom runs (``monitor.sweep.collector``)."""
    if isinstance(cause, ssl.SSLError) and error is not httpcore.ConnectError:
        raise copy.copy(cause)  # a copy starts without a traceback
    try:
        raise cause
    except BaseException:  # noqa: BLE001 - re-raised as httpcore's error
        cause.__traceback__ = None
        raise error(message) from cause


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection, plain or TLS. ``raw_transport``: the TCP transport under it, which
    the body budget pauses while a site waits for memory (``fetch._transport_of``)."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol,
                 raw_transport: asyncio.Transport | None = None) -> None:
        self._transport = transport
        self._protocol = protocol
        self._tls = raw_transport is not None
        self.raw_transport = raw_transport or transport

    async def _wait(self, timeout: float | None, error: type[Exception]) -> None:
        protocol = self._protocol
        waiter = asyncio.get_running_loop().create_future()
        protocol.waiter = waiter
        timer = None
        if timeout is not None:
            timer = asyncio.get_running_loop().call_later(timeout, _expire, waiter)
        try:
            await waiter
        except TimeoutError:
            raise error("") from None
        finally:
            protocol.waiter = None
            if timer is not None:
                timer.cancel()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.chunks and not protocol.eof:
            await self._wait(timeout, httpcore.ReadTimeout)
        if protocol.chunks:
            chunk = protocol.chunks.popleft()
            if len(chunk) > max_bytes:
                protocol.chunks.appendleft(chunk[max_bytes:])
                chunk = chunk[:max_bytes]
            protocol.size -= len(chunk)
            if protocol.paused and protocol.size <= LOW_WATER:
                protocol.paused = False
                if not self._transport.is_closing():
                    self._transport.resume_reading()
            return chunk
        if protocol.lost is not None:
            _fail(httpcore.ReadError, protocol.lost)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.lost is not None:
            _fail(httpcore.WriteError, protocol.lost)
        if self._transport.is_closing():
            raise httpcore.WriteError("")
        self._transport.write(buffer)
        while not protocol.can_write and not protocol.closed:
            await self._wait(timeout, httpcore.WriteTimeout)
        if protocol.lost is not None:
            _fail(httpcore.WriteError, protocol.lost)

    async def aclose(self) -> None:
        # TLS: no close_notify and no wait for the server's (httpcore asks anyio for the
        # same); asyncio's close() would wait up to 30 s for a polite goodbye
        if self._tls:
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout) as scope:
                transport = await loop.start_tls(self._transport, self._protocol, ssl_context,
                                                 server_hostname=server_hostname)
        except TimeoutError as exc:
            self._transport.abort()
            if scope.expired():
                raise httpcore.ConnectTimeout("") from None
            raise httpcore.ConnectError(str(exc)) from exc
        except OSError as exc:  # ssl.SSLError is one; start_tls has closed the socket
            self._transport.abort()
            if type(exc) is ConnectionResetError and not exc.args:
                # asyncio's word for "the server hung up mid-handshake", which OpenSSL
                # (under anyio) called an unexpected EOF: a TLS fault, not a lost connection
                exc = HandshakeEOF(ssl.SSL_ERROR_EOF, "EOF occurred in violation of protocol")
            if isinstance(exc, ssl.SSLError):
                _fail(httpcore.ConnectError, exc, str(exc))
            _fail(httpcore.ConnectError, exc)
        assert transport is not None
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol, self._transport)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info in ("server_addr", "client_addr"):
            return _address(self._transport.get_extra_info(
                "peername" if info == "server_addr" else "sockname"))
        if info == "socket":
            return self._transport.get_extra_info("socket")
        if info == "is_readable":  # an idle keep-alive connection the server has closed
            protocol = self._protocol
            return bool(protocol.chunks) or protocol.eof or is_socket_readable(
                self._transport.get_extra_info("socket"))
        return None


def _address(sockaddr: Any) -> tuple[str, int] | None:
    """(host, port) as anyio gives it: an IPv6 scope id joins the host after '%'."""
    if not isinstance(sockaddr, tuple):
        return None
    if len(sockaddr) == 4 and sockaddr[3]:
        return f"{sockaddr[0]}%{sockaddr[3]}", sockaddr[1]
    return sockaddr[0], sockaddr[1]


async def _addresses(loop: asyncio.AbstractEventLoop, host: str,
                     port: int) -> tuple[str, float | None]:
    """Where to connect, and the happy-eyeballs delay: none for a single address (asyncio
    races even one address through a task of its own, ~4% of a request's CPU here). A name
    with several addresses is left to asyncio, which looks it up again and races them."""
    try:
        ipaddress.ip_address(host)
        return host, None
    except ValueError:
        pass
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = {info[4] for info in infos}
    if len(found) == 1:
        address = found.pop()
        if len(address) < 4 or not address[3]:  # an IPv6 scope id needs the full sockaddr
            return str(address[0]), None
    return host, HAPPY_EYEBALLS_S


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on plain asyncio (see the module docstring)."""

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        protocol = _Protocol()
        try:
            async with asyncio.timeout(timeout) as scope:
                target, delay = await _addresses(loop, host, port)
                local = (local_address, 0) if local_address else None
                if delay is None:  # one address: no race (uvloop has no race at all)
                    transport, _ = await loop.create_connection(
                        lambda: protocol, target, port, local_addr=local)
                else:
                    transport, _ = await loop.create_connection(
                        lambda: protocol, target, port, local_addr=local,
                        happy_eyeballs_delay=delay)
        except socket.gaierror as exc:  # classify() calls it "dns"
            _fail(httpcore.ConnectError, exc, str(exc))
        except OSError as exc:  # TimeoutError is one
            if isinstance(exc, TimeoutError) and scope.expired():
                raise httpcore.ConnectTimeout("") from None
            _fail(httpcore.ConnectError, exc, "All connection attempts failed")
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# (host, port) -> the (address, port) to connect to, or None: "does not resolve".
Resolver = Callable[[str, int], "tuple[str, int] | None"]
class ResolvingBackend(httpcore.AsyncNetworkBackend):
    """Every connection of one site client goes through here, for two reasons:

    * ``resolver`` (optional): connect where it says a (host, port) lives, while the URL,
      the Host header and the TLS server name keep the real name (discovery tests put named
      hosts on the loopback fleet). ``None`` from it fails exactly as a real DNS miss does:
      a ``socket.gaierror`` under a ConnectError, which ``classify`` calls ``dns``.
    * ``guard``: the address actually connected to (the socket's peer, so DNS rebinding
      cannot slip past a check made on an earlier lookup) must respect the site's address
      rule (``address.AddressGuard``); a refused hop raises ``AddressRefused``."""

    def __init__(self, resolver: Resolver | None, guard: AddressGuard) -> None:
        self._resolver = resolver
        self._guard = guard
        self._inner = AsyncioBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address: tuple[str, int] | None = (host, port)
        if self._resolver is not None:
            address = self._resolver(host, port)
        if address is None:
            try:  # raised while handling, as anyio does: httpcore's pool drops __cause__
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            except socket.gaierror as miss:
                raise httpcore.ConnectError(f"{host}: Name or service not known") from miss
        stream = await self._inner.connect_tcp(address[0], address[1], timeout, local_address,
                                               socket_options)
        peer = stream.get_extra_info("server_addr")
        try:
            self._guard.check(host, str(peer[0]) if peer else address[0])
        except AddressRefused:
            await stream.aclose()
            raise
        return stream

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
