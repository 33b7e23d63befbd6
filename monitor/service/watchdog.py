"""The sweep watchdog: a sweep that stores nothing for too long is ended, never left hanging.

A hung sweep is worse than a failed one: it keeps the database lock, so every later cron line
and `monitor serve` job says "another sweep is already running" and monitoring silently stops.
Two layers, because one cannot see every hang:

* **on the event loop**: the wait for the next result has a deadline (``stall_seconds``); when
  it passes, the sweep's tasks are cancelled and ``SweepStalled`` unwinds the normal way (what
  was stored stays, the sweep is marked incomplete, the lock is released, exit status 1);
* **a thread**, for a loop that no longer runs at all (a check stuck in C code on the loop):
  ``grace`` seconds after that deadline it marks the sweep incomplete itself, prints the same
  kind of line, ends the child processes and leaves with ``os._exit(1)``. The lock needs no
  release then: PostgreSQL drops the advisory lock with the connection, and a SQLite lock row
  whose process is gone is taken over at once by the next sweep on this host. The thread sleeps
  between looks (every few seconds): it does not compete with the loop for the GIL.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from monitor.core.errors import MonitorError

log = logging.getLogger(__name__)

HARD_GRACE_S = 60.0
LOOK_EVERY_S = 5.0


class SweepStalled(MonitorError):
    """No result for ``stall_seconds``: the sweep was stopped and marked incomplete."""


def stall_limit(setting: float, *, timeout: float, retry_pause: float,
                offloop_timeout: float) -> float:
    """The watchdog's deadline: the setting, but never shorter than the longest a healthy
    site may legitimately take (two attempts, the pause, and a big page judged after
    waiting for the one before it), or a small fleet of slow sites would be stopped."""
    floor = 2 * timeout + retry_pause + 2 * offloop_timeout + 5
    if setting < floor:
        log.info("stall_timeout %.0f s raised to %.0f s (what one slow site may take)",
                 setting, floor)
    return max(setting, floor)


class HardWatchdog:
    """The thread layer (see the module docstring). ``touch()`` on every stored result."""

    def __init__(self, limit: float, on_fire: Callable[[], None], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._on_fire = on_fire
        self._clock = clock
        self._last = clock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True,
                                        name="sweep-watchdog")

    def __enter__(self) -> HardWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=LOOK_EVERY_S + 1)

    def touch(self) -> None:
        self._last = self._clock()

    def _watch(self) -> None:
        while not self._stop.wait(min(LOOK_EVERY_S, self.limit)):
            idle = self._clock() - self._last
            if idle > self.limit:
                self._fire(idle)
                return

    def _fire(self, idle: float) -> None:
        log.critical("sweep stopped: no progress for %.0f s and the sweep did not stop by "
                     "itself; marked incomplete, exiting with status 1", idle)
        try:
            self._on_fire()
        except Exception:
            log.exception("watchdog: marking the sweep incomplete failed")
        for child in multiprocessing.active_children():
            child.kill()
        os._exit(1)
