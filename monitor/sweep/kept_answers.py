"""Where the HTTP cache (``monitor.sweep.validators``) keeps its entries: one SQLite file in
the cache folder, ``kept.sqlite``, a row per URL, written in batches.

Why not a file per entry (as before): creating a file cost 0.04-0.9 ms of CPU here (measured
with cProfile on the 2-core machine, 1,000 sites: 1,889 creations took 1.7 s, ~1.7 ms per
site, more than a site's four requests), and it ran on the event loop, so a first sweep's
stall grew with it. A batch of SQLite inserts costs ~20 us per entry. The rows hold the same
bytes the files held (a JSON line, then the zlib body), so a damaged row is refused by its
digest as a damaged file was.

Shards write the same file from their own processes: SQLite in WAL mode lets one write at a
time while others read; a batch that finds the file busy for longer than ``BUSY_MS`` waits
for the next flush (entries are only a cache: losing one costs one full request later).

Entries nobody used for ``UNUSED_DAYS`` are removed when a sweep opens the file. Without that
the file only grows: a WordPress update renames every stylesheet (``style.css?ver=6.4.2``),
sites leave targets.csv, and each old entry keeps its body. A row records when it was last
written or read (``seen``); reads are recorded in the same batches as writes, at most once in
``SEEN_EVERY_S`` per row, so a weekly sweep adds at most one small update per entry it used.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "kept.sqlite"
BATCH = 200  # entries written in one transaction
FLUSH_S = 2.0  # ... or after this long, whichever comes first
BUSY_MS = 200  # how long a flush may wait for another shard's write (on the event loop)
LAST_BUSY_MS = 5000  # ... and the sweep's last flush
MAX_PENDING = 5_000  # entries held while the file stays busy; past it the oldest go
UNUSED_DAYS = 30  # an entry not written or read for this long is removed
# A read is recorded when the row's record is older than this: an entry in use is then never
# more than this plus a sweep's interval (a week) unrecorded, well within UNUSED_DAYS, and
# a weekly sweep updates each entry every other week at most.
SEEN_EVERY_S = UNUSED_DAYS / 3 * 86_400


class KeptAnswers:
    """Entries by name, kept in ``folder/kept.sqlite``. Raises ``OSError`` or
    ``sqlite3.Error`` when the folder or the file cannot be used (the caller turns the cache
    off)."""

    def __init__(self, folder: Path, clock: Callable[[], float] = time.time) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        # Setting up may wait as long as the last flush: two shards open a new file at the
        # same moment, and switching it to WAL needs it to themselves for an instant.
        self._db = sqlite3.connect(folder / FILE_NAME, timeout=LAST_BUSY_MS / 1000,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost last batch is fine
        self._db.execute("CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, "
                         "data BLOB NOT NULL, seen REAL NOT NULL DEFAULT 0)")
        _add_seen(self._db, clock())
        self._forget_unused()
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        self._pending: dict[str, bytes] = {}
        self._seen: set[str] = set()  # read since the last batch, to be recorded
        self._since = 0.0
        _forget_old_files(folder)

    def get(self, name: str) -> bytes | None:
        if (data := self._pending.get(name)) is not None:
            return data
        try:
            row = self._db.execute("SELECT data, seen FROM kept WHERE name = ?",
                                   (name,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("http cache: cannot read an entry: %s", exc)
            return None
        if row is None:
            return None
        if row[1] < self._clock() - SEEN_EVERY_S:
            self._seen.add(name)
            self._due()
        return bytes(row[0])

    def put(self, name: str, data: bytes) -> None:
        self._pending[name] = data
        self._seen.discard(name)  # the write records it
        self._due()

    def _due(self) -> None:
        if len(self._pending) + len(self._seen) == 1:
            self._since = time.monotonic()
        if len(self._pending) + len(self._seen) >= BATCH \
                or time.monotonic() - self._since >= FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if not self._pending and not self._seen:
            return
        now = self._clock()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO kept (name, data, seen) VALUES (?, ?, ?)",
                    [(name, data, now) for name, data in self._pending.items()])
                self._db.executemany("UPDATE kept SET seen = ? WHERE name = ?",
                                     [(now, name) for name in self._seen])
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:  # busy (another shard writing) or broken: try later
            log.info("http cache: %d entries wait for the next write (%s)",
                     len(self._pending), exc)
            while len(self._pending) > MAX_PENDING:
                del self._pending[next(iter(self._pending))]
            if len(self._seen) > MAX_PENDING:
                self._seen.clear()  # only a record of use: at worst an entry expires early
            return
        self._pending.clear()
        self._seen.clear()

    def _forget_unused(self) -> None:
        """Remove what no sweep wrote or read for ``UNUSED_DAYS`` (at most a few milliseconds:
        a full scan of a table of a few rows per site)."""
        try:
            gone = self._db.execute("DELETE FROM kept WHERE seen < ?",
                                    (self._clock() - UNUSED_DAYS * 86_400,)).rowcount
        except sqlite3.Error as exc:  # busy: the next sweep removes them
            log.info("http cache: unused entries stay until the next sweep (%s)", exc)
            return
        if gone:
            log.info("http cache: %d entries unused for %d days removed", gone, UNUSED_DAYS)

    def flush_last(self) -> None:
        """At a sweep's end: the last batch may wait longer for another shard's write, as
        nothing comes after it."""
        self._db.execute(f"PRAGMA busy_timeout = {LAST_BUSY_MS}")
        try:
            self.flush()
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")


def _add_seen(db: sqlite3.Connection, now: float) -> None:
    """A file of the release before has no ``seen`` column: add it, its rows counted as seen
    now (the other shard may be adding it at the same moment)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(kept)")}
    if "seen" in columns:
        return
    try:
        db.execute("ALTER TABLE kept ADD COLUMN seen REAL NOT NULL DEFAULT 0")
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):
            raise
    db.execute("UPDATE kept SET seen = ? WHERE seen = 0", (now,))


def _forget_old_files(folder: Path) -> None:
    """Entries of the release before (``<sha1>.kept``, a file each) are never read again:
    removed once, so the folder holds only what is used."""
    for old in folder.glob("*.kept"):
        with contextlib.suppress(OSError):
            old.unlink()
