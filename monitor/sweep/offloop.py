"""Work too heavy for the event loop (judging a 5 MB page), in one child process with a deadline.

Why not ``concurrent.futures.ProcessPoolExecutor``: a pool cannot be started inside a daemonic
process (the sweep's shards were daemonic: "daemonic processes are not allowed to have
children"), a dead worker breaks the pool for good (``BrokenProcessPool`` on every later call),
a job that never ends keeps the pool's only worker busy for ever, and the pool runs a manager
thread beside the event loop. Here one spawned child takes one job at a time over a pipe; the
loop waits for its answer with ``add_reader`` (no thread); a job past its deadline gets the
child killed, and a dead child is simply replaced on the next call. Each sweep process (the
single one, or each shard) owns its own worker.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

START_S = 120.0  # a spawned child imports lxml and the checks: ~1 s, far more on a busy host


class OffLoopError(Exception):
    """The off-loop job did not give an answer: too slow, worker died, or the job raised."""


def _serve(conn: Connection, preload: tuple[str, ...]) -> None:
    """The child: import what the jobs need, say so, then run (func, args) jobs until the
    parent closes the pipe."""
    # Ctrl-C reaches the whole process group; the parent decides when this child ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for module in preload:
        importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", func(*args))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which records it
            answer = ("error", f"{type(exc).__name__}: {exc}"[:300])
        conn.send(answer)


class OffLoopWorker:
    """One child process, one job at a time, each job within ``deadline`` seconds of starting.

    Neither waiting for the previous job nor starting the child (``preload``: modules it
    imports before it says it is ready) counts against a job's deadline."""

    def __init__(self, deadline: float, preload: tuple[str, ...] = ()) -> None:
        self.deadline = deadline
        self.preload = preload
        self.started = 0  # children started (a replaced worker counts again)
        self._context = multiprocessing.get_context("spawn")  # fork after threads is unsafe
        self._proc: BaseProcess | None = None
        self._conn: Connection | None = None
        self._turn = asyncio.Lock()

    async def call(self, func: Callable[..., T], *args: Any) -> T:
        async with self._turn:
            conn = await self._ready()
            try:
                conn.send((func, args))
                async with asyncio.timeout(self.deadline):
                    await _readable(conn)
                kind, payload = conn.recv()
            except TimeoutError:
                self._stop(f"no answer within {self.deadline:g} s")
                raise OffLoopError(f"off-loop work took over {self.deadline:g} s; "
                                   "its worker was stopped") from None
            except (EOFError, OSError) as exc:
                code = self._proc.exitcode if self._proc is not None else None
                self._stop("it died")
                raise OffLoopError(f"off-loop worker died (exit code {code}): "
                                   f"{type(exc).__name__}") from None
            except BaseException:  # cancelled mid-job: the answer would come out of turn
                self._stop("its job was cancelled")
                raise
        if kind != "ok":
            raise OffLoopError(f"off-loop work raised {payload}")
        return payload  # type: ignore[no-any-return]

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def _ready(self) -> Connection:
        if self._proc is not None and self._conn is not None and self._proc.is_alive():
            return self._conn
        if self._proc is not None:
            self._stop("it was no longer running")
        mine, theirs = self._context.Pipe(duplex=True)
        # daemonic: it dies with its parent, and it never needs children of its own
        proc = self._context.Process(target=_serve, args=(theirs, self.preload),
                                     daemon=True, name="sweep-offloop")
        try:
            proc.start()
        except Exception as exc:  # noqa: BLE001 - e.g. out of processes or memory
            mine.close()
            raise OffLoopError(f"off-loop worker could not start: {exc}"[:300]) from None
        finally:
            theirs.close()
        self._proc, self._conn = proc, mine
        self.started += 1
        try:
            async with asyncio.timeout(START_S):
                await _readable(mine)
            mine.recv()
        except (TimeoutError, EOFError, OSError) as exc:
            self._stop("it did not start")
            raise OffLoopError(f"off-loop worker did not start: {type(exc).__name__}") from None
        except BaseException:
            self._stop("its start was cancelled")
            raise
        return mine

    def _stop(self, why: str) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                log.warning("stopping the off-loop worker (pid %s): %s", proc.pid, why)
                proc.kill()
            proc.join(timeout=5)

    def close(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()  # the child sees EOF and returns
        if proc is not None:
            proc.join(timeout=1)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)


async def _readable(conn: Connection) -> None:
    """Wait until ``conn`` has data (or EOF) without a thread: the loop watches its fd."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)
        # uvloop makes a watched fd non-blocking, and the pipe's recv() and send() of a
        # big page then fail half-way (BlockingIOError): they expect a blocking pipe
        os.set_blocking(fd, True)
