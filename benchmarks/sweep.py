"""Sweep a simulated fleet of N sites and print throughput, CPU per site, the longest
event-loop stall, peak memory, requests per site and where the CPU went.

    python benchmarks/sweep.py [--n 1000] [--concurrency 500] [--timeout 5] [--no-store]

Each site answers after 200-800 ms; 5% never answer. The latency-bound ideal is
N x (mean time a site holds a slot) / concurrency + the deadline, where a never-answering
site holds its slot for 2 x timeout + retry pause (one retry).

The breakdown: parse, plan and each check are measured around their own code (monitor.sweep.
meter); store is the SQLite writes; "HTTP + event loop" is the rest of the CPU (every
process: sweep, shards, big-page worker), which is mostly httpx/httpcore per request.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from monitor.service.jobs import _sweep_into_store
from monitor.store import Store
from monitor.sweep.loop import run as run_on_loop
from monitor.sweep.meter import COUNT, CPU, STALL, SUM
from monitor.sweep.shards import usable_cores
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

HERE = Path(__file__).resolve().parent


async def sweep(targets: list[Target], options: SweepOptions, store: Store | None,
                state: dict[str, float]) -> int:
    sweeper = Sweeper(options)
    if store is not None:
        save_rows = store.save_rows

        def timed_save(*args, **kwargs):  # type: ignore[no-untyped-def]
            with sweeper.meter.cpu("store"):
                return save_rows(*args, **kwargs)

        store.save_rows = timed_save  # type: ignore[method-assign]
    done = 0
    if store is None:
        async for _ in sweeper.run(targets):
            done += 1
    else:
        sweep_id = store.begin_sweep(time_now(), len(targets), {})
        up, down, no_site = await _sweep_into_store(store, sweep_id, targets, sweeper, None)
        done = up + down + no_site
        state["down"] = down  # 5% never answer; more means sites timed out because of us
    state["max"] = sweeper.stats["max_stall_ms"] / 1000  # the sweep's own probe(s)
    state.update(sweeper.stats)
    return done


def time_now() -> datetime:
    return datetime.now(UTC)


def own_cpu_seconds() -> float:
    """This process alone: with shards, the parent that receives and stores the results."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def cpu_seconds(fleet_pid: int) -> tuple[float, float]:
    """(all, kernel part): this process, its children that ended, and its live children but
    the simulated fleet with what their own ended children used. The last is the shards:
    they are forked by multiprocessing's fork server, a live child, which reaps them, so
    their CPU reaches that server's counters, not this process's."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    kernel = me.ru_stime + kids.ru_stime
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = stat_fields(stat)
        if not fields or int(fields[1]) != os.getpid() or stat.parent.name == str(fleet_pid):
            continue  # not ours, or ended meanwhile: then a waited child, or not ours
        ticks = os.sysconf("SC_CLK_TCK")
        total += sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
        kernel += (int(fields[12]) + int(fields[14])) / ticks
    return total, kernel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--per-host", type=int, default=SweepOptions.per_host,
                        help="connections to one host at a time (setting per_host)")
    parser.add_argument("--retry-pause", type=float, default=2.0)
    parser.add_argument("--fleet-loop", choices=("asyncio", "uvloop"), default="asyncio",
                        help="the simulated fleet server's event loop (default: as before)")
    parser.add_argument("--event-loop", choices=("uvloop", "asyncio"), default="uvloop",
                        help="the sweep's event loop (the setting event_loop)")
    parser.add_argument("--portal", type=int, default=0,
                        help="this many sites are pages of one shared portal host")
    parser.add_argument("--sweeps", type=int, default=1,
                        help="sweep the same fleet this many times (the store's previous "
                             "findings and the http cache carry over)")
    parser.add_argument("--no-http-cache", dest="http_cache", action="store_false",
                        help="no conditional requests across sweeps")
    parser.add_argument("--no-store", action="store_true", help="skip the SQLite writes")
    parser.add_argument("--checks", default="",
                        help="comma-separated checks to run (default: all registered)")
    parser.add_argument("--shards", type=int, default=None,
                        help="sweep processes (default: one per core for large fleets)")
    parser.add_argument("--split-cores", action="store_true",
                        help="the simulated sites on the last core, the sweep on the others "
                             "(as when the sites are other machines; Linux)")
    args = parser.parse_args()
    fleet_cores: set[int] | None = None
    if args.split_cores:
        allowed = sorted(os.sched_getaffinity(0))
        if len(allowed) < 2:
            parser.error("--split-cores needs at least two cores")
        fleet_cores = {allowed[-1]}
        os.sched_setaffinity(0, set(allowed[:-1]))  # the shards and the fork server inherit it
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    server = subprocess.Popen([sys.executable, str(HERE / "fleet_server.py"), str(args.n),
                               "--portal", str(args.portal), "--loop", args.fleet_loop],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              preexec_fn=(lambda: os.sched_setaffinity(0, fleet_cores))
                              if fleet_cores else None)
    assert server.stdout is not None
    urls = json.loads(server.stdout.readline())["urls"]
    targets = [Target(f"s{i}", "kelurahan", f"s{i}", "K", url, ()) for i, url in enumerate(urls)]
    options = SweepOptions(timeout=args.timeout, concurrency=args.concurrency,
                           per_host=args.per_host,
                           retry_pause=args.retry_pause, shards=args.shards,
                           only_checks=tuple(c for c in args.checks.split(",") if c),
                           check_options={"aktif_days": 30, "kurang_aktif_days": 90},
                           event_loop=args.event_loop)
    store = None
    tmp = tempfile.TemporaryDirectory()
    if not args.no_store:
        store = Store.open(f"sqlite:///{tmp.name}/bench.db")
        store.sync_targets(targets, time_now())
    if args.http_cache and "http_cache_dir" in SweepOptions.__dataclass_fields__:
        options = replace(options, http_cache_dir=f"{tmp.name}/http-cache")
    for number in range(1, args.sweeps + 1):
        state = {"max": 0.0}
        (cpu0, kernel0), wall0 = cpu_seconds(server.pid), time.perf_counter()
        fleet0, own0 = process_cpu(server.pid), own_cpu_seconds()
        done = run_on_loop(sweep(targets, options, store, state), options.event_loop)
        wall = time.perf_counter() - wall0
        cpu, kernel = cpu_seconds(server.pid)
        cpu -= cpu0
        state["parent_cpu"] = own_cpu_seconds() - own0
        state["kernel_cpu"] = kernel - kernel0
        if args.sweeps > 1:
            print(f"== sweep {number} of {args.sweeps}")
        report(args, done, wall, cpu, state)
        fleet = process_cpu(server.pid) - fleet0
        where = "a core of its own" if fleet_cores else "the same cores"
        print(f"fleet server     {fleet:.1f} s CPU on {where} "
              f"(the simulated sites, on {args.fleet_loop}; not counted above)")
        # what no scheduling can beat: all the CPU on these cores, ours and the simulated
        # sites', spread evenly over them. A wall close to it means only less CPU helps.
        cores = usable_cores()
        if fleet_cores:
            print(f"CPU floor        {cpu / cores:.1f} s   (sweep {cpu:.1f} s / {cores} "
                  f"core(s) of its own; ratio {wall * cores / cpu:.2f})")
        else:
            print(f"CPU floor        {(cpu + fleet) / cores:.1f} s   ((sweep {cpu:.1f} s + "
                  f"fleet {fleet:.1f} s) / {cores} cores; "
                  f"ratio {wall * cores / (cpu + fleet):.2f})")
    server.stdin.close()  # type: ignore[union-attr]
    server.wait(timeout=60)


def stat_fields(stat: Path) -> list[str]:
    """A /proc/PID/stat's fields after the command name (state, ppid, ...; utime is [11]);
    empty when the process is gone or there is no /proc."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc; 0 elsewhere)."""
    fields = stat_fields(Path(f"/proc/{pid}/stat"))
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def report(args: argparse.Namespace, done: int, wall: float, cpu: float,
           state: dict[str, float]) -> None:
    hang_share = 0.05
    hold = (1 - hang_share) * 0.5 + hang_share * (2 * args.timeout + args.retry_pause)
    ideal = args.n * hold / args.concurrency + args.timeout
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  state.get("peak_rss_mb", 0.0))  # the shards' own (the fork server's children)
    print(f"sites            {done} of {args.n} (portal {args.portal}, "
          f"concurrency {args.concurrency}, "
          f"timeout {args.timeout} s, store {'off' if args.no_store else 'SQLite'}, "
          f"checks {args.checks or 'all'})")
    print(f"wall             {wall:.1f} s   (latency-bound ideal {ideal:.1f} s, "
          f"ratio {wall / ideal:.2f})")
    # The ideal counts one answer per site; each simulated site answers every request after
    # the same delay. A site's extras go out per_host at a time after its home page (the
    # checks name them), except those foreseen from its last sweep, which go out with the
    # home page (monitor.sweep.foresight): an answering site holds its slot for
    # 1 + ceil(extras not foreseen / per_host) answers.
    answering = args.n * (1 - hang_share)
    requests = state.get(COUNT + "requests", 0.0)
    if answering and requests and not args.portal:
        per_site = (requests - 2 * args.n * hang_share) / answering
        foreseen = state.get(COUNT + "foreseen", 0.0) / answering
        later = max(per_site - 1 - foreseen, 0.0)
        answers = 1 + math.ceil(later / max(args.per_host, 1) - 0.05)
        floor = args.n * ((1 - hang_share) * 0.5 * answers + hang_share * (
            2 * args.timeout + args.retry_pause)) / args.concurrency + args.timeout
        print(f"round-trip floor {floor:.1f} s   ({per_site:.2f} requests per answering "
              f"site, {foreseen:.2f} foreseen, {answers} answer(s) in a row; "
              f"ratio {wall / floor:.2f})")
    print(f"throughput       {done / wall:.0f} sites/s")
    parent = state.get("parent_cpu", cpu)
    print(f"CPU per site     {cpu * 1000 / max(done, 1):.2f} ms  (sweep process + check workers"
          + (f"; of which {parent * 1000 / max(done, 1):.2f} ms in the parent, which receives "
             "and stores the shards' results)" if parent < 0.95 * cpu else ")"))
    if "kernel_cpu" in state:
        print(f"  in the kernel  {state['kernel_cpu'] * 1000 / max(done, 1):.2f} ms per site "
              "(system time: sockets, and on loopback the fleet's side of each packet too)")
    if "down" in state:
        print(f"down             {state['down']:.0f} sites (about "
              f"{(args.n - args.portal) * 0.05:.0f} never answer)")
    print(f"longest stall    {state['max'] * 1000:.0f} ms of event loop (worst shard; the loop "
          f"thread used {state.get('max_stall_cpu_ms', 0.0):.0f} ms of CPU in it, the rest it "
          f"waited for a core; {state.get('max_stall_at_s', 0.0):.1f} s into its sweep); "
          f"{state.get(COUNT + 'long_stalls', 0.0):.0f} stall(s) over 100 ms in all shards")
    print(f"collections      longest full {state.get('max_full_gc_ms', 0.0):.0f} ms "
          f"({state.get(COUNT + 'full_collections', 0.0):.0f} full), longest young "
          f"{state.get('max_young_gc_ms', 0.0):.0f} ms (worst shard; inside loop steps), "
          f"{state.get(SUM + 'collector', 0.0) / 1000:.1f} s in all")
    parts = {k[len(STALL):]: v for k, v in state.items() if k.startswith(STALL)}
    own = state.get("max_stall_cpu_ms", 0.0)
    # the collector runs inside the other stages: its part is counted in theirs too
    print("longest stall's CPU: " + ", ".join(
        f"{name} {ms:.0f}" for name, ms in sorted(parts.items(), key=lambda kv: -kv[1]))
        + f"{', ' if parts else ''}HTTP + event loop (rest) "
        f"{max(own - sum(v for k, v in parts.items() if k != 'collector'), 0):.0f} ms")
    print(f"peak memory      {peak_mb:.0f} MB (largest process)")
    print(f"cores            {os.cpu_count()} ({usable_cores()} for the sweep)")
    print_breakdown(state, cpu * 1000, done)


def print_breakdown(stats: dict[str, float], cpu_ms: float, sites: int) -> None:
    requests = stats.get(COUNT + "requests", 0.0)
    print(f"requests         {requests:.0f} ({requests / max(sites, 1):.2f} per site, "
          f"{cpu_ms / max(requests, 1):.2f} ms CPU per request, all stages included)")
    for key, value in sorted(stats.items()):
        if key.startswith(COUNT) and key not in (COUNT + "requests", COUNT + "full_collections",
                                                 COUNT + "long_stalls"):  # printed above
            print(f"  {key[len(COUNT):]:<16} {value:.0f}")
    stages = {k[len(CPU):]: v for k, v in stats.items() if k.startswith(CPU)}
    rest = cpu_ms - sum(stages.values())
    print("CPU per site by stage (ms)")
    for name, value in [*sorted(stages.items(), key=lambda kv: -kv[1]),
                        ("HTTP + event loop (rest)", rest)]:
        print(f"  {name:<26}{value / max(sites, 1):6.2f}  ({100 * value / max(cpu_ms, 1):4.1f}%)")


if __name__ == "__main__":
    main()
