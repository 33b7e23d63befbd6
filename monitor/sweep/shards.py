"""Spread a large sweep over processes: one event loop per core.

Measured on the 2-core development machine: a site costs milliseconds of CPU (HTTP, parsing,
the checks), so one event loop saturates one core and the second core idles. For a large
fleet the targets are split
into shards by host (a host never spans two shards, so the per-host connection limit still
holds), each shard runs its own Sweeper in a spawned process, and results stream back to the
parent over a pipe each. Pipes, not multiprocessing.Queue: a Queue pickles in a feeder
thread, and any thread beside a busy event loop makes the loop's socket calls wait for the
GIL (the convoy effect), which doubled the CPU per site here. Small fleets (the city's 147
areas) stay in one process: starting a process costs more than it saves.

Shards are not daemonic: each owns a worker process for big pages (monitor.sweep.offloop),
and a daemonic process may not have children. So the parent ends them itself, in a
``finally`` that runs however the sweep ends (terminate, then kill). A shard that dies
midway costs only its own unfinished sites: each gets a result naming the failure.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import struct
import zlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any

from monitor.core.snapshot import PreviousFinding
from monitor.sweep.fetch import host_of
from monitor.sweep.meter import merge_all
from monitor.targets.loader import Target

log = logging.getLogger(__name__)

Previous = Mapping[str, dict[str, PreviousFinding]]


def split(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """Targets grouped so that all sites of one host land in the same shard."""
    shards: list[list[Target]] = [[] for _ in range(count)]
    for target in targets:
        key = host_of(target.url) if target.url else target.code
        shards[zlib.crc32(key.encode()) % count].append(target)
    return [s for s in shards if s]


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
    context = multiprocessing.get_context("spawn")  # fork after threads is unsafe
    groups = split(targets, count)
    # the connection limit and the memory budget are the sweep's, shared out
    per_shard = replace(options, concurrency=max(1, options.concurrency // len(groups)),
                        inflight_bytes=max(1, options.inflight_bytes // len(groups)))
    procs = []
    pipes: list[Connection] = []
    for i, group in enumerate(groups):
        receive, send = context.Pipe(duplex=False)
        procs.append(context.Process(
            target=entry, daemon=False, name=f"sweep-shard-{i}",
            args=(group, {t.code: previous.get(t.code, {}) for t in group}, per_shard, send)))
        pipes.append(receive)
        procs[-1].start()
        send.close()  # the child holds its end; EOF then means the child is gone
    waiting = {id(conn): {t.code: t for t in group}
               for conn, group in zip(pipes, groups, strict=True)}
    try:
        while pipes:
            ready = await asyncio.to_thread(wait, pipes, 1.0)
            for conn in ready:
                assert isinstance(conn, Connection)
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    pipes.remove(conn)
                    left = waiting[id(conn)]
                    log.error("a sweep shard process died with %d site(s) unfinished",
                              len(left))
                    for target in left.values():
                        yield failed(target, "the sweep process checking this site died")
                    continue
                if kind == "done":
                    pipes.remove(conn)
                    merge_all(stats, payload)
                else:
                    waiting[id(conn)].pop(payload.code, None)
                    yield payload
    finally:
        _end(procs)


class PipeSender(asyncio.Protocol):
    """A shard's end of its results pipe, written by the event loop without blocking it.

    ``Connection.send`` blocks while the pipe is full, that is while the parent is busy (a
    database write, a garbage collection): measured in the 10,000-site benchmark's second
    sweep, the shards' loops then stalled for up to 1.2 s, and every site in flight lost that
    time from its deadline. Here a message waits in the transport's buffer instead. The bytes
    are ``Connection.send``'s own (a 4-byte big-endian length, then the pickle), so the
    parent reads them with ``recv`` as before."""

    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self._closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, connection: Connection) -> PipeSender:
        """A sender over a copy of ``connection``'s descriptor (the transport closes its
        copy; the caller still closes ``connection``)."""
        loop = asyncio.get_running_loop()
        pipe = os.fdopen(os.dup(connection.fileno()), "wb", buffering=0)
        transport, sender = await loop.connect_write_pipe(cls, pipe)
        sender.transport = transport
        return sender

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._closed.done():
            self._closed.set_result(None)

    def send(self, message: object) -> None:
        data = bytes(ForkingPickler.dumps(message))
        assert self.transport is not None
        self.transport.write(struct.pack("!i", len(data)) + data)

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
