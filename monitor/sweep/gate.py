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
        self._armed = False  # a _new_step is scheduled

    def _full(self) -> bool:
        return self._started is not None and time.perf_counter() - self._started >= self._slice

    async def turn(self) -> None:
        """Yield to the loop, then wait until a loop step has room for one more check."""
        await asyncio.sleep(0)
        woken = False
        while self._full() or (self._line and not woken):
            future = asyncio.get_running_loop().create_future()
            if woken:  # woken but the step filled up first: keep our place in line
                self._line.appendleft(future)
            else:
                self._line.append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future in self._line:
                    self._line.remove(future)
                raise
            woken = True
        if self._started is None:
            self._started = time.perf_counter()
            self._turns = 0
            self._arm()
        self._turns += 1

    def _arm(self) -> None:
        """Run ``_new_step`` once in the next loop step (call_soon: the callbacks ready now
        belong to this step)."""
        if not self._armed:
            self._armed = True
            asyncio.get_running_loop().call_soon(self._new_step)

    def _new_step(self) -> None:
        self._armed = False
        if self._started is not None and self._turns:
            took = (time.perf_counter() - self._started) / self._turns
            self._per_turn = 0.8 * self._per_turn + 0.2 * took
        self._started = None  # the first turn of the coming step starts its slice
        for _ in range(max(1, int(self._slice / max(self._per_turn, 1e-4)))):
            if not self._line:
                break
            future = self._line.popleft()
            if not future.done():
                future.set_result(None)
        if self._line:
            self._arm()
