"""What a sharded sweep costs before its sites: starting its shard processes.

Runs ``--sweeps`` sweeps of ``--n`` targets without a website (no request, no check: each
site is a few microseconds) with ``--shards`` shards, from a program that has imported the
whole CLI first, as the ``monitor`` command has. What each sweep then costs is the shards'
start: CPU of this process and all its descendants (the fork server and the shards it
forks included, read from /proc), and the wall time. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/shard_start.py [--sweeps 3] [--shards 2]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from sweep import cpu_seconds  # benchmarks/sweep.py: the fork server's reaped shards too

import monitor.cli  # noqa: F401 - what the `monitor` command has imported when it sweeps
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target


async def sweep(targets: list[Target], shards: int) -> int:
    return len([r async for r in Sweeper(SweepOptions(shards=shards)).run(targets, {})])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweeps", type=int, default=3)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    targets = [Target(f"n{i:05d}", "kelurahan", f"N {i}", "Uji", "", ())
                for i in range(args.n)]
    for number in range(1, args.sweeps + 1):
        (cpu, _), wall = cpu_seconds(fleet_pid=0), time.perf_counter()
        done = asyncio.run(sweep(targets, args.shards))
        print(f"sweep {number}: {done} sites, {args.shards} shards: "
              f"wall {time.perf_counter() - wall:.2f} s, "
              f"CPU {cpu_seconds(fleet_pid=0)[0] - cpu:.2f} s "
              "(this process and all its descendants)")


if __name__ == "__main__":
    main()
