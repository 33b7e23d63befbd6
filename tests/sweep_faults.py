"""Faults of our own code, injected into a sweep for the tests that prove every sweep ends.

The big-page worker is a spawned process: it finds functions again by module and name, so a
replacement for ``sweeper._run_named`` must live in an importable module (this one), not in a
test function. ``python tests/sweep_faults.py stuck-check ARGS...`` runs `monitor ARGS` with a
check that blocks the event loop for ever (only the watchdog thread can end that sweep).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

from monitor.checks import CheckOutcome
from monitor.core.snapshot import Snapshot
from monitor.sweep import sweeper
from monitor.sweep.result import failed_result

KILL_CODE = "boom"  # the site whose judging kills the worker process
REAL_RUN_NAMED = sweeper._run_named


def run_named_or_die(snapshot: Snapshot, options: dict[str, Any],
                     names: tuple[str, ...]) -> list[CheckOutcome]:
    """In the worker: SIGKILL ourselves (as the OOM killer would) for KILL_CODE."""
    if snapshot.code == KILL_CODE:
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_RUN_NAMED(snapshot, options, names)


def run_named_slowly(snapshot: Snapshot, options: dict[str, Any],
                     names: tuple[str, ...]) -> list[CheckOutcome]:
    """In the worker: never finish for KILL_CODE (a parser stuck on a hostile page)."""
    if snapshot.code == KILL_CODE:
        time.sleep(3600)
    return REAL_RUN_NAMED(snapshot, options, names)


def shard_that_dies(targets: list[Any], previous: Any, options: Any, out: Any) -> None:
    """A shard process that reports its first site, then dies (a segfault in a parser)."""
    out.send(("result", failed_result(targets[0], "sent before dying")))
    os._exit(139)


def _stuck_check() -> None:
    from monitor import checks

    class Stuck:
        name = "stuck"

        def plan(self, snapshot: Snapshot) -> list[Any]:
            return []

        def run(self, snapshot: Snapshot, options: Any) -> Any:
            if snapshot.code == KILL_CODE:
                while True:  # the loop never runs again: asyncio timers cannot fire
                    time.sleep(1)
            raise RuntimeError("not judged")

    checks.CHECKS = (*checks.CHECKS, Stuck())


if __name__ == "__main__":
    if sys.argv[1] == "stuck-check":
        from monitor.cli import main
        from monitor.service import watchdog

        watchdog.HARD_GRACE_S = float(os.environ.get("TEST_HARD_GRACE", "2"))
        watchdog.LOOK_EVERY_S = 0.5
        _stuck_check()
        main(sys.argv[2:])
