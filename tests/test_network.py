"""The asyncio network backend under httpcore (monitor.sweep.network) classifies a site's faults
exactly as anyio's backend did: the words and detail lines below are what `fetch` recorded
before the backend changed (checked side by side), so stored results and alerts read the same.

Every server here is a few lines of asyncio on 127.0.0.1 that misbehaves in one precise way.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
from collections.abc import Awaitable, Callable

import pytest
import trustme

from monitor.core.snapshot import Fetched
from monitor.sweep.fetch import FetchConfig, fetch, new_client

pytestmark = pytest.mark.usefixtures("both_loops")

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def _get(handler: Handler, *, tls: bool = False, tls_server: bool = True,
         paths: tuple[str, ...] = ("/",)) -> list[Fetched]:
    """Serve ``handler`` and fetch ``paths`` in turn with one site client."""
    server_ssl, client_ssl = _contexts()

    async def go() -> list[Fetched]:
        server = await asyncio.start_server(handler, "127.0.0.1", 0,
                                            ssl=server_ssl if tls and tls_server else None)
        port = server.sockets[0].getsockname()[1]
        scheme = "https" if tls else "http"
        got = []
        async with new_client(FetchConfig(timeout=5), client_ssl) as client:
            for path in paths:
                got.append(await fetch(client, f"{scheme}://127.0.0.1:{port}{path}",
                                       timeout=5, max_bytes=1_000_000))
                await asyncio.sleep(0.1)
        server.close()
        return got

    return asyncio.run(go())


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed server or a firewall does."""
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


def test_a_tls_body_ended_without_close_notify_is_complete() -> None:
    """Many servers close TLS without close_notify; a close-delimited body is still whole."""
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhalo dunia")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.transport.abort()  # no close_notify

    [got] = _get(handler, tls=True)
    assert (got.error, got.status_code, got.body) == (None, 200, b"halo dunia")
    assert got.tls is not None and got.tls.days_left is not None


def test_a_server_that_hangs_up_during_the_tls_handshake_is_a_tls_fault() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(10)  # part of the ClientHello
        writer.transport.abort()

    [got] = _get(handler, tls=True, tls_server=False)
    assert (got.error, got.error_detail) == ("tls",
                                             "TLS handshake failed: UNEXPECTED_EOF_WHILE_READING")


def test_a_reset_during_the_tls_handshake_is_a_connection_fault() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(10)
        _reset(writer)

    [got] = _get(handler, tls=True, tls_server=False)
    assert (got.error, got.error_detail) == ("connect", "connection failed")


def test_a_certificate_for_another_name_is_a_tls_fault() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)

    ca = trustme.CA()
    server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("elsewhere.example").configure_cert(server_ssl)
    client_ssl = ssl.create_default_context()
    ca.configure_trust(client_ssl)

    async def go() -> Fetched:
        server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=server_ssl)
        port = server.sockets[0].getsockname()[1]
        async with new_client(FetchConfig(timeout=5), client_ssl) as client:
            got = await fetch(client, f"https://127.0.0.1:{port}/", timeout=5, max_bytes=1000)
        server.close()
        return got

    got = asyncio.run(go())
    assert got.error == "tls" and got.error_detail.startswith("certificate not valid: ")
    assert "mismatch" in got.error_detail


def test_a_body_cut_short_and_a_reset_mid_body() -> None:
    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await writer.drain()
        writer.close()

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 5000)
        await writer.drain()
        await asyncio.sleep(0.05)
        _reset(writer)

    [cut] = _get(short)
    assert (cut.error, cut.error_detail) == (
        "other", "broken HTTP from the server: peer closed connection without sending "
        "complete message body (received 7 bytes, expected 100)")
    [dropped] = _get(reset)
    assert (dropped.error, dropped.error_detail) == ("connect", "connection dropped: ")


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    """httpcore asks the stream whether an idle keep-alive connection is readable (closed by
    the server): the second request must open a new connection, not fail on the old one."""
    connections = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhalo")
        await writer.drain()
        await asyncio.sleep(0.02)
        writer.close()  # keep-alive promised by HTTP/1.1, then closed while idle

    first, second = _get(handler, paths=("/", "/lagi"))
    assert (first.error, first.body, second.error, second.body) == (None, b"halo", None, b"halo")
    assert len(connections) == 2


@pytest.mark.parametrize(("host", "word", "detail"), [
    ("127.0.0.1:1", "connect", "All connection attempts failed"),
    ("nama-yang-tidak-ada.invalid", "dns", "name does not resolve: Name or service not known"),
])
def test_connection_refused_and_a_name_that_does_not_resolve(host: str, word: str,
                                                            detail: str) -> None:
    async def go() -> Fetched:
        async with new_client(FetchConfig(timeout=5), ssl.create_default_context()) as client:
            return await fetch(client, f"http://{host}/", timeout=5, max_bytes=1000)

    got = asyncio.run(go())
    assert (got.error, got.error_detail) == (word, detail)


def test_a_large_body_is_read_whole_through_the_read_limit() -> None:
    """More than the backend keeps unread (it stops reading past HIGH_WATER until the
    client catches up): every byte still arrives, in order."""
    body = bytes(range(256)) * 3000  # 768 KB

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()

    for tls in (False, True):
        [got] = _get(handler, tls=tls)
        assert got.error is None and got.body == body


def test_a_tls_error_that_ended_a_connection_reads_as_tls_and_is_left_without_a_cycle() -> None:
    """A TLS connection that ends on an SSL error (a bad record mid-body) keeps that error
    and raises it from the next read: the sweep records "tls", as under anyio. It is raised
    as a copy, so the kept error never gains a traceback through the reading frames, which
    hold the connection: a cycle per such site, left to a collector a sweep seldom runs."""
    from unittest import mock

    from monitor.sweep.fetch import classify
    from monitor.sweep.network import AsyncioStream, _Protocol

    protocol = _Protocol()
    kept = ssl.SSLError(1, "[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC] bad record mac")
    kept.reason, kept.library = "DECRYPTION_FAILED_OR_BAD_RECORD_MAC", "SSL"  # as OpenSSL sets
    protocol.connection_lost(kept)
    stream = AsyncioStream(mock.Mock(), protocol)

    with pytest.raises(ssl.SSLError) as raised:
        asyncio.run(stream.read(1000))
    assert classify(raised.value) == ("tls", "TLS handshake failed: "
                                      "DECRYPTION_FAILED_OR_BAD_RECORD_MAC")
    assert raised.value is not kept and kept.__traceback__ is None
