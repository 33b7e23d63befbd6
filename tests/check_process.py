"""`monitor check` in its own process (as cron runs it), for the lock and stop tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from monitor.demo.fleet import Fleet
from monitor.store import Store


def fleet_targets(write_targets: Callable[..., Path], fleet: Fleet) -> Path:
    """A targets.csv with one kecamatan row and a kelurahan row per fleet site."""
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": name, "level": "kelurahan", "name": name, "kecamatan": "Uji",
              "url": fleet.url(name)} for name in fleet.sites]
    return write_targets(rows)


# Ctrl-C and SIGTERM reach the command as they reach one typed at a terminal: an ignored
# signal and a blocked one are both inherited across exec (a shell's background job ignores
# SIGINT; multiprocessing blocks SIGINT and SIGTERM while it spawns its resource tracker).
# Twice in the full suite the child never acted on the test's Ctrl-C: its stack 30 s later
# showed the sweep still running, untouched. This small program resets both, then becomes
# the command (same process id, so the test's signals reach it).
AS_AT_A_TERMINAL = """import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
os.execv(sys.argv[1], sys.argv[1:])
"""


def start_check(targets: Path, db_url: str, *, timeout: float = 30) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["MONITOR_RETRY_PAUSE"] = "0.1"
    env["MONITOR_BROWSER_AUDIT"] = "off"  # the day's first sweep would audit in Chromium
    env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT then prints every thread's stack (wait_stopped)
    command = [sys.executable, "-m", "monitor", "check", "--targets", str(targets),
               "--db", db_url, "--timeout", str(timeout)]
    return subprocess.Popen(
        [sys.executable, "-c", AS_AT_A_TERMINAL, *command],
        cwd=targets.parent, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_running_sweep(db_url: str, proc: subprocess.Popen[str]) -> int:
    """The id of the sweep ``proc`` is running, once it has begun."""
    store = Store.open(db_url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        running = [s for s in store.sweeps() if s.status == "running"]
        if running:
            assert running[0].id is not None
            return running[0].id
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the sweep never started")


def wait_stopped(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """``proc``'s stderr once it has exited. One that has not exited within ``timeout`` fails
    the test with the stack of every thread it had (SIGABRT and Python's faulthandler), so a
    stop that hangs says where."""
    import signal

    try:
        return proc.communicate(timeout=timeout)[1]
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"still running {timeout:.0f} s after the signal:\n{err}") from None
