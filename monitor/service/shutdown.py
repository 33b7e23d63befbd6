"""SIGTERM stops a command the way Ctrl-C does: cleanly.

systemd, ``kill`` and container runtimes stop a process with SIGTERM, whose default action ends
Python at once: no ``finally`` runs, so a sweep would stay marked ``running`` until the next
sweep notices. Raising ``Terminated`` (a KeyboardInterrupt) instead unwinds the stack: asyncio
cancels the sweep's tasks, the results already stored stay, and ``run_sweep`` marks its sweep
``incomplete`` before the CLI exits with status 1. A second SIGTERM gets the default action, so
an operator can always force the stop.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated(f"stopped by signal {signal.Signals(signum).name}")


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` in the main thread (elsewhere: no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
