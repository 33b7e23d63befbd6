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
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "kept.sqlite"
BATCH = 200  # entries written in one transaction
FLUSH_S = 2.0  # ... or after this long, whichever comes first
BUSY_MS = 200  # how long a flush may wait for another shard's write (on the event loop)
LAST_BUSY_MS = 5000  # ... and the sweep's last flush
MAX_PENDING = 5_000  # entries held while the file stays busy; past it the oldest go


class KeptAnswers:
    """Entries by name, kept in ``folder/kept.sqlite``. Raises ``OSError`` or
    ``sqlite3.Error`` when the folder or the file cannot be used (the caller turns the cache
    off)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # Setting up may wait as long as the last flush: two shards open a new file at the
        # same moment, and switching it to WAL needs it to themselves for an instant.
        self._db = sqlite3.connect(folder / FILE_NAME, timeout=LAST_BUSY_MS / 1000,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost last batch is fine
        self._db.execute("CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, "
                         "data BLOB NOT NULL)")
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        self._pending: dict[str, bytes] = {}
        self._since = 0.0
        _forget_old_files(folder)

    def get(self, name: str) -> bytes | None:
        if (data := self._pending.get(name)) is not None:
            return data
        try:
            row = self._db.execute("SELECT data FROM kept WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("http cache: cannot read an entry: %s", exc)
            return None
        return bytes(row[0]) if row is not None else None

    def put(self, name: str, data: bytes) -> None:
        if not self._pending:
            self._since = time.monotonic()
        self._pending[name] = data
        if len(self._pending) >= BATCH or time.monotonic() - self._since >= FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR REPLACE INTO kept (name, data) VALUES (?, ?)",
                                     self._pending.items())
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:  # busy (another shard writing) or broken: try later
            log.info("http cache: %d entries wait for the next write (%s)",
                     len(self._pending), exc)
            while len(self._pending) > MAX_PENDING:
                del self._pending[next(iter(self._pending))]
            return
        self._pending.clear()

    def flush_last(self) -> None:
        """At a sweep's end: the last batch may wait longer for another shard's write, as
        nothing comes after it."""
        self._db.execute(f"PRAGMA busy_timeout = {LAST_BUSY_MS}")
        try:
            self.flush()
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")


def _forget_old_files(folder: Path) -> None:
    """Entries of the release before (``<sha1>.kept``, a file each) are never read again:
    removed once, so the folder holds only what is used."""
    for old in folder.glob("*.kept"):
        with contextlib.suppress(OSError):
            old.unlink()
