"""Serve a large simulated fleet for the benchmarks, in its own process so its CPU is not
counted against the sweep. Prints one JSON line {"urls": [...]} when ready, then serves until
stdin closes.

    python benchmarks/fleet_server.py N [--hang-share 0.05] [--seed 1] [--portal P]

``--portal P``: P of the N sites are kelurahan pages on one shared portal host (as the city's
126 are), linking the portal's one stylesheet and feed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import zlib
from collections.abc import Callable

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page, Route

# A page shaped like a kelurahan WordPress home page (~35 KB): header date widget, posts with
# dates, sidebar, footer, a stylesheet link. Checks do realistic work on it.
POST = """<article class="post"><h2><a href="/berita/{i}">Kegiatan posyandu RW {i}</a></h2>
<span class="posted-on"><time datetime="2026-10-{d:02d}T08:15:00+07:00">{d} Oktober 2026</time>
</span><p>Kelurahan melaksanakan kegiatan posyandu dan kerja bakti bersama warga RW {i}.
Kegiatan dihadiri oleh lurah, ketua RT dan kader posyandu. {filler}</p></article>"""


FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Kelurahan Contoh</title>""" + "".join(
    f"<item><title>Kegiatan {i}</title><link>/berita/{i}</link>"
    f"<pubDate>Mon, {i + 1:02d} Oct 2026 08:15:00 +0700</pubDate></item>" for i in range(10)
) + "</channel></rss>"


def page_html() -> str:
    filler = "Pelayanan administrasi kependudukan tetap berjalan seperti biasa. " * 6
    posts = "\n".join(POST.format(i=i, d=(i % 27) + 1, filler=filler) for i in range(40))
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kelurahan Contoh - Kota Bandar Lampung</title>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="stylesheet" href="/style.css"></head><body>
<header><div class="date">Senin, 23 November 2026</div><h1>Kelurahan Contoh</h1></header>
<main>{posts}</main><aside><h3>Statistik</h3><p>Pengunjung: 12345</p></aside>
<footer>&copy; 2026 Kelurahan Contoh</footer></body></html>"""


def conditional(body: str, content_type: str, delay: float) -> Callable[[FleetRequest], Page]:
    """Answer 304 to a request carrying this body's ETag, as web servers do for static
    files (the sweep's conditional requests, monitor.sweep.validators)."""
    etag = f'"{zlib.crc32(body.encode()):08x}"'

    def route(request: FleetRequest) -> Page:
        if request.headers.get("if-none-match") == etag:
            return Page(status=304, headers={"ETag": etag}, delay=delay)
        return Page(body=body, content_type=content_type, headers={"ETag": etag}, delay=delay)

    return route


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--hang-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--portal", type=int, default=0)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio",
                        help="the simulated sites' event loop (uvloop: they take less of the "
                        "cores the sweep shares with them)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rng = random.Random(args.seed)
    body = page_html()
    css = "body{margin:0;font-size:16px}@media (max-width:600px){main{padding:4px}}"
    feed = FEED
    sites = []
    portal = FleetSite("portal", {
        "/feed/": conditional(feed, "application/rss+xml", 0.5),
        "/style.css": conditional(css, "text/css", 0.5)})
    for i in range(args.portal):
        portal.routes[f"/k{i}/"] = Page(body=body, delay=rng.uniform(0.2, 0.8))
    for i in range(args.n - args.portal):
        if rng.random() < args.hang_share:
            routes: dict[str, Route] = {"/": Page(hang=True)}
        else:
            delay = rng.uniform(0.2, 0.8)
            routes = {"/": Page(body=body, delay=delay),
                      "/feed/": conditional(feed, "application/rss+xml", delay),
                      "/style.css": conditional(css, "text/css", delay)}
        sites.append(FleetSite(f"s{i}", routes))
    if args.loop == "uvloop":
        import asyncio

        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())  # Fleet's thread's new loop
    with Fleet([portal, *sites]) as fleet:
        urls = [f"{fleet.url('portal')}k{i}/" for i in range(args.portal)]
        print(json.dumps({"urls": urls + [fleet.url(s.name) for s in sites]}), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
