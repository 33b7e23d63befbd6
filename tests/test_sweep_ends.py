"""Every sweep ends: each cause of a hung sweep found on the hostile fleet, through `monitor
check`, must end with one stored result per target, the right exit status and a free lock."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sweep_faults
from check_process import fleet_targets
from conftest import CliResult
from fleet_sites import HEALTHY_HTML

from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.store import Store
from monitor.store.locks import lock_holder
from monitor.sweep import sweeper as sweeper_module

BIG = 4_400_000  # over INLINE_BYTES: judged in the worker process


def big_page(size: int = BIG) -> str:
    """A valid kelurahan page of ``size`` bytes: cheap to judge, but over the inline limit."""
    post = ("<article><h2>Kegiatan posyandu</h2><time datetime='2026-10-01'>1 Oktober 2026"
            "</time><p>Kelurahan melaksanakan kerja bakti bersama warga.</p></article>\n")
    head = ("<!doctype html><html lang='id'><head><meta charset='utf-8'><meta name='viewport'"
            " content='width=device-width, initial-scale=1'><title>Kelurahan Besar</title>"
            "</head><body>")
    return head + post * ((size - len(head)) // len(post)) + "</body></html>"


def stored(db_url: str) -> dict[str, Any]:
    """Results of the last sweep by site code, and the sweep itself."""
    store = Store.open(db_url)
    sweep = store.sweeps()[-1]
    rows = {site.code: r for site, r in store.latest_results() if r and r.sweep_id == sweep.id}
    return {"sweep": sweep, "rows": rows, "lock": lock_holder(store.engine)}


def test_a_sharded_sweep_judges_a_big_page_and_ends(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """499 rows without a url + one 4.4 MB page: 500 targets shard over processes, which used
    to be daemonic and could not start the big-page worker, and the sweep hung for ever."""
    monkeypatch.setattr("monitor.sweep.shards.usable_cores", lambda: 2)  # shard on any machine
    fleet = fleet_factory([FleetSite("big", {"/": Page(body=big_page())})])
    rows = [{"code": f"n{i:03d}", "level": "kelurahan", "name": f"N {i}", "kecamatan": "Uji"}
            for i in range(498)]
    rows += [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"},
             {"code": "big", "level": "kelurahan", "name": "Besar", "kecamatan": "Uji",
              "url": fleet.url("big")}]
    result = run_cli("check", "--targets", str(write_targets(rows)), "--db", sqlite_url,
                     "--timeout", "20")
    assert result.code == 0, result
    assert "500 targets, 1 up, 0 down, 499 without a website" in result.out
    found = stored(sqlite_url)
    assert len(found["rows"]) == 500 and found["sweep"].status == "complete"
    assert found["lock"] is None
    big = found["rows"]["big"]
    assert big.available is True and big.failed_checks == {}
    assert {"availability", "freshness", "mobile", "content"} <= set(big.findings)


def test_a_killed_big_page_worker_is_replaced(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker judging one big page is SIGKILLed (as by the OOM killer): that page keeps
    its availability and its other checks are recorded as failed; the next big page gets a
    new worker; the sweep ends with exit 0."""
    monkeypatch.setattr(sweeper_module, "_run_named", sweep_faults.run_named_or_die)
    page = Page(body=big_page(700_000))
    fleet = fleet_factory([FleetSite(sweep_faults.KILL_CODE, {"/": page}),
                           FleetSite("big", {"/": page}),
                           FleetSite("small", {"/": Page(body=HEALTHY_HTML)})])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "20")
    assert result.code == 0, result
    found = stored(sqlite_url)
    assert set(found["rows"]) == {"K", "boom", "big", "small"} and found["lock"] is None
    boom, big = found["rows"]["boom"], found["rows"]["big"]
    assert boom.available is True and boom.error is None
    assert set(boom.failed_checks) == {"freshness", "mobile", "content"}
    assert "worker died" in boom.failed_checks["freshness"]
    assert big.failed_checks == {} and big.available is True


def test_a_big_page_judged_too_slowly_is_given_up_on(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sweeper_module, "_run_named", sweep_faults.run_named_slowly)
    page = Page(body=big_page(700_000))
    fleet = fleet_factory([FleetSite(sweep_faults.KILL_CODE, {"/": page}),
                           FleetSite("big", {"/": page})])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "20",
                     env={"MONITOR_OFFLOOP_TIMEOUT": "5"})
    assert result.code == 0, result
    rows = stored(sqlite_url)["rows"]
    assert "took over 5 s" in rows["boom"].failed_checks["content"]
    assert rows["big"].failed_checks == {}


def test_our_own_code_failing_for_one_site_is_that_sites_result(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug outside the checks (here in judging, for one site) used to kill the worker task
    and leave the sweep waiting for a result that never came."""
    from monitor import checks

    real = checks.run_checks

    def broken(snapshot, options, chosen=checks.CHECKS):  # type: ignore[no-untyped-def]
        if snapshot.code == "s1":
            raise RuntimeError("bug of ours")
        return real(snapshot, options, chosen)

    monkeypatch.setattr(checks, "run_checks", broken)
    fleet = fleet_factory([FleetSite(f"s{i}", {"/": Page(body=HEALTHY_HTML)})
                           for i in range(3)])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "20")
    assert result.code == 0, result
    assert "4 targets, 2 up, 1 down" in result.out
    found = stored(sqlite_url)
    assert len(found["rows"]) == 4 and found["lock"] is None
    s1 = found["rows"]["s1"]
    assert (s1.available, s1.error) == (False, "other")
    assert s1.error_detail == "internal error: RuntimeError: bug of ours"
    assert "sweeping s1 failed in our own code" in caplog.text  # logged, with its traceback


def test_a_check_raising_is_a_failed_check_not_a_failed_sweep(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from monitor.checks.content.check import ContentCheck

    def boom(self, snapshot, options):  # type: ignore[no-untyped-def]
        raise ValueError("check bug")

    monkeypatch.setattr(ContentCheck, "run", boom)
    fleet = fleet_factory([FleetSite("s0", {"/": Page(body=HEALTHY_HTML)})])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "20")
    assert result.code == 0, result
    s0 = stored(sqlite_url)["rows"]["s0"]
    assert s0.available is True and "check bug" in s0.failed_checks["content"]


@pytest.mark.parametrize("per_host", [-1, 0])
def test_a_bad_per_host_never_hangs_the_sweep(
    per_host: int, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    """-1 made asyncio.Semaphore raise inside every site, 0 made every site wait for ever.
    (`monitor check` refuses such a setting at start; the sweep itself must not depend on
    that, so this goes through run_sweep, the job cron and the service both run.)"""
    from monitor.service.jobs import run_sweep
    from monitor.sweep.sweeper import SweepOptions
    from monitor.targets.loader import load as load_targets

    fleet = fleet_factory([FleetSite(f"s{i}", {"/": Page(body=HEALTHY_HTML)})
                           for i in range(3)])
    targets = load_targets(fleet_targets(write_targets, fleet))
    store = Store.open(sqlite_url)
    options = SweepOptions(timeout=10, per_host=per_host, concurrency=per_host, retry_pause=0)
    summary = asyncio.run(asyncio.wait_for(asyncio.to_thread(run_sweep, store, targets,
                                                             options), 60))
    assert (summary.status, summary.total, summary.up) == ("complete", 4, 3)
    assert stored(sqlite_url)["lock"] is None


def test_a_sweep_that_stops_making_progress_is_ended(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Something of ours waits for ever for one site: the watchdog ends the sweep, keeps
    what was finished, marks it incomplete, frees the lock, exit 1 with one clear line."""
    real = sweeper_module.Sweeper._site

    async def stuck(self, target, previous):  # type: ignore[no-untyped-def]
        if target.code == "s1":
            await asyncio.Event().wait()
        return await real(self, target, previous)

    monkeypatch.setattr(sweeper_module.Sweeper, "_site", stuck)
    fleet = fleet_factory([FleetSite(f"s{i}", {"/": Page(body=HEALTHY_HTML)})
                           for i in range(3)])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "1",
                     env={"MONITOR_STALL_TIMEOUT": "1", "MONITOR_OFFLOOP_TIMEOUT": "1",
                          "MONITOR_RETRY_PAUSE": "0"})
    assert result.code == 1, result
    assert "sweep stopped: no site finished for 9 s (3 of 4 stored); marked incomplete" \
        in result.err
    found = stored(sqlite_url)
    assert found["sweep"].status == "incomplete" and found["lock"] is None
    assert set(found["rows"]) == {"K", "s0", "s2"}
    assert (found["sweep"].done, found["sweep"].up) == (3, 2)


def test_a_sweep_whose_event_loop_is_stuck_is_ended_by_the_watchdog_thread(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    sqlite_url: str,
) -> None:
    """A check that never returns, on the loop: no asyncio timer can fire. The watchdog
    thread marks the sweep incomplete and ends the process; the next sweep runs."""
    fleet = fleet_factory([FleetSite(name, {"/": Page(body=HEALTHY_HTML)})
                           for name in ("s0", sweep_faults.KILL_CODE)])
    targets = fleet_targets(write_targets, fleet)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(MONITOR_STALL_TIMEOUT="1", MONITOR_OFFLOOP_TIMEOUT="1",
               MONITOR_RETRY_PAUSE="0", MONITOR_BROWSER_AUDIT="off",
               PYTHONPATH=str(Path(__file__).parent))
    helper = str(Path(sweep_faults.__file__))
    args = ["check", "--targets", str(targets), "--db", sqlite_url, "--timeout", "1"]
    proc = subprocess.run([sys.executable, helper, "stuck-check", *args], env=env,
                          cwd=targets.parent, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "sweep stopped: no progress for" in proc.stderr
    found = stored(sqlite_url)
    assert found["sweep"].status == "incomplete"
    # the lock row of the dead process is no obstacle: the next sweep takes it over at once
    again = subprocess.run([sys.executable, "-m", "monitor", *args], env=env,
                           cwd=targets.parent, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert stored(sqlite_url)["lock"] is None


def test_a_shard_that_dies_costs_only_its_unfinished_sites() -> None:
    """Each of its unfinished sites gets a result naming the failure; the sweep goes on."""
    from monitor.sweep.result import failed_result
    from monitor.sweep.shards import run_sharded
    from monitor.sweep.sweeper import SweepOptions
    from monitor.targets.loader import Target

    targets = [Target(f"s{i}", "kelurahan", f"s{i}", "Uji", f"http://h{i}.test/", ())
               for i in range(6)]

    async def collect() -> list[Any]:
        stats: dict[str, float] = {}
        return [r async for r in run_sharded(targets, {}, SweepOptions(), 2, stats,
                                             entry=sweep_faults.shard_that_dies,
                                             failed=failed_result)]

    results = asyncio.run(asyncio.wait_for(collect(), 60))
    assert sorted(r.code for r in results) == [t.code for t in targets]
    details = sorted(r.failure for r in results)
    assert details.count("internal error: sent before dying") == 2  # one per shard
    assert details.count("internal error: the sweep process checking this site died") == 4


def _sweep_without_websites(count: int) -> list[Any]:
    from monitor.sweep.sweeper import Sweeper, SweepOptions
    from monitor.targets.loader import Target

    targets = [Target(f"n{i:03d}", "kelurahan", f"N {i}", "Uji", "", ()) for i in range(count)]

    async def collect() -> list[Any]:
        return [r async for r in Sweeper(SweepOptions(shards=2)).run(targets, {})]

    return asyncio.run(asyncio.wait_for(collect(), 120))


def test_a_shard_the_fork_server_cannot_start_is_spawned(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """The fork server was killed or cannot fork: each shard is spawned as before, and the
    sweep's sites are checked as usual."""
    from multiprocessing import context

    def cannot(process: Any) -> Any:
        raise OSError("fork server gone")

    monkeypatch.setattr(context.ForkServerProcess, "_Popen", staticmethod(cannot))
    results = _sweep_without_websites(600)
    assert sorted(r.code for r in results) == [f"n{i:03d}" for i in range(600)]
    assert {r.failure for r in results} == {""}  # checked, not failed
    assert "the fork server could not start a sweep shard (fork server gone)" in caplog.text


def test_a_shard_that_cannot_start_costs_only_its_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process can be started at all (out of processes or memory): every site still gets
    its one result, naming why, and the sweep ends."""
    from multiprocessing import context

    def cannot(process: Any) -> Any:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(context.ForkServerProcess, "_Popen", staticmethod(cannot))
    monkeypatch.setattr(context.SpawnProcess, "_Popen", staticmethod(cannot))
    results = _sweep_without_websites(600)
    assert sorted(r.code for r in results) == [f"n{i:03d}" for i in range(600)]
    assert {r.failure for r in results} == {
        "internal error: the sweep process for this site could not start: "
        "[Errno 11] Resource temporarily unavailable"}


PREPARES = """
import os
from pathlib import Path

from monitor.sweep import shards
from monitor.sweep.sweeper import SweepOptions, prepare_shards

shards.usable_cores = lambda: 2  # shard on any machine


def helpers() -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append((stat.parent / "cmdline").read_bytes().decode())
        except (OSError, ValueError):
            pass
    return found


prepare_shards(SweepOptions(), 100)  # the city's size: one process, no server
print(sum("forkserver" in cmd for cmd in helpers()))
prepare_shards(SweepOptions(), 10_000)  # a province: its server starts now
print(sum("forkserver" in cmd for cmd in helpers()))
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_sweep_that_will_shard_starts_its_fork_server_before_its_store_work(
    tmp_path: Path,
) -> None:
    """`monitor check` at 10,000 targets (without websites, so only fixed costs): the sweep
    took 7.0-8.0 s with spawned shards, 5.0-6.0 s with the fork server started by the first
    shard, 4.1-5.2 s with it started before the store's writes and reads, which it then
    overlaps. A sweep that stays in one process starts no server."""
    program = tmp_path / "prepares.py"
    program.write_text(PREPARES)
    done = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "1"]


SWEEPS_TWICE = """
import sys
from multiprocessing import current_process

with open({log!r}, "a") as log:  # in a shard: were the program's modules there already?
    log.write(f"{{current_process().name}} {{'monitor.report' in sys.modules}}\\n")

import monitor.report  # noqa: E402, F401 - a module the program uses, as the CLI does

if __name__ == "__main__":
    import asyncio

    from monitor.sweep.sweeper import Sweeper, SweepOptions
    from monitor.targets.loader import Target

    async def sweep() -> str:
        targets = [Target(f"n{{i:03d}}", "kelurahan", f"N {{i}}", "Uji", "", ())
                   for i in range(600)]
        sweeper = Sweeper(SweepOptions(shards=2))
        done = len([r async for r in sweeper.run(targets, {{}})])
        return f"{{done}} {{sweeper.stats.get('peak_rss_mb', 0.0):.0f}}"

    print(asyncio.run(sweep()), asyncio.run(sweep()))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server there: shards are spawned")
def test_shards_do_not_import_the_program_again_for_every_sweep(tmp_path: Path) -> None:
    """A spawned shard imported the program again (its main module, all it imports, then the
    sweeper): under the `monitor` command ~1.6 s of CPU per shard per sweep, paid again by
    every sweep of the service. Shards now find the program's modules already imported (the
    fork server's copy), however many shards and sweeps. Not being this process's children,
    they report their own peak memory."""
    log = tmp_path / "imports.log"
    program = tmp_path / "sweeps_twice.py"
    program.write_text(SWEEPS_TWICE.format(log=str(log)))
    done = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sites, peak_mb, sites_again, peak_mb_again = done.stdout.split()
    assert sites == sites_again == "600"  # both sweeps sharded, every site answered
    # the shards' own peak memory: not this process's children, so they say it themselves
    assert float(peak_mb) > 20 and float(peak_mb_again) > 20
    lines = log.read_text().splitlines()
    assert lines[0] == "MainProcess False"
    # Python 3.11 runs the main module's top level again in each shard (cheap now)
    in_shards = [line.split()[1] for line in lines if line.startswith("sweep-shard-")]
    assert in_shards.count("False") == 0 and len(in_shards) in (0, 4), lines


@pytest.mark.timeout(30)  # a send that waits for the reader never returns: the test hangs
def test_a_shard_sends_results_without_waiting_for_a_busy_parent(both_loops: str) -> None:
    """A parent busy writing the database reads nothing for a while; a shard's loop must go
    on sweeping meanwhile, not block on a full pipe (its sites' deadlines keep running).
    What it sent still arrives whole and in order, read with ``Connection.recv``."""
    import multiprocessing
    import threading

    from monitor.sweep.shards import PipeSender

    receive, send = multiprocessing.Pipe(duplex=False)
    messages = [("result", {"code": f"s{i}", "page": "x" * 5_000}) for i in range(200)]
    got: list[object] = []

    async def shard() -> None:
        sender = await PipeSender.open(send)
        for message in messages:  # ~1 MB: many times what the pipe holds
            sender.send(message)
        reader = threading.Thread(target=lambda: got.extend(receive.recv() for _ in messages))
        reader.start()  # the parent reads only now
        await sender.close()
        reader.join(timeout=30)

    asyncio.run(shard())
    send.close()
    assert got == messages


def test_the_parent_reads_every_result_whole_however_the_pipe_cuts_it() -> None:
    """The parent reads the shards' pipes on its event loop (``PipeReceiver``): a result
    arrives in pieces or several in one read, and each must come out whole, in order, and
    the pipe's end after all of them (so a shard that dies costs only the sites it had not
    sent)."""
    import random
    import struct
    from multiprocessing.reduction import ForkingPickler

    from monitor.sweep.shards import GONE, PipeReceiver

    messages = [("result", {"code": f"s{i}", "page": "x" * random.randint(0, 9_000)})
                for i in range(100)]
    wire = b"".join(struct.pack("!i", len(data)) + data
                    for data in (bytes(ForkingPickler.dumps(m)) for m in messages))

    async def read() -> list[object]:
        arrived: asyncio.Queue[tuple[int, object]] = asyncio.Queue()
        receiver = PipeReceiver(3, arrived)
        at = 0
        while at < len(wire):
            step = random.choice((1, 3, 4, 5, 700, 20_000))
            receiver.data_received(wire[at:at + step])
            at += step
        receiver.connection_lost(None)
        out = []
        while not arrived.empty():
            shard, message = arrived.get_nowait()
            assert shard == 3
            out.append(message)
        return out

    random.seed(7)
    got = asyncio.run(read())
    assert got[:-1] == messages
    assert got[-1] is GONE


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity here")
def test_a_sweep_shards_over_the_cores_it_may_use_not_the_machines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A container's cpuset or `taskset -c 0` leaves the sweep one core of a bigger machine:
    two shards there only take turns on it (and pay a process each), so it sweeps in one."""
    from monitor.sweep.shards import shard_count
    from monitor.sweep.sweeper import SweepOptions

    monkeypatch.setattr("os.cpu_count", lambda: 8)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    assert shard_count(SweepOptions(), 10_000) == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    assert shard_count(SweepOptions(), 10_000) == 3
    assert shard_count(SweepOptions(), 100) == 1  # the city: one process whatever the cores
