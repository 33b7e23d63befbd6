"""Fetch one URL the way the sweep needs it: redirects recorded, body capped, faults classified.

The sweep's requests all go through here (over ``monitor.sweep.client``, the sweep's own
HTTP/1.1 client). It never raises for a site's fault: whatever goes wrong ends up in
``Fetched.error`` as one of the SPEC's words with a human ``error_detail``.

Why we decompress ourselves: inflating a network chunk in one call turns a 64 KB gzip bomb
into ~64 MB in memory before any cap can look at it (httpx did). Inflating the raw stream
with ``max_length`` lets the 5 MB cap (counted after decompression, as the issue asks) stop
a bomb after 5 MB of output.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from monitor import USER_AGENT
from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, TLSInfo
from monitor.core.tls import default_ssl_context as default_ssl_context  # the sweep's trust
from monitor.core.tls import ssl_context_for as ssl_context_for
from monitor.sweep.address import (
    AddressGuard,
    AddressRefused,
    PublicTest,
    browser_url,
    is_public,
)
from monitor.sweep.client import Response, SiteClient
from monitor.sweep.limits import BodyLease
from monitor.sweep.network import Resolver as Resolver  # where callers import it from
from monitor.sweep.network import ResolvingBackend
from monitor.sweep.wire import BrokenHTTP
from monitor.targets.loader import url_problem

MAX_REDIRECTS = 10  # what browsers and the issue allow

# The body budget of the fetch in progress and its deadline (so time spent queueing for the
# budget is given back). A context variable, set by ``fetch`` alone, so the redirect loop
# between ``fetch`` and ``_read_body`` need not carry it.
_LEASE: ContextVar[tuple[BodyLease, asyncio.Timeout] | None] = ContextVar("_LEASE",
                                                                          default=None)


LEAVES_SITE = "leaves the site's own hosts"  # an extra's redirect, refused


@dataclass(frozen=True)
class FetchConfig:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = USER_AGENT
    ssl_context: ssl.SSLContext | None = None  # None: certifi's CA bundle


_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Language": "id,en;q=0.8",
}

def new_client(
    config: FetchConfig, ssl_context: ssl.SSLContext, resolver: Resolver | None = None,
    public: PublicTest = is_public, max_connections: int = 2,
) -> SiteClient:
    """A small client per site (``max_connections``, kept alive between its requests),
    sharing the sweep's SSL context. ``resolver``: connect where it says instead of asking
    DNS. ``public``: which addresses count as the internet (tests simulate one on loopback).
    Only ``fetch`` may use it: its deadline is the only timeout."""
    return SiteClient(ssl_context, ResolvingBackend(resolver, AddressGuard(public)),
                      {"User-Agent": config.user_agent, **_HEADERS, "Connection": "keep-alive"},
                      max_connections=max(1, max_connections))


async def fetch(
    client: SiteClient,
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    user_agent: str | None = None,
    headers: Mapping[str, str] | None = None,
    follow: bool = True,
    hosts: Sequence[str] = (),
    lease: BodyLease | None = None,
) -> Fetched:
    """GET ``url`` following up to 10 redirects, all within ``timeout`` seconds: DNS, connect,
    TLS, headers and every body byte, so a server that trickles a byte a second is cut off
    at the deadline like one that hangs. What was learnt before the deadline is kept.

    ``follow=False`` stops at the first redirect (recorded in ``redirects``, no body): a
    visitor profile only needs to know where it is sent. ``hosts``: the site's own hosts;
    a redirect elsewhere is refused (extras such as robots.txt stay on the site).
    ``lease``: the site's share of the sweep's body budget (monitor.sweep.limits)."""
    result = Fetched(url=url, started_at=datetime.now(UTC))
    start = time.perf_counter()
    sent = dict(headers or {})
    if user_agent:
        sent["User-Agent"] = user_agent
    try:
        async with asyncio.timeout(timeout) as deadline:
            token = _LEASE.set((lease, deadline) if lease is not None else None)
            try:
                await _follow(client, url, result, max_bytes, _Hop(sent, follow, tuple(hosts)),
                              start)
            finally:
                _LEASE.reset(token)
    except TimeoutError:
        _fail(result, "timeout", "deadline reached before the page was complete")
    except Exception as exc:  # noqa: BLE001 - every site fault becomes data
        word, detail = classify(exc)
        _fail(result, word, detail)
    result.elapsed_ms = (time.perf_counter() - start) * 1000
    return result


def _fail(result: Fetched, word: str, detail: str) -> None:
    result.error, result.error_detail = word, detail


@dataclass(frozen=True)
class _Hop:
    """How to follow one URL: headers to send, whether to follow, where redirects may go."""

    headers: dict[str, str]
    follow: bool
    hosts: tuple[str, ...]


async def _follow(
    client: SiteClient,
    url: str,
    result: Fetched,
    max_bytes: int,
    how: _Hop,
    start: float,
) -> None:
    seen = {url}
    current = url
    headers = how.headers or None
    for _hop in range(MAX_REDIRECTS + 1):
        if why := url_problem(current):
            return _fail(result, "invalid_url", f"{current!r} {why}")
        async with client.stream(current, headers) as response:
            if result.ttfb_ms is None:
                result.ttfb_ms = (time.perf_counter() - start) * 1000
            result.final_url = response.url
            result.status_code = response.status_code
            result.headers = response.headers  # lower-case names, repeats joined
            result.tls = _tls_info(response, current)
            location = response.headers.get("location")
            if response.is_redirect and location:
                nxt = urljoin(current, browser_url(location.strip()))
                result.redirects.append((response.status_code, nxt))
                if not how.follow:
                    return None
                if how.hosts and not own_host(host_in(nxt), how.hosts):
                    return _fail(result, "other", f"redirect to {nxt[:200]} {LEAVES_SITE}")
                if nxt in seen:
                    return _fail(result, "redirect_loop", f"{nxt} was already visited")
                seen.add(nxt)
                current = nxt
                continue
            await _read_body(response, result, max_bytes)
            return None
    _fail(result, "redirect_loop", f"more than {MAX_REDIRECTS} redirects")


async def _read_body(response: Response, result: Fetched, max_bytes: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return _fail(result, "too_large", f"Content-Length says {int(declared):,} bytes")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    # what this body may still bring, for the budget: the declared length when it is the
    # decoded length, else the cap
    expected = int(declared) if declared.isdigit() and encoding == "identity" else max_bytes
    bound = _LEASE.get()
    # One growing buffer, not a list of 64 KB pieces joined at the end: measured with 500
    # sites sending 4.9 MB, the pieces left the heap fragmented (a shard's RSS ~100 MB over
    # what it held), while a large buffer lives in its own mapping, returned when freed.
    body = bytearray()
    if bound is not None and expected != max_bytes:  # a declared length: reserve it first
        await bound[0].grow(0, expected, bound[1], _transport_of(response), ahead=True)
    try:
        async for piece in _decoded(response.aiter_raw(), encoding, max_bytes):
            if len(body) + len(piece) > max_bytes:
                result.body = bytes(body)
                why = f"more than {max_bytes:,} bytes after decompression"
                return _fail(result, "too_large", why)
            body += piece
            if bound is not None:
                await bound[0].grow(len(piece), max(expected - len(body), 0), bound[1],
                                    _transport_of(response))
    except zlib.error as exc:
        return _fail(result, "other", f"broken {encoding} body: {exc}")
    result.body = bytes(body)
    return None


def _transport_of(response: Response) -> asyncio.ReadTransport | None:
    """The TCP transport under a response, so a site waiting for memory can stop it reading
    (the bytes then wait in the kernel, not in our memory)."""
    return response.stream.raw_transport


async def _decoded(
    raw: AsyncIterator[bytes], encoding: str, max_bytes: int
) -> AsyncIterator[bytes]:
    if encoding in ("", "identity"):
        async for chunk in raw:
            yield chunk
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise zlib.error(f"unsupported content-encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    first = True
    async for chunk in raw:
        if first and encoding == "deflate" and chunk and (chunk[0] & 0x0F) != 8:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
        first = False
        data = chunk
        while data:
            out = inflater.decompress(data, max_bytes + 1)
            yield out
            data = inflater.unconsumed_tail
            if not out:
                break
    yield inflater.flush()


def _tls_info(response: Response, url: str) -> TLSInfo | None:
    if not url.startswith("https://"):
        return None
    ssl_object = response.stream.get_extra_info("ssl_object")
    if ssl_object is None:
        return TLSInfo(verified=True)
    seconds, issuer = _certificate(ssl_object)
    not_after = days_left = None
    if seconds is not None:
        not_after = datetime.fromtimestamp(seconds, UTC)
        days_left = int((seconds - time.time()) // 86400)
    return TLSInfo(verified=True, not_after=not_after, days_left=days_left, issuer=issuer)


# A connection's certificate read once: a site's extras reuse its connection, and decoding
# the certificate and parsing its date cost ~30 us per answer.
_CERTIFICATES: weakref.WeakKeyDictionary[Any, tuple[float | None, str | None]] = (
    weakref.WeakKeyDictionary())


def _certificate(ssl_object: Any) -> tuple[float | None, str | None]:
    """(notAfter as a Unix time, issuer) of the certificate the server presented."""
    known = _CERTIFICATES.get(ssl_object)
    if known is not None:
        return known
    cert = ssl_object.getpeercert() or {}
    seconds = None
    with contextlib.suppress(KeyError, ValueError):
        seconds = ssl.cert_time_to_seconds(cert["notAfter"])
    issuer = ", ".join("=".join(kv) for rdn in cert.get("issuer", ()) for kv in rdn) or None
    with contextlib.suppress(TypeError):  # not weakly referable: just not remembered
        _CERTIFICATES[ssl_object] = (seconds, issuer)
    return seconds, issuer


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify(exc: BaseException) -> tuple[str, str]:
    """Map an exception raised while fetching to the SPEC's error word and a detail line."""
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, AddressRefused):
            return "other", str(e)
        if isinstance(e, ssl.SSLCertVerificationError):
            return "tls", f"certificate not valid: {e.verify_message or e}"
        if isinstance(e, ssl.SSLError):
            return "tls", f"TLS handshake failed: {e.reason or e}"
        if isinstance(e, socket.gaierror):
            return "dns", f"name does not resolve: {e.strerror or e}"
    if isinstance(exc, BrokenHTTP):
        return "other", f"broken HTTP from the server: {exc}"
    if isinstance(exc, httpx.TimeoutException | httpcore.TimeoutException | TimeoutError
                  | asyncio.TimeoutError):
        return "timeout", f"{type(exc).__name__}: no answer in time"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid_url", str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpcore.ConnectError):
        text = str(exc) or "connection failed"
        if "Name or service not known" in text or "nodename nor servname" in text:
            return "dns", text
        return "connect", text
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError
                  | httpcore.RemoteProtocolError | httpcore.LocalProtocolError):
        return "other", f"broken HTTP from the server: {exc}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpcore.ReadError
                  | httpcore.WriteError | ConnectionError):
        return "connect", f"connection dropped: {exc or type(exc).__name__}"
    return "other", f"{type(exc).__name__}: {exc}"[:300]


def host_of(url: str) -> str:
    """The host a per-host connection limit applies to."""
    try:
        return (urlsplit(url).hostname or url).lower()
    except ValueError:
        return url
