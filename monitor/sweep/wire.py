"""HTTP/1.1 on one connection: write a GET, read the answer's head, then its body as it
arrives.

Why not httpx: the sweep is CPU-bound, and httpx, httpcore and h11 cost ~1.0-1.4 ms of CPU per
request here, against ~0.12 ms for the same exchange over a bare asyncio protocol (measured
on the loopback fleet, ``benchmarks/fetch_cpu.py``). The sweep only ever sends a GET and
reads one answer at a time, so the part of HTTP/1.1 it needs is small: the head, then the
body framed by Content-Length, chunked coding, or the end of the connection (RFC 9112 6.3).

Lenient where browsers are (obsolete line folding, a status line without a reason, a bare
LF), strict where a body's length is at stake (a conflicting Content-Length, a broken chunk
size), capped where a hostile server could make us hold memory (``MAX_HEAD``,
``MAX_CHUNK_LINE``). The fault texts are those h11 gave, so stored details read as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from monitor.sweep.network import AsyncioStream

MAX_HEAD = 100 * 1024  # the response head, as httpcore allowed h11
MAX_CHUNK_LINE = 4096  # a chunk-size line with its extensions, or a trailer line
READ_SIZE = 64 * 1024
NO_BODY = frozenset({204, 304})


class BrokenHTTP(Exception):
    """The server broke HTTP/1.1 (``fetch.classify`` calls it "other")."""


class Head:
    """A response's status line and headers. ``fields``: (lower-case name, value) in the
    order sent; ``headers``: one value per name, repeats joined with ", " (what
    ``Fetched.headers`` stores)."""

    __slots__ = ("fields", "headers", "keep_alive", "status")

    def __init__(self, status: int, fields: list[tuple[str, str]], keep_alive: bool) -> None:
        self.status = status
        self.fields = fields
        self.keep_alive = keep_alive
        headers: dict[str, str] = {}
        for name, value in fields:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.headers = headers


def request_bytes(target: str, host: str, headers: dict[str, str]) -> bytes:
    """A GET for ``target`` (path and query), Host first as RFC 9112 asks."""
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def _decode(raw: bytes) -> str:
    """As httpx decoded header bytes: ASCII, else UTF-8, else Latin-1."""
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_head(raw: bytes) -> Head:
    """The head up to (not including) its blank line."""
    text = _decode(raw)
    lines = text.replace("\r\n", "\n").split("\n")
    status_line = lines[0]
    parts = status_line.split(" ", 2)
    version = parts[0]
    if (len(parts) < 2 or not version.startswith("HTTP/1.") or len(parts[1]) != 3
            or not parts[1].isdigit()):
        raise BrokenHTTP(f"illegal status line: {status_line[:100]!r}")
    status = int(parts[1])
    fields: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t" and fields:  # obsolete line folding: part of the last value
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon or not name or " " in name:
            raise BrokenHTTP(f"illegal header line: {line[:100]!r}")
        fields.append((name.lower(), value.strip()))
    connection = ",".join(v for n, v in fields if n == "connection").lower()
    keep_alive = ("keep-alive" in connection if version == "HTTP/1.0"
                  else "close" not in connection)
    return Head(status, fields, keep_alive)


class Reader:
    """Reads one connection's answers. Bytes the server sent past an answer (it should send
    none: we never pipeline) make the connection unfit to reuse."""

    def __init__(self, stream: AsyncioStream) -> None:
        self.stream = stream
        self.buffer = bytearray()
        self.clean = True  # the last answer ended where its framing said: reusable

    async def _fill(self) -> bool:
        data = await self.stream.read(READ_SIZE)
        if not data:
            return False
        self.buffer += data
        return True

    async def head(self) -> Head:
        """The next final answer's head (1xx answers are read and dropped)."""
        while True:
            head = await self._one_head()
            if not 100 <= head.status < 200 or head.status == 101:
                return head

    async def _one_head(self) -> Head:
        searched = 0
        while True:
            buffer = self.buffer
            end = buffer.find(b"\n\n", max(searched - 1, 0))
            crlf = buffer.find(b"\r\n\r\n", max(searched - 3, 0))
            if crlf >= 0 and (end < 0 or crlf < end):
                raw, rest = bytes(buffer[:crlf]), crlf + 4
                break
            if end >= 0:
                raw, rest = bytes(buffer[:end]), end + 2
                break
            if len(buffer) > MAX_HEAD:
                raise BrokenHTTP("Receive buffer too long")
            searched = len(buffer)
            if not await self._fill():
                if buffer.strip():
                    raise BrokenHTTP("peer closed connection in the middle of the response "
                                     "head")
                raise BrokenHTTP("Server disconnected without sending a response.")
        if len(raw) > MAX_HEAD:
            raise BrokenHTTP("Receive buffer too long")
        del self.buffer[:rest]
        return parse_head(raw.lstrip(b"\r\n"))

    def body(self, head: Head) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive, still content-encoded."""
        if head.status in NO_BODY or 100 <= head.status < 200:
            return _nothing()
        coding = head.headers.get("transfer-encoding", "").lower()
        if coding:
            if coding.rsplit(",", 1)[-1].strip() == "chunked":
                return self._chunked()
            self.clean = False
            return self._to_close()
        lengths = {v.strip() for n, v in head.fields if n == "content-length"}
        if lengths:
            values = {v for value in lengths for v in value.split(",")}
            if len({v.strip() for v in values}) != 1:
                raise BrokenHTTP("conflicting Content-Length headers")
            length = values.pop().strip()
            if not length.isdigit():
                raise BrokenHTTP(f"bad Content-Length: {length[:40]!r}")
            return self._sized(int(length))
        self.clean = False
        return self._to_close()

    async def _sized(self, length: int) -> AsyncIterator[bytes]:
        received = 0
        if self.buffer:
            piece = bytes(self.buffer[:length])
            del self.buffer[:length]
            received = len(piece)
            if piece:
                yield piece
        while received < length:
            data = await self.stream.read(min(READ_SIZE, length - received))
            if not data:
                self.clean = False
                raise BrokenHTTP("peer closed connection without sending complete message "
                                 f"body (received {received} bytes, expected {length})")
            received += len(data)
            yield data
        if self.buffer:
            self.clean = False

    async def _to_close(self) -> AsyncIterator[bytes]:
        if self.buffer:
            piece = bytes(self.buffer)
            self.buffer.clear()
            yield piece
        while data := await self.stream.read(READ_SIZE):
            yield data

    async def _line(self) -> bytes:
        while (end := self.buffer.find(b"\n")) < 0:
            if len(self.buffer) > MAX_CHUNK_LINE:
                raise BrokenHTTP("chunk header too long")
            if not await self._fill():
                raise BrokenHTTP("peer closed connection without sending complete message "
                                 "body (incomplete chunked read)")
        line = bytes(self.buffer[:end]).rstrip(b"\r")
        del self.buffer[:end + 1]
        return line

    async def _chunked(self) -> AsyncIterator[bytes]:
        while True:
            line = (await self._line()).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise BrokenHTTP(f"illegal chunk header: {line[:40]!r}") from None
            if size < 0:
                raise BrokenHTTP(f"illegal chunk header: {line[:40]!r}")
            if size == 0:
                while await self._line():  # trailers, until the blank line
                    pass
                if self.buffer:
                    self.clean = False
                return
            left = size
            while left:
                if self.buffer:
                    piece = bytes(self.buffer[:left])
                    del self.buffer[:left]
                else:  # straight from the socket, not through the buffer
                    piece = await self.stream.read(min(READ_SIZE, left))
                    if not piece:
                        raise BrokenHTTP("peer closed connection without sending complete "
                                         "message body (incomplete chunked read)")
                left -= len(piece)
                yield piece
            if await self._line():
                raise BrokenHTTP("chunk not followed by CRLF")


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an async generator that yields nothing
