"""The check gate: however many sites are ready to run a check at once, one event-loop step
runs only as many checks as fit in its slice, so sockets and timers are served between."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from monitor.sweep.gate import CheckGate

CHECK_S = 0.005  # a check's CPU, busy-waited so that it holds the loop like real work


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def run_checks(gate: CheckGate | None, sites: int, checks: int) -> Counter[int]:
    """How many checks ran in each loop step (steps numbered by a callback that re-arms
    itself once per step)."""
    step = 0
    running = True

    def tick() -> None:
        nonlocal step
        step += 1
        if running:
            asyncio.get_running_loop().call_soon(tick)

    asyncio.get_running_loop().call_soon(tick)
    per_step: Counter[int] = Counter()

    async def site() -> None:
        for _ in range(checks):
            if gate is None:
                await asyncio.sleep(0)
            else:
                await gate.turn()
            per_step[step] += 1
            busy(CHECK_S)

    await asyncio.gather(*(site() for _ in range(sites)))
    running = False
    return per_step


def test_a_loop_step_runs_no_more_checks_than_fit_in_the_slice() -> None:
    per_step = asyncio.run(run_checks(CheckGate(slice_s=0.02), sites=60, checks=3))
    assert sum(per_step.values()) == 180  # every check ran
    # 20 ms of 5 ms checks: four fit, the fifth starts just before the slice ends
    assert max(per_step.values()) <= 5


def test_without_the_gate_all_ready_sites_check_in_one_step() -> None:
    """What the gate prevents: 60 ready sites run 60 checks (300 ms) in one loop step."""
    per_step = asyncio.run(run_checks(None, sites=60, checks=3))
    assert max(per_step.values()) == 60


def test_a_cancelled_waiter_does_not_block_the_others() -> None:
    async def scenario() -> int:
        gate = CheckGate(slice_s=0.001)
        done = 0

        async def site() -> None:
            nonlocal done
            for _ in range(2):
                await gate.turn()
                busy(0.002)
            done += 1

        tasks = [asyncio.create_task(site()) for _ in range(10)]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        tasks[5].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return done

    assert asyncio.run(scenario()) == 9
