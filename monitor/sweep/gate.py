"""A bound on the CPU-bound work one event-loop step may do.

The checks run on the event loop (a thread beside it costs more: the GIL convoy described in
``sweeper.py``), one check per task step. But with 500 sites in flight, hundreds of them can
be ready to run a check in the same loop step: asyncio runs every ready callback before it
polls the sockets again, so one step then lasts hundreds of checks (seconds, measured), and
healthy sites time out on our side. ``CheckGate.turn`` lets checks start in a loop step only
until ``slice_s`` has passed since the step's first check; the others wait in line for a
later step, so timers and sockets are served at least every ``slice_s`` plus one check.

Waiters are woken a few at a time, as many as the slice is likely to hold (from the average
time a turn took), first come first served: waking all of them each step made every waiter
run, find the step full and wait again, which cost more CPU than it saved.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

SLICE_S = 0.02  # the "nothing over ~20 ms of CPU on the loop"


class CheckGate:
    """One per event loop (per Sweeper.run)."""

    def __init__(self, slice_s: float = SLICE_S) -> None:
        self._slice = slice_s
        self._started: float | None = None  # first turn of the current loop step
        self._turns = 0  # turns taken in the current loop step
        self._per_turn = 0.002  # running average of a turn's length (s)
        self._line: deque[asyncio.Future[None]] = deque()

    def _full(self) -> bool:
        return self._started is not None and time.perf_counter() - self._started >= self._slice

    async def turn(self) -> None:
        """Yield to the loop, then wait until a loop step has room for one more check."""
        await asyncio.sleep(0)
        if self._full() or self._line:
            future = asyncio.get_running_loop().create_future()
            self._line.append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future in self._line:
                    self._line.remove(future)
                raise
        if self._started is None:
            self._started = time.perf_counter()
            self._turns = 0
            # call_soon runs in the next loop step: the callbacks ready now are this step's
            asyncio.get_running_loop().call_soon(self._new_step)
        self._turns += 1

    def _new_step(self) -> None:
        assert self._started is not None
        if self._turns:
            took = (time.perf_counter() - self._started) / self._turns
            self._per_turn = 0.8 * self._per_turn + 0.2 * took
        self._started = None
        for _ in range(max(1, int(self._slice / max(self._per_turn, 1e-4)))):
            if not self._line:
                break
            future = self._line.popleft()
            if not future.done():
                future.set_result(None)
        if self._line:  # nobody may start a turn this step: wake the next ones later
            self._started = time.perf_counter()
            self._turns = 0
            asyncio.get_running_loop().call_soon(self._new_step)
