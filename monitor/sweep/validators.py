"""Conditional requests across sweeps: ask again only if it changed.

Feeds, sitemaps, the WordPress API answer and stylesheets rarely change from one week to the
next. When an answer came with an ``ETag`` or ``Last-Modified`` (RFC 9110 section 8.8), its
validators and its body are kept in a folder; the next sweep sends ``If-None-Match`` /
``If-Modified-Since`` (section 13.1), and a ``304 Not Modified`` (section 15.4.5) is replaced
by the kept answer, so every check judges exactly the bytes it judged before while the site
sends a few hundred bytes instead of the whole body.

Why a folder and not the store: the body must be kept somewhere, results must not grow by a
copy of every stylesheet each sweep (the store keeps every sweep), and a validator is only
usable with its own body beside it. One entry per URL (and User-Agent), a row of the
folder's ``kept.sqlite`` (``monitor.sweep.kept_answers``: a file per entry cost more CPU to
create than the requests it saved): a JSON line (validators, status, final URL, headers, the
body's SHA-256) then the body (zlib). A damaged entry is never used: its body no longer
inflates or matches its digest, and a broken or missing entry just means a normal request.
Home pages are not conditional: the checks need them fresh and most are generated per
request anyway. robots.txt and sitemaps, asked for only when the API and feed did not date
the site, are reused without any request for a day after they were fetched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.core.snapshot import Fetched, Request
from monitor.sweep.kept_answers import KeptAnswers
from monitor.sweep.meter import Meter

log = logging.getLogger(__name__)

MAX_KEPT_BYTES = 2_000_000  # the extra requests' own cap: freshness sources, stylesheets
DAILY_S = 24 * 3600
KEPT_HEADERS = ("content-type", "etag", "last-modified", "link", "content-language")
Getter = Callable[[dict[str, str]], Awaitable[Fetched]]  # extra request headers -> answer


class Validators:
    """The kept answers of one folder; ``folder == ""`` turns conditional requests off."""

    def __init__(self, folder: str, meter: Meter | None = None) -> None:
        self._kept: KeptAnswers | None = None
        self._meter = meter
        if folder:
            try:
                self._kept = KeptAnswers(Path(folder))
            except (OSError, sqlite3.Error) as exc:
                log.warning("http cache %s unusable, conditional requests off: %s", folder, exc)

    @property
    def kept(self) -> KeptAnswers | None:
        """The cache's file (None when off): the sweep's foresight keeps its rows there too."""
        return self._kept

    def flush(self) -> None:
        """Write what is still pending (entries are written in batches): at a sweep's end."""
        if self._kept is not None:
            try:
                self._kept.flush_last()
            except sqlite3.Error as exc:
                log.warning("http cache: last entries not kept: %s", exc)

    async def fetch(self, request: Request, get: Getter) -> Fetched:
        """``request`` fetched by ``get(headers)``, conditionally when an answer is kept. A
        304 is answered from the entry its validators came from (read once, before asking:
        a file read costs more than the 304 itself here); one whose kept body cannot be used
        (damaged) is asked again without validators, so the checks never see an empty 304."""
        entry = self._entry(request)
        if entry is not None and (kept := self._kept_today(request, entry)) is not None:
            return kept
        conditional = _conditional(entry)
        got = self.settle(request, await get(conditional), entry if conditional else None)
        if conditional and got.status_code == 304:
            got = self.settle(request, await get({}), None)
        return got

    def _kept_today(self, request: Request, entry: dict[str, Any]) -> Fetched | None:
        """robots.txt and sitemaps are asked for at most once a day: they only matter when
        the cheaper sources did not date the site, and a sweep run again the same day (a
        re-check after a fix) would otherwise fetch them again."""
        if not _daily(request.url):
            return None
        if not 0 <= time.time() - float(entry.get("kept_at", 0)) < DAILY_S:
            return None
        kept = self._from_entry(entry, Fetched(url=request.url, elapsed_ms=0.0,
                                               started_at=datetime.now(UTC)))
        if kept is not None and self._meter is not None:
            self._meter.count("kept_today")
        return kept

    def headers_for(self, request: Request) -> dict[str, str]:
        """The conditional headers for ``request``: empty when nothing usable is kept."""
        return _conditional(self._entry(request))

    def settle(self, request: Request, got: Fetched,
               entry: dict[str, Any] | None = None) -> Fetched:
        """A 304 becomes the kept answer (``entry``: the one its validators came from); a
        fresh 200 with validators is kept for next time."""
        if self._kept is None or got.error is not None:
            return got
        if got.status_code == 304:
            return self._reuse(entry, got)
        if got.status_code == 200 and len(got.body) <= MAX_KEPT_BYTES and (
                got.headers.get("etag") or got.headers.get("last-modified")
                or _daily(request.url)):
            self._keep(request, got)
        return got

    # -- the kept entries ----------------------------------------------------------------
    @staticmethod
    def _name(request: Request) -> str:
        return hashlib.sha1(request.key.encode("utf-8"), usedforsecurity=False).hexdigest()

    def _entry(self, request: Request) -> dict[str, Any] | None:
        """The kept entry (its zlib body under ``"_body"``), or None."""
        if self._kept is None:
            return None
        data = self._kept.get(self._name(request))
        if data is None:
            return None
        try:
            meta, _, body = data.partition(b"\n")
            entry = json.loads(meta)
        except ValueError:
            return None
        if not isinstance(entry, dict) or entry.get("key") != request.key:
            return None
        entry["_body"] = body
        return entry

    def _reuse(self, entry: dict[str, Any] | None, got: Fetched) -> Fetched:
        if entry is None:  # a 304 we did not ask for: keep as is
            return got
        kept = self._from_entry(entry, got)
        if kept is None:
            return got
        if self._meter is not None:
            self._meter.count("not_modified")
        return kept

    @staticmethod
    def _from_entry(entry: dict[str, Any], got: Fetched) -> Fetched | None:
        try:
            body = zlib.decompress(entry["_body"])
        except zlib.error:
            return None
        if hashlib.sha256(body).hexdigest() != entry.get("sha256"):
            return None  # damaged: never judge bytes the site did not send
        headers = dict(entry.get("headers") or {})
        # RFC 9111 section 4.3.4: a 304 updates the kept validators; its other fields (a
        # default Content-Type some servers add to a 304) must not relabel the kept body
        headers.update((k, got.headers[k]) for k in ("etag", "last-modified") if k in got.headers)
        return replace(got, status_code=int(entry.get("status", 200)), body=body,
                       headers=headers, final_url=got.final_url or entry.get("final_url"))

    def _keep(self, request: Request, got: Fetched) -> None:
        entry = {
            "key": request.key,
            "etag": got.headers.get("etag", ""),
            "last_modified": got.headers.get("last-modified", ""),
            "status": got.status_code,
            "final_url": got.final_url,
            "headers": {k: got.headers[k] for k in KEPT_HEADERS if k in got.headers},
            "sha256": hashlib.sha256(got.body).hexdigest(),
            "kept_at": time.time(),
        }
        data = json.dumps(entry).encode("utf-8") + b"\n" + zlib.compress(got.body, 1)
        assert self._kept is not None
        self._kept.put(self._name(request), data)


def _conditional(entry: dict[str, Any] | None) -> dict[str, str]:
    """RFC 9110 section 13.1: the validators an entry was kept with, as request headers."""
    headers: dict[str, str] = {}
    if entry is None:
        return headers
    if entry.get("etag"):
        headers["If-None-Match"] = str(entry["etag"])
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = str(entry["last_modified"])
    return headers


def _daily(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path == "/robots.txt" or ("sitemap" in path and path.endswith(".xml"))
