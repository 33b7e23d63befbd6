"""Spread a large sweep over processes: one event loop per core.

Measured on the 2-core development machine: a site costs milliseconds of CPU (HTTP, parsing,
the checks), so one event loop saturates one core and the second core idles. For a large
fleet the targets are split into shards by host (a host never spans two shards, so the
per-host connection limit still holds), each shard runs its own Sweeper in a process of its
own (``shard_context``), and results stream back to the parent over a pipe each. Pipes, not
multiprocessing.Queue: a Queue pickles in a feeder thread, and any thread beside a busy event
loop makes the loop's socket calls wait for the GIL (the convoy effect), which doubled the CPU
per site here. Small fleets (the city's 147 areas) stay in one process: starting a process
costs more than it saves.

Shards are not daemonic: each owns a worker process for big pages (monitor.sweep.offloop),
and a daemonic process may not have children. So the parent ends them itself, in a
``finally`` that runs however the sweep ends (terminate, then kill). A shard that dies
midway costs only its own unfinished sites: each gets a result naming the failure. So does
one that cannot start at all (the fork server's failure is first retried as a spawn).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import struct
import sys
import zlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any

from monitor.core.snapshot import PreviousFinding
from monitor.sweep.fetch import host_of
from monitor.sweep.meter import merge_all
from monitor.targets.loader import Target

if TYPE_CHECKING:  # the fork server's context does not exist on every platform
    from multiprocessing.context import ForkServerContext, SpawnContext

log = logging.getLogger(__name__)

Previous = Mapping[str, dict[str, PreviousFinding]]
SHARD_FROM = 500  # sites; below this one process is cheaper than spawning more


def shard_count(options: Any, size: int) -> int:
    """Processes a sweep of ``size`` targets runs in (1: this one)."""
    if options.browser:
        return 1  # one Chromium per sweep: the browser, not the CPU, sets the pace
    if options.shards is not None:
        return max(1, int(options.shards))
    return min(usable_cores(), 4) if size >= SHARD_FROM else 1


def usable_cores() -> int:
    """The cores this process may run on: a container's cpuset or ``taskset`` leaves fewer
    than the machine has (``os.cpu_count``), and two shards on one core only take turns."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on this platform (macOS, Windows)
        return os.cpu_count() or 1


def split(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """Targets grouped so that all sites of one host land in the same shard."""
    shards: list[list[Target]] = [[] for _ in range(count)]
    for target in targets:
        key = host_of(target.url) if target.url else target.code
        shards[zlib.crc32(key.encode()) % count].append(target)
    return [s for s in shards if s]


def shard_context(entry: Callable[..., None]) -> ForkServerContext | SpawnContext:
    """Where shard processes come from: a fork server where the platform has one, else spawn.

    Not ``fork``: the parent runs threads (the sweep's hard watchdog, the SQLite lock's
    heartbeat), and forking a process with threads is unsafe. A spawned shard starts a fresh
    interpreter and imports the program's main module again, then the sweeper: 1.2 s of CPU
    per shard per sweep under ``benchmarks/sweep.py``, ~1.6 s under the ``monitor`` command,
    which imports all of the CLI. The fork server is one single-threaded process, started
    once by the first sharded sweep (or earlier, ``start_server``), that imports them once
    (this program's modules, then ``entry``'s); each shard is then forked from it in
    milliseconds, with nothing left to import. It ends with this process.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Read when the server starts; later calls, once it runs, change nothing. Python 3.11's
    # server never imports "__main__" itself (it looks for a key its own caller does not
    # set), so each shard would import the main module again: with this program's own
    # modules already loaded, that import only re-runs the main module's top level.
    ours = sorted(name for name in sys.modules if name.partition(".")[0] == "monitor")
    context.set_forkserver_preload(["__main__", entry.__module__, *ours])
    return context


def start_server(entry: Callable[..., None]) -> None:
    """Start the fork server now, so that it imports the program while the caller does its
    own work before the sweep (the store's writes and reads: about a second at 10,000
    sites); the first shard then forks at once instead of waiting for those imports. Best
    effort: a server that cannot start is met again, and handled, when the shards start."""
    if shard_context(entry).get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    try:
        forkserver.ensure_running()
    except Exception as exc:  # noqa: BLE001 - the shards' start falls back to spawning
        log.warning("the fork server for the sweep's shards could not start early: %s", exc)


def _start(contexts: Sequence[ForkServerContext | SpawnContext], entry: Callable[..., None],
           name: str, args: tuple[Any, ...]) -> tuple[BaseProcess, Connection]:
    """One started shard and the end of its results pipe, from the first of ``contexts``
    that can start it: a shard the fork server cannot start (it was killed, or cannot fork)
    is spawned instead. If none can, the error is the caller's, for the shard's sites."""
    for context in contexts:
        receive, send = context.Pipe(duplex=False)
        proc = context.Process(target=entry, daemon=False, name=name, args=(*args, send))
        try:
            proc.start()
        except Exception as exc:
            receive.close()
            if context is contexts[-1]:
                raise
            log.warning("the fork server could not start a sweep shard (%s): spawning it", exc)
            continue
        finally:
            send.close()  # the child holds its end; EOF then means the child is gone
        return proc, receive
    raise AssertionError("unreachable: the last context raises")


async def run_sharded(
    targets: Sequence[Target], previous: Previous, options: Any, count: int,
    stats: dict[str, float], entry: Callable[..., None],
    failed: Callable[[Target, str], Any],
) -> AsyncIterator[Any]:
    """Yield SiteResults from ``count`` shard processes as they arrive, one per target.

    ``entry(targets, previous, options, connection)`` runs in each child and ``failed(target,
    detail)`` makes the result of a site whose shard died; the sweeper passes its own, so this
    module needs nothing from it (and the two do not import each other).
    """
    groups = split(targets, count)
    # the connection limit and the memory budget are the sweep's, shared out
    per_shard = replace(options, concurrency=max(1, options.concurrency // len(groups)),
                        inflight_bytes=max(1, options.inflight_bytes // len(groups)))
    contexts = [shard_context(entry)]
    if contexts[0].get_start_method() != "spawn":
        contexts.append(multiprocessing.get_context("spawn"))
    procs: list[BaseProcess] = []
    pipes: dict[int, Connection] = {}
    arrived: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
    transports: list[asyncio.BaseTransport] = []
    waiting = [{t.code: t for t in group} for group in groups]
    try:
        for i, group in enumerate(groups):
            args = (group, {t.code: previous.get(t.code, {}) for t in group}, per_shard)
            try:
                proc, pipes[i] = _start(contexts, entry, f"sweep-shard-{i}", args)
            except Exception as exc:  # noqa: BLE001 - out of processes or memory, a dead server
                log.error("a sweep shard process could not start: %s", exc)
                why = f"the sweep process for this site could not start: {exc}"[:300]
                for target in waiting[i].values():
                    yield failed(target, why)
                continue
            procs.append(proc)
        running = set(pipes)
        for shard, conn in pipes.items():
            transports.append(await PipeReceiver.open(conn, shard, arrived))
        while running:
            shard, message = await arrived.get()
            if shard not in running:  # the end of a pipe whose shard said "done"
                continue
            if message is GONE:
                running.discard(shard)
                left = waiting[shard]
                log.error("a sweep shard process died with %d site(s) unfinished", len(left))
                for target in left.values():
                    yield failed(target, "the sweep process checking this site died")
                continue
            kind, payload = message
            if kind == "done":
                running.discard(shard)
                merge_all(stats, payload)
            else:
                waiting[shard].pop(payload.code, None)
                yield payload
    finally:
        for transport in transports:
            transport.close()
        for conn in pipes.values():
            conn.close()
        _end(procs)


GONE = object()  # PipeReceiver's message when a pipe ends
_LENGTH = struct.Struct("!i")  # Connection.send's frame: this length, then the pickle


def _own_copy(connection: Connection, mode: str) -> Any:
    """A file over a copy of ``connection``'s descriptor, for a pipe transport to own and
    close (the caller still closes ``connection``)."""
    return os.fdopen(os.dup(connection.fileno()), mode, buffering=0)


class PipeReceiver(asyncio.Protocol):
    """The parent's end of one shard's results pipe, read by the event loop itself.

    It replaced a thread that waited on the pipes (``asyncio.to_thread(wait, ...)``) and a
    ``recv`` per result: a thread hop per result, on two cores shared with the shards, and a
    second thread wanting the GIL beside the parent's loop. The bytes are
    ``Connection.send``'s (and ``PipeSender``'s): a 4-byte big-endian length, then the
    pickle. Each message is put on ``arrived`` as ``(shard, message)``; the end of the pipe
    (the shard exited or died) as ``(shard, GONE)``, after whatever it sent before."""

    def __init__(self, shard: int, arrived: asyncio.Queue[tuple[int, Any]]) -> None:
        self._shard = shard
        self._arrived = arrived
        self._buffer = bytearray()

    @classmethod
    async def open(cls, connection: Connection, shard: int,
                   arrived: asyncio.Queue[tuple[int, Any]]) -> asyncio.BaseTransport:
        """A reader over a copy of ``connection``'s descriptor (``_own_copy``)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.connect_read_pipe(lambda: cls(shard, arrived),
                                                    _own_copy(connection, "rb"))
        return transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        start = 0
        while len(buffer) - start >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer, start)
            if size < 0:  # a message over 2 GB: never sent by PipeSender
                raise ValueError("a shard sent a message too large to read")
            body = start + _LENGTH.size
            if len(buffer) - body < size:
                break
            message = ForkingPickler.loads(bytes(buffer[body:body + size]))
            start = body + size
            self._arrived.put_nowait((self._shard, message))
        if start:
            del buffer[:start]

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:  # e.g. bytes that do not unpickle: say so, not only "died"
            log.error("reading sweep shard %d's results failed: %r", self._shard, exc)
        self._arrived.put_nowait((self._shard, GONE))


class PipeSender(asyncio.Protocol):
    """A shard's end of its results pipe, written by the event loop without blocking it.

    ``Connection.send`` blocks while the pipe is full, that is while the parent is busy (a
    database write, a garbage collection): measured in the 10,000-site benchmark's second
    sweep, the shards' loops then stalled for up to 1.2 s, and every site in flight lost that
    time from its deadline. Here a message waits in the transport's buffer instead. The bytes
    are ``Connection.send``'s own (a 4-byte big-endian length, then the pickle), read by the
    parent's ``PipeReceiver``."""

    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self._closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, connection: Connection) -> PipeSender:
        """A sender over a copy of ``connection``'s descriptor (``_own_copy``)."""
        loop = asyncio.get_running_loop()
        transport, sender = await loop.connect_write_pipe(cls, _own_copy(connection, "wb"))
        sender.transport = transport
        return sender

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._closed.done():
            self._closed.set_result(None)

    def send(self, message: object) -> None:
        data = bytes(ForkingPickler.dumps(message))
        assert self.transport is not None
        self.transport.write(_LENGTH.pack(len(data)) + data)

    async def close(self) -> None:
        """Everything written reaches the pipe (or the parent is gone) before this returns."""
        assert self.transport is not None
        self.transport.close()
        await self._closed


def _end(procs: Sequence[BaseProcess]) -> None:
    """Stop every shard, whatever state it is in (they are not daemonic: nobody else will)."""
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
