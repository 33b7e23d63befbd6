"""What the freshness check keeps between calls about one response, to save CPU.

A sweep asks the check for its extra URLs once per planning round and then runs it: each
time it read the home page's links again and parsed the feed (or API answer, or sitemap)
again, the same bytes. Here the answers are kept per response object (by identity, through a
weak reference, with what they were computed from), so the second ask is a lookup and a
changed or new response is read afresh. Nothing of a response is held: an entry goes when
its response does (and the oldest goes past ``KEPT``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from monitor.checks.freshness.candidate import Candidate
from monitor.checks.freshness.sources import feed_url, wp_api_root
from monitor.core.snapshot import Fetched

KEPT = 1024  # a sweep plans up to its concurrency of sites between rounds
_Entry = tuple["weakref.ref[Fetched]", tuple[Any, ...], Any]
_reads: dict[tuple[str, int], _Entry] = {}
_homes: dict[tuple[str, int], _Entry] = {}


def _state(fetched: Fetched) -> tuple[Any, ...]:
    return (id(fetched.body), len(fetched.body), fetched.status_code, fetched.error,
            fetched.url, fetched.final_url, fetched.headers.get("link"))


def _lookup(table: dict[tuple[str, int], _Entry], key: tuple[str, int],
            fetched: Fetched) -> Any | None:
    kept = table.get(key)
    if kept is not None and kept[0]() is fetched and kept[1] == _state(fetched):
        return kept[2]
    return None


def _keep(table: dict[tuple[str, int], _Entry], key: tuple[str, int], fetched: Fetched,
          value: Any) -> None:
    if len(table) >= KEPT:
        table.pop(next(iter(table), key), None)  # the oldest
    gone = weakref.ref(fetched, lambda _ref: table.pop(key, None))
    table[key] = (gone, _state(fetched), value)


def read(kind: str, reader: Callable[[Fetched, datetime], list[Candidate]], fetched: Fetched,
         now: datetime) -> list[Candidate]:
    """``reader(fetched, now)``, read once per response and moment."""
    key = (kind, id(fetched))
    kept = _lookup(_reads, key, fetched)
    if kept is not None and kept[0] == now:
        return list(kept[1])
    found = reader(fetched, now)
    _keep(_reads, key, fetched, (now, tuple(found)))
    return found


def home_sources(home: Fetched) -> tuple[str | None, str | None, bool]:
    """(WordPress API root, feed URL, WordPress?) the home page announces."""
    key = ("home", id(home))
    kept = _lookup(_homes, key, home)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    base = home.final_url or home.url
    api = wp_api_root(home.document, home.headers, base)
    wordpress = api is not None or home.body.find(b"/wp-content/", 0, 500_000) != -1
    found = (api, feed_url(home.document, base, wordpress), wordpress)
    _keep(_homes, key, home, found)
    return found
