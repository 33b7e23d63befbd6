"""The HTTP cache's entries (monitor.sweep.kept_answers) survive from one sweep to the next, and
a shard that finds the file busy with the other shard's write neither fails nor waits long:
its entries wait for the next batch."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from monitor.sweep.kept_answers import BUSY_MS, FILE_NAME, KeptAnswers


def test_entries_are_read_back_before_and_after_they_are_written(tmp_path: Path) -> None:
    kept = KeptAnswers(tmp_path / "http-cache")
    kept.put("a", b"satu")
    assert kept.get("a") == b"satu"  # still pending: read from memory
    kept.flush_last()
    assert KeptAnswers(tmp_path / "http-cache").get("a") == b"satu"  # the next sweep's view
    assert KeptAnswers(tmp_path / "http-cache").get("b") is None


def test_a_busy_file_delays_a_batch_without_failing(tmp_path: Path) -> None:
    folder = tmp_path / "http-cache"
    kept = KeptAnswers(folder)
    other = sqlite3.connect(folder / FILE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other shard is writing
    kept.put("a", b"satu")
    started = time.monotonic()
    kept.flush()
    assert time.monotonic() - started < BUSY_MS / 1000 + 1  # the loop is not held long
    assert kept.get("a") == b"satu"  # still pending
    other.execute("COMMIT")
    kept.flush()
    assert KeptAnswers(folder).get("a") == b"satu"


def test_entries_of_the_release_before_are_removed(tmp_path: Path) -> None:
    """They were a file each; nothing reads them now."""
    folder = tmp_path / "http-cache"
    folder.mkdir()
    (folder / "0a1b.kept").write_bytes(b'{"key": "x"}\n')
    (folder / "catatan.txt").write_text("punya operator")
    KeptAnswers(folder)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(FILE_NAME)) == [
        "catatan.txt"]


def test_two_shards_opening_a_new_file_at_once_both_keep_their_entries(tmp_path: Path) -> None:
    """The first sweep's shards create the file together; one must not lose its cache
    because the other was switching the file to WAL at that instant."""
    folder = tmp_path / "http-cache"
    folder.mkdir()
    holder = sqlite3.connect(folder / FILE_NAME, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # the other shard, mid-setup
    threading.Timer(0.5, holder.execute, ("COMMIT",)).start()  # ... done after 0.5 s
    kept = KeptAnswers(folder)  # waits instead of failing
    kept.put("a", b"satu")
    kept.flush_last()
    assert KeptAnswers(folder).get("a") == b"satu"


DAY = 86_400.0


def test_entries_nobody_uses_for_a_month_are_removed_and_used_ones_stay(tmp_path: Path) -> None:
    """A WordPress update renames every stylesheet (``?ver=``) and sites leave targets.csv:
    without this the file only grows. An entry a weekly sweep still reads must stay."""
    folder = tmp_path / "http-cache"
    start = 1_800_000_000.0
    kept = KeptAnswers(folder, clock=lambda: start)
    kept.put("style.css?ver=6.4.1", b"old theme")
    kept.put("feed", b"rss")
    kept.flush_last()
    for week in range(1, 7):  # six weekly sweeps read the feed only
        now = start + week * 7 * DAY
        sweep = KeptAnswers(folder, clock=lambda: now)  # noqa: B023 - used in this loop only
        assert sweep.get("feed") == b"rss"
        sweep.flush_last()
    after = KeptAnswers(folder, clock=lambda: start + 6 * 7 * DAY + 1)
    assert after.get("feed") == b"rss"
    assert after.get("style.css?ver=6.4.1") is None


def test_a_file_of_the_release_before_keeps_its_entries_for_a_month(tmp_path: Path) -> None:
    folder = tmp_path / "http-cache"
    folder.mkdir()
    old = sqlite3.connect(folder / FILE_NAME)
    old.execute("CREATE TABLE kept (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    old.execute("INSERT INTO kept VALUES ('feed', x'727373')")
    old.commit()
    old.close()
    start = 1_800_000_000.0
    assert KeptAnswers(folder, clock=lambda: start).get("feed") == b"rss"
    assert KeptAnswers(folder, clock=lambda: start + 29 * DAY).get("other") is None
    assert KeptAnswers(folder, clock=lambda: start + 31 * DAY).get("feed") is None
