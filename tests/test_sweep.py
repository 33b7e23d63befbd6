"""`monitor check` against the simulated fleet: the right verdict for every scripted
behaviour, deadlines that hold against hanging and trickling servers, and an offline run on
the shipped targets.csv."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_sweep import sweep_and_export
from fleet_sites import AVAILABILITY, HEALTHY_HTML, availability_sites

from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.store import Store

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 2.0
PAUSE = 0.2


def fleet_targets(fleet: Fleet) -> list[dict[str, str]]:
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": name, "level": "kelurahan", "name": name, "kecamatan": "Uji",
              "url": fleet.url(name)} for name in fleet.sites]
    return rows


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], float, Store]:  # type: ignore[type-arg]
    """One sweep of every behaviour through the real CLI, shared by the tests below."""
    tmp = tmp_path_factory.mktemp("sweep")
    with Fleet(availability_sites()) as fleet:
        env = {"MONITOR_CA_BUNDLE": str(fleet.ca_file), "MONITOR_RETRY_PAUSE": str(PAUSE)}
        start = time.monotonic()
        records, db = sweep_and_export(fleet, tmp, timeout=TIMEOUT, concurrency=50, env=env)
        wall = time.monotonic() - start  # includes the export: a few tenths of a second
    return records, wall, Store.open(db)


@pytest.mark.parametrize("name", sorted(AVAILABILITY))
def test_every_behaviour_gets_the_right_verdict(
    name: str, swept: tuple[dict[str, dict], float, Store]  # type: ignore[type-arg]
) -> None:
    records, _wall, store = swept
    available, error, status, attempts = AVAILABILITY[name]
    record = records[name]
    assert (record["available"], record["error"], record["status_code"]) == (
        available, error, status)
    rows = {site.code: result for site, result in store.latest_results()
            if result is not None}
    assert name in rows
    assert len(rows[name].attempts) == attempts, rows[name].attempts


def test_sweep_wall_time_is_bounded_by_the_deadline_not_by_the_slowest_server(
    swept: tuple[dict[str, dict], float, Store]  # type: ignore[type-arg]
) -> None:
    """Hanging and trickling sites are cut at the deadline; with a retry each holds a slot at
    most 2 x timeout + pause. The sweep of 21 behaviours must end near that, not at the
    trickle's natural end (~20 s) or the hang's (1 h)."""
    _records, wall, _store = swept
    assert wall < 2 * TIMEOUT + PAUSE + 3.0


def test_tls_and_redirect_evidence(swept: tuple[dict[str, dict], float, Store]) -> None:  # type: ignore[type-arg]
    records, _wall, store = swept
    valid = records["tls_valid"]
    assert valid["https"] is True and 59 <= valid["cert_days_left"] <= 61
    assert records["healthy"]["https"] is False  # plain HTTP is not valid HTTPS
    chain = records["redirect_chain"]
    assert chain["final_url"].endswith("/step3")
    rows = {site.code: result for site, result in store.latest_results()
            if result is not None}
    redirects = rows["redirect_chain"].findings["availability"]["redirects"]
    assert [r[0] for r in redirects] == [301, 301, 301]
    assert "already visited" in rows["redirect_loop"].error_detail
    assert "expired" in rows["tls_expired"].error_detail
    assert rows["flaky"].attempts[0]["status_code"] == 503  # both attempts recorded


def test_retry_happens_once_for_5xx_and_not_for_4xx(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Callable[..., object],
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    fleet = fleet_factory([FleetSite("e500", {"/": Page(status=500)}),
                           FleetSite("e404", {"/": Page(status=404)})])
    path = write_targets(fleet_targets(fleet))
    run_cli("check", "--targets", str(path), "--db", sqlite_url, "--timeout", "2",
            env={"MONITOR_RETRY_PAUSE": "0.05"})
    assert len(fleet.sites["e500"].requests) == 2
    assert len(fleet.sites["e404"].requests) == 1
    ua = fleet.sites["e404"].requests[0].user_agent
    assert ua.startswith("monitor/") and "+http" in ua  # names the project and a contact URL


def test_at_most_per_host_connections_to_one_host(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Callable[..., object],
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    """Ten kelurahan on one shared portal host, ``per_host`` 2: fetched at most two at a
    time."""
    fleet = fleet_factory([FleetSite("portal", {f"/k{i}": Page(body=HEALTHY_HTML, delay=0.3)
                                                for i in range(10)})])
    base = fleet.url("portal")
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": f"k{i}", "level": "kelurahan", "name": f"k{i}", "kecamatan": "Uji",
              "url": f"{base}k{i}"} for i in range(10)]
    start = time.monotonic()
    result = run_cli("check", "--targets", str(write_targets(rows)), "--db", sqlite_url,
                     "--concurrency", "10", env={"MONITOR_PER_HOST": "2"})
    elapsed = time.monotonic() - start
    assert result.code == 0, result  # type: ignore[attr-defined]
    # 10 pages x 0.3 s, two at a time: at least 1.5 s; ten at a time would take 0.3 s
    assert elapsed >= 1.4
    assert "11 targets, 10 up" in result.out  # type: ignore[attr-defined]


def test_offline_sweep_of_shipped_targets_stores_a_result_for_every_area(
    run_cli: Callable[..., object], sqlite_url: str,
) -> None:
    result = run_cli("check", "--targets", str(ROOT / "targets.csv"), "--db", sqlite_url,
                     "--timeout", "3", env={"MONITOR_RETRY_PAUSE": "0.1"})
    assert result.code == 0, result  # type: ignore[attr-defined]
    assert "147 targets" in result.out  # type: ignore[attr-defined]
    exported = run_cli("export", "--db", sqlite_url, "--format", "csv")
    lines = exported.out.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 148
    header = lines[0].split(",")
    errors = [dict(zip(header, line.split(","), strict=False))["error"] for line in lines[1:]]
    assert errors.count("no_site") == 144
    # no network here: the three known addresses fail with an error word, never a crash
    assert all(e in {"dns", "connect", "timeout", "tls", "no_site"} for e in errors)


def test_only_takes_codes_the_way_the_spec_writes_them(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Callable[..., object],
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    """SPEC: `monitor check --only CODE ...`: `--only a b` and `--only a --only b` both work."""
    fleet = fleet_factory([FleetSite(n, {"/": Page(body=HEALTHY_HTML)}) for n in "abc"])
    path = str(write_targets(fleet_targets(fleet)))
    result = run_cli("check", "--targets", path, "--db", sqlite_url, "--only", "a", "b")
    assert result.code == 0 and "2 targets, 2 up" in result.out, result  # type: ignore[attr-defined]
    result = run_cli("check", "--targets", path, "--db", sqlite_url, "--only", "a", "--only", "c")
    assert result.code == 0 and "2 targets, 2 up" in result.out, result  # type: ignore[attr-defined]
    home_fetches = [sum(r.path == "/" and r.user_agent.startswith("monitor/")
                        for r in fleet.sites[n].requests) for n in "abc"]
    assert home_fetches == [2, 1, 1]
    stray = run_cli("check", "--targets", path, "--db", sqlite_url, "a")
    assert stray.code == 2 and "--only" in stray.err  # type: ignore[attr-defined]
    unknown = run_cli("check", "--targets", path, "--db", sqlite_url, "--only", "zz")
    assert unknown.code == 2 and "zz" in unknown.err  # type: ignore[attr-defined]


def hostile_page() -> str:
    """~4.9 MB of posts, dates, links and CSS rules: seconds of work for naive checks."""
    style = "".join(f".c{i}{{width:{i}px}}" for i in range(20000))
    posts = "".join(
        f'<div class="post c{i}"><span class="date">Senin, {i % 28 + 1} Maret 2024</span>'
        f'<a href="/2024/03/{i % 28 + 1:02d}/p{i}">slot {i}</a><time datetime="2024-03-01">'
        "x</time></div>" for i in range(28000))
    return f"<html><head><style>{style}</style></head><body>{posts}</body></html>"


def test_a_hostile_page_is_judged_off_the_event_loop(
    fleet_factory: Callable[[list[FleetSite]], Fleet], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Judging a 5 MB page takes over a second (measured: ~1.7 s); on the event loop it
    would freeze every other site's timers. Big pages go to a worker process: the loop's
    own run_checks never sees them, and they are still fully judged."""
    import asyncio

    from monitor import checks
    from monitor.sweep.sweeper import Sweeper, SweepOptions
    from monitor.targets.loader import Target

    fleet = fleet_factory([FleetSite("hostile", {"/": Page(body=hostile_page())}),
                           FleetSite("normal", {"/": Page(body=HEALTHY_HTML)})])
    judged_here: list[str] = []
    real = checks.run_checks

    def spy(snapshot, options, chosen=checks.CHECKS):  # type: ignore[no-untyped-def]
        judged_here.append(snapshot.code)
        return real(snapshot, options, chosen)

    monkeypatch.setattr(checks, "run_checks", spy)
    targets = [Target(n, "kelurahan", n, "Uji", fleet.url(n), ()) for n in ("hostile", "normal")]

    async def sweep() -> dict[str, object]:
        sweeper = Sweeper(SweepOptions(timeout=10, retry_pause=0.1))
        return {r.code: r async for r in sweeper.run(targets)}

    results = asyncio.run(sweep())
    assert "hostile" not in judged_here and "normal" in judged_here
    outcomes = {o.name: o for o in results["hostile"].outcomes}  # type: ignore[attr-defined]
    assert all(o.ok for o in outcomes.values()), outcomes
    assert {"availability", "freshness", "mobile", "content"} <= set(outcomes)
