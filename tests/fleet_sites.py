"""Scripted fleet sites for availability, each with the verdict the sweep must reach.

``AVAILABILITY`` maps a site name to (available, error, status_code, attempts): the tests
assert every row, and the demo and benchmarks reuse the sites.
"""

from __future__ import annotations

import zlib

from monitor.demo.fleet import FleetRequest, FleetSite, Page

HEALTHY_HTML = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kelurahan Contoh</title></head><body><h1>Kelurahan Contoh</h1>
<p>Selamat datang di situs resmi Kelurahan Contoh, Kota Bandar Lampung.</p></body></html>"""


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * 1_000_000
    out = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(out) + compressor.flush()


def _flaky(request: FleetRequest) -> Page:
    if request.count == 1:
        return Page(status=503, body="busy")
    return Page(body=HEALTHY_HTML)


def _chain(steps: int, prefix: str) -> dict[str, Page | object]:
    routes: dict[str, Page | object] = {}
    path = "/"
    for i in range(steps):
        nxt = f"/{prefix}{i + 1}"
        routes[path] = Page(status=301, headers={"Location": nxt})
        path = nxt
    routes[path] = Page(body=HEALTHY_HTML)
    return routes


def availability_sites(hang_seconds: float = 3600) -> list[FleetSite]:
    """One site per behaviour the core issue names."""
    page = Page(body=HEALTHY_HTML)
    bomb = _gzip_bomb(50_000_000)
    return [
        FleetSite("healthy", {"/": page}),
        FleetSite("slow", {"/": Page(body=HEALTHY_HTML, delay=0.8)}),
        FleetSite("http_500", {"/": Page(status=500, body="error")}),
        FleetSite("http_503", {"/": Page(status=503, body="maintenance")}),
        FleetSite("http_404", {"/": Page(status=404, body="not found")}),
        FleetSite("refused", refused=True),
        FleetSite("hang", {"/": Page(hang=True)}),
        FleetSite("trickle", {"/": Page(body=HEALTHY_HTML, trickle=0.05)}),
        FleetSite("redirect_chain", _chain(3, "step")),  # type: ignore[arg-type]
        FleetSite("redirect_loop", {"/": Page(status=302, headers={"Location": "/a"}),
                                    "/a": Page(status=302, headers={"Location": "/"})}),
        FleetSite("too_many_redirects", _chain(12, "hop")),  # type: ignore[arg-type]
        FleetSite("huge", {"/": Page(body="<html><body>", stream_bytes=20_000_000)}),
        FleetSite("huge_stream", {"/": Page(body="<html><body>", stream_bytes=20_000_000,
                                            send_length=False)}),
        FleetSite("gzip_bomb", {"/": Page(body=bomb, headers={"Content-Encoding": "gzip"})}),
        FleetSite("bad_encoding", {"/": Page(
            body=b"<html><head><title>Kelurahan \xff\xfe\xc3</title></head><body>\x80\x81 isi"
                 b" \xe9\xe8 halaman</body></html>")}),
        FleetSite("garbage_headers", {"/": Page(
            raw=b"HTTP/1.1 200 OK\r\nContent-Length: banyak\r\n\x00\x01\x02 sampah\r\n\r\nxx")}),
        FleetSite("empty", {"/": Page(body=b"")}),
        FleetSite("flaky", {"/": _flaky}),
        FleetSite("tls_valid", {"/": page}, tls="valid"),
        FleetSite("tls_expired", {"/": page}, tls="expired"),
        FleetSite("tls_self_signed", {"/": page}, tls="self_signed"),
    ]


# name: (available, error, status_code, attempts)
AVAILABILITY: dict[str, tuple[bool, str | None, int | None, int]] = {
    "healthy": (True, None, 200, 1),
    "slow": (True, None, 200, 1),
    "http_500": (False, "http_5xx", 500, 2),
    "http_503": (False, "http_5xx", 503, 2),
    "http_404": (False, "http_4xx", 404, 1),
    "refused": (False, "connect", None, 2),
    "hang": (False, "timeout", None, 2),
    "trickle": (False, "timeout", 200, 2),
    "redirect_chain": (True, None, 200, 1),
    "redirect_loop": (False, "redirect_loop", 302, 1),
    "too_many_redirects": (False, "redirect_loop", 301, 1),
    "huge": (False, "too_large", 200, 1),
    "huge_stream": (False, "too_large", 200, 1),
    "gzip_bomb": (False, "too_large", 200, 1),
    "bad_encoding": (True, None, 200, 1),
    "garbage_headers": (False, "other", None, 1),
    "empty": (False, "other", 200, 1),
    "flaky": (True, None, 200, 2),
    "tls_valid": (True, None, 200, 1),
    "tls_expired": (False, "tls", None, 1),
    "tls_self_signed": (False, "tls", None, 1),
}
