"""The sweep's own HTTP/1.1 client (monitor.sweep.wire and monitor.sweep.client) reads every
shape of answer real servers send, reuses a site's connections the way httpcore did, keeps
a site's cookies, and turns each broken answer into the SPEC's word with a detail an admin
can act on.

Every server here is a few lines of asyncio on 127.0.0.1 that answers in one precise way.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
from collections.abc import Callable

import pytest

from monitor.core.snapshot import Fetched
from monitor.sweep.fetch import FetchConfig, fetch, new_client

pytestmark = pytest.mark.usefixtures("both_loops")

class Server:
    """A scripted server that records each connection and each request head it reads."""

    def __init__(self, answers: list[bytes] | Callable[[bytes], bytes],
                 close_after: bool = False, delay: float = 0.0) -> None:
        self.answers = answers
        self.delay = delay
        self.close_after = close_after
        self.connections = 0
        self.requests: list[bytes] = []

    def answer(self, head: bytes) -> bytes:
        if callable(self.answers):
            return self.answers(head)
        return self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head)
                await asyncio.sleep(self.delay)
                writer.write(self.answer(head))
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


def _get(server: Server, paths: tuple[str, ...] = ("/",), *,
         together: bool = False) -> list[Fetched]:
    """Fetch ``paths`` with one site client, in turn (or all at once: ``together``)."""
    async def go() -> list[Fetched]:
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        async with new_client(FetchConfig(timeout=5), ssl.create_default_context()) as client:
            urls = [f"http://127.0.0.1:{port}{path}" for path in paths]
            if together:
                got = list(await asyncio.gather(*(
                    fetch(client, url, timeout=5, max_bytes=1_000_000) for url in urls)))
            else:
                got = [await fetch(client, url, timeout=5, max_bytes=1_000_000)
                       for url in urls]
        listening.close()
        return got

    return asyncio.run(go())


def _chunked(*pieces: bytes, trailer: bytes = b"") -> bytes:
    body = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
    return body + b"0\r\n" + trailer + b"\r\n"


def test_a_chunked_answer_is_reassembled_and_its_connection_reused() -> None:
    answer = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              + _chunked(b"<html>halo ", b"kelurahan</html>", trailer=b"X-Trailer: 1\r\n"))
    server = Server([answer])
    first, second = _get(server, ("/", "/berita/"))
    assert (first.error, first.body) == (None, b"<html>halo kelurahan</html>")
    assert (second.error, second.body) == (None, b"<html>halo kelurahan</html>")
    assert server.connections == 1


def test_a_gzipped_chunked_answer_is_inflated() -> None:
    packed = gzip.compress(b"<p>berita terbaru</p>" * 50)
    answer = (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
              + _chunked(packed[:40], packed[40:]))
    [got] = _get(Server([answer]))
    assert got.error is None and got.body == b"<p>berita terbaru</p>" * 50


def test_informational_answers_before_the_real_one_are_skipped() -> None:
    answer = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
              b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhalo")
    [got] = _get(Server([answer]))
    assert (got.error, got.status_code, got.body) == (None, 200, b"halo")


def test_lenient_where_browsers_are() -> None:
    """Bare LF line ends, a status line without a reason, a folded header value, repeated
    headers joined as httpx stored them."""
    answer = (b"HTTP/1.1 200\nContent-Type: text/html;\n charset=utf-8\nVary: a\nVary: b\n"
              b"Content-Length: 4\n\nhalo")
    [got] = _get(Server([answer]))
    assert (got.error, got.body) == (None, b"halo")
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert got.headers["vary"] == "a, b"


def test_an_http_1_0_answer_ends_with_its_connection_and_the_next_request_opens_another() -> None:
    server = Server([b"HTTP/1.0 200 OK\r\n\r\nsampai tutup"], close_after=True)
    first, second = _get(server, ("/", "/lagi"))
    assert (first.error, first.body, second.error, second.body) == (
        None, b"sampai tutup", None, b"sampai tutup")
    assert server.connections == 2


def test_a_site_gets_its_cookie_back() -> None:
    """Some sites answer a first visit with a cookie and expect it on the next request."""
    def answer(head: bytes) -> bytes:
        if b"Cookie: sesi=abc" in head:
            return b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\ndikenal"
        return (b"HTTP/1.1 200 OK\r\nSet-Cookie: sesi=abc; Path=/\r\nContent-Length: 4\r\n\r\n"
                b"baru")

    server = Server(answer)
    first, second = _get(server, ("/", "/feed/"))
    assert (first.body, second.body) == (b"baru", b"dikenal")


def test_the_request_names_the_host_and_a_requests_own_header_wins() -> None:
    server = Server([b"HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n"])

    async def go() -> Fetched:
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        async with new_client(FetchConfig(timeout=5), ssl.create_default_context()) as client:
            got = await fetch(client, f"http://127.0.0.1:{port}/feed/?a=b", timeout=5,
                              max_bytes=1000, user_agent="Profil-HP",
                              headers={"If-None-Match": '"1"'})
        listening.close()
        return got

    got = asyncio.run(go())
    [head] = server.requests
    lines = head.decode().split("\r\n")
    assert lines[0] == "GET /feed/?a=b HTTP/1.1"
    assert lines[1].startswith("Host: 127.0.0.1:")
    assert "User-Agent: Profil-HP" in lines and 'If-None-Match: "1"' in lines
    assert sum(line.lower().startswith("user-agent:") for line in lines) == 1
    assert (got.error, got.status_code, got.body) == (None, 304, b"")


def test_a_site_never_gets_more_than_two_connections() -> None:
    server = Server([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], delay=0.05)
    got = _get(server, tuple(f"/{i}" for i in range(6)), together=True)
    assert [g.body for g in got] == [b"ok"] * 6
    assert server.connections <= 2


@pytest.mark.parametrize(("answer", "detail"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nhalo!",
     "conflicting Content-Length headers"),
    (b"ICY 200 OK\r\n\r\n", "illegal status line: 'ICY 200 OK'"),
    (b"HTTP/1.1 200 OK\r\nX-" + b"a" * 200_000 + b"\r\n\r\n", "Receive buffer too long"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhalo\r\n",
     "illegal chunk header: b'zz'"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nhalo",
     "peer closed connection without sending complete message body (incomplete chunked "
     "read)"),
    (b"", "Server disconnected without sending a response."),
])
def test_a_broken_answer_is_named(answer: bytes, detail: str) -> None:
    [got] = _get(Server([answer], close_after=True))
    assert (got.error, got.error_detail) == ("other", f"broken HTTP from the server: {detail}")
