"""SIGTERM stops a command the way Ctrl-C does: cleanly.

systemd, ``kill`` and container runtimes stop a process with SIGTERM, whose default action ends
Python at once: no ``finally`` runs, so a sweep would stay marked ``running`` until the next
sweep notices. Raising ``Terminated`` (a KeyboardInterrupt) instead unwinds the stack: asyncio
cancels the sweep's tasks, the results already stored stay, and ``run_sweep`` marks its sweep
``incomplete`` before the CLI exits with status 1. A second SIGTERM gets the default action, so
an operator can always force the stop.

While an event loop runs (a sweep), the exception is raised by the loop between two callbacks,
never inside whatever the main thread was doing when the signal came: raised in the middle of
a database write (results are stored on the loop), it could leave a SQLite connection holding
the write lock, and the writes that store the unsaved batch and mark the sweep ``incomplete``
then waited out the 30 s busy timeout (seen in CI as a stop that took over 30 s).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    stop = Terminated(f"stopped by signal {signal.Signals(signum).name}")
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: unwind from here
        raise stop from None
    # A KeyboardInterrupt raised by a callback leaves run_until_complete; asyncio.run then
    # cancels the sweep's tasks, whose cleanup stores what was finished.
    loop.call_soon_threadsafe(_raise, stop)


def _raise(stop: Terminated) -> None:
    raise stop


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
