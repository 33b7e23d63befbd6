"""The request limiter and the body budget (monitor/sweep/limits.py): memory stays bounded
whatever sites send, and no limit can leave the sweep waiting for ever."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.sweep.limits import BodyBudget, RequestLimiter
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

PIECE = 65_536


async def _site(budget: BodyBudget, size: int, log: list[int]) -> None:
    """Read a body of ``size`` in 64 KB pieces, hold it a moment, then let go."""
    lease = budget.lease()
    read = 0
    while read < size:
        piece = min(PIECE, size - read)
        read += piece
        await lease.grow(piece, size - read)
        log.append(budget.held)
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)  # the checks
    lease.release()


def test_bodies_in_flight_stay_within_the_budget_and_every_site_finishes() -> None:
    async def go() -> tuple[BodyBudget, list[int]]:
        budget = BodyBudget(1_000_000, free=100_000)
        log: list[int] = []
        await asyncio.wait_for(asyncio.gather(*(_site(budget, 500_000, log)
                                                for _ in range(20))), 30)
        return budget, log

    budget, log = asyncio.run(go())
    assert budget.held == 0 and budget.waits > 0
    assert max(log) <= 1_000_000 and budget.peak <= 1_000_000
    assert budget.peak >= 800_000  # it was used, not just refused


def test_small_bodies_never_ask_the_budget() -> None:
    async def go() -> BodyBudget:
        budget = BodyBudget(1, free=100_000)
        await asyncio.gather(*(_site(budget, 90_000, []) for _ in range(50)))
        return budget

    budget = asyncio.run(go())
    assert (budget.peak, budget.waits) == (0, 0)


def test_a_budget_smaller_than_one_body_slows_the_sweep_but_never_stops_it() -> None:
    async def go() -> BodyBudget:
        budget = BodyBudget(10_000, free=0)
        await asyncio.wait_for(asyncio.gather(*(_site(budget, 300_000, [])
                                                for _ in range(5))), 30)
        return budget

    assert asyncio.run(go()).held == 0


def test_a_site_cancelled_while_waiting_leaves_nothing_held() -> None:
    async def go() -> BodyBudget:
        budget = BodyBudget(500_000, free=0)
        first = budget.lease()
        await first.grow(400_000, 0)
        waiting = asyncio.create_task(budget.lease().grow(400_000, 0))
        third = asyncio.create_task(budget.lease().grow(50_000, 0))
        await asyncio.sleep(0.01)
        assert not waiting.done() and not third.done()  # first come, first served
        waiting.cancel()
        await asyncio.sleep(0.01)
        assert third.done()
        first.release()
        return budget

    budget = asyncio.run(go())
    assert budget.held == 50_000  # the third lease still holds its grant


@pytest.mark.parametrize("bad", [0, -1])
def test_a_limit_below_one_is_raised_to_one(bad: int) -> None:
    async def go() -> int:
        limiter = RequestLimiter(bad, bad)
        done = 0

        async def one() -> None:
            nonlocal done
            async with limiter.slot("host"):
                done += 1

        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(5))), 5)
        return done

    assert asyncio.run(go()) == 5


def test_a_sweep_of_big_pages_holds_no_more_than_its_budget(
    fleet_factory: Callable[[list[FleetSite]], Fleet],
) -> None:
    """Eight 500 KB pages fetched at once with room for one: they queue, all are judged."""
    body = "<html><body>" + "<p>Warta kelurahan hari ini.</p>" * 16_000 + "</body></html>"
    fleet = fleet_factory([FleetSite(f"s{i}", {"/": Page(body=body)}) for i in range(8)])
    targets = [Target(n, "kelurahan", n, "Uji", fleet.url(n), ()) for n in fleet.sites]
    options = SweepOptions(timeout=20, concurrency=8, retry_pause=0, inflight_bytes=600_000,
                           only_checks=("availability",))

    async def sweep() -> tuple[Sweeper, list[bool]]:
        sweeper = Sweeper(options)
        found = [bool(r.fields().get("available")) async for r in sweeper.run(targets)]
        return sweeper, found

    sweeper, found = asyncio.run(sweep())
    assert found == [True] * 8
    assert 0.3 < sweeper.stats["inflight_peak_mb"] <= 0.6


def test_waiting_for_memory_does_not_count_against_a_sites_deadline() -> None:
    """A site queued behind others for memory must not time out for it (a false 'down')."""
    async def go() -> None:
        budget = BodyBudget(1_000, free=0)
        holder = budget.lease()
        await holder.grow(1_000, 0)
        asyncio.get_running_loop().call_later(0.5, holder.release)
        async with asyncio.timeout(0.2) as deadline:
            await budget.lease().grow(1_000, 0, deadline)
            when = deadline.when()
            assert when is not None
            assert when - asyncio.get_running_loop().time() > 0.1  # moved on by the wait

    asyncio.run(go())


def test_a_waiter_dropped_by_the_queue_and_cancelled_leaves_nothing_behind() -> None:
    """A wait cancelled by its site's deadline used to raise 'not in deque' when the queue
    had already dropped it: a false 'other' on that site."""
    async def go() -> BodyBudget:
        budget = BodyBudget(1_000, free=0)
        holder = budget.lease()
        await holder.grow(1_000, 0)
        waiting = asyncio.create_task(budget.lease().grow(1_000, 0))
        await asyncio.sleep(0)
        waiting.cancel()
        holder.release()  # wakes the queue while the cancelled waiter is still in it
        with pytest.raises(asyncio.CancelledError):
            await waiting
        return budget

    budget = asyncio.run(go())
    assert budget.held == 0 and not budget._queue


@pytest.mark.usefixtures("both_loops")
def test_the_sweeps_own_connections_can_be_paused_too(
    fleet_factory: Callable[[list[FleetSite]], Fleet],
) -> None:
    """The budget bounds memory only if a waiting site's connection stops reading from its
    socket: the transport found for the pause must be the socket's own (under TLS too), and
    a body paused and resumed mid-way must still arrive whole."""
    from monitor.sweep.fetch import FetchConfig, _transport_of, new_client

    body = "x" * 2_000_000
    fleet = fleet_factory([FleetSite("plain", {"/": Page(body=body)}),
                           FleetSite("tls", {"/": Page(body=body)}, tls="valid")])

    async def read_paused(name: str) -> tuple[object, bool, int]:
        context = fleet.client_ssl_context()
        async with new_client(FetchConfig(), context) as client, \
                client.stream(fleet.url(name)) as response:
            transport = _transport_of(response)  # uvloop's is no asyncio.ReadTransport subclass
            assert transport is not None
            transport.pause_reading()
            await asyncio.sleep(0.3)  # the server keeps sending meanwhile
            paused = not transport.is_reading()
            transport.resume_reading()
            return transport, paused, sum([len(p) async for p in response.aiter_raw()])

    for name in ("plain", "tls"):
        transport, paused, size = asyncio.run(read_paused(name))
        assert paused and size == len(body), name
        # the TCP socket's own transport, not a TLS layer over it
        assert type(transport).__name__ in ("_SelectorSocketTransport", "TCPTransport"), name


def test_a_sweep_raises_the_open_files_limit_it_may_need() -> None:
    """At concurrency 500 with six connections a site, the usual soft limit of 1,024
    descriptors would run out and healthy sites be recorded down because of us."""
    import resource

    from monitor.sweep.limits import OPEN_FILES_SPARE, open_files_for

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, soft), hard))
        wanted = 300 * 6 + OPEN_FILES_SPARE
        got = open_files_for(300, 6)
        now = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        assert now == got
        assert now >= wanted or now == hard  # the hard limit is the most it may take
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
