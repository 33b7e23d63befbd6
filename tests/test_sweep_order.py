"""The order a sweep starts its sites in (monitor.sweep.spread): the shared portal's pages
spread among other hosts, and the sites that timed out last sweep first, holding at most half
the slots, so none of their long waits is left to run after every other site is done and
they never hold every slot while the CPU idles."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.core.snapshot import PreviousFinding
from monitor.sweep.spread import StartOrder, interleave_hosts
from monitor.targets.loader import Target

WHEN = datetime(2026, 11, 26, tzinfo=UTC)


def _targets(n: int) -> list[Target]:
    return [Target(f"s{i}", "kelurahan", f"s{i}", "K", f"http://s{i}.test/", ())
            for i in range(n)]


def _previous(codes: list[str], error: str = "timeout") -> dict[str, dict[str, PreviousFinding]]:
    return {c: {"availability": PreviousFinding(WHEN, {"available": False, "error": error})}
            for c in codes}


def _sweep(order: StartOrder, slots: int, holds: dict[str, int],
           others: int) -> tuple[list[str], int]:
    """Workers on ``slots`` slots, each site holding its slot ``holds[code]`` ticks (1 when
    not named): the codes in the order they started, and the most timed-out sites (those
    named in ``holds``) running at once while some of the ``others`` had not started."""
    started: list[str] = []
    running: list[tuple[int, Target]] = []  # (the tick it ends, the site)
    most = tick = 0
    while order or running:
        for item in [r for r in running if r[0] <= tick]:
            running.remove(item)
            order.finished(item[1])
        while order and len(running) < slots:
            target = order.take()
            started.append(target.code)
            running.append((tick + holds.get(target.code, 1), target))
        if sum(code not in holds for code in started) < others:
            most = max(most, sum(t.code in holds for _end, t in running))
        tick += 1
    return started, most


def test_sites_that_timed_out_last_sweep_start_first_within_half_the_slots() -> None:
    """They wait out two deadlines using no CPU: started first, their wait overlaps the
    other sites' work instead of prolonging the sweep. Never more than half the slots: they
    hold theirs 20 times longer, so started freely they would soon hold every slot."""
    targets = _targets(1000)
    slow = [f"s{i}" for i in range(900, 1000)]  # the last 100 in the file
    started, most = _sweep(StartOrder(targets, _previous(slow), slots=40),
                           40, dict.fromkeys(slow, 20), others=900)

    assert sorted(started) == sorted(t.code for t in targets)  # each once
    assert started[:20] == slow[:20]  # half the slots at once
    assert most == 20
    assert [c for c in started if c not in set(slow)] == [f"s{i}" for i in range(900)]


def test_after_an_outage_every_site_still_starts() -> None:
    """Most sites timed out last sweep (the city's uplink was down): the others start
    beside half the slots of timed-out ones, then the timed-out ones fill the slots."""
    targets = _targets(10)
    slow = [f"s{i}" for i in range(8)]
    order = StartOrder(targets, _previous(slow), slots=4)
    assert [order.take().code for _ in range(4)] == ["s0", "s1", "s8", "s9"]
    assert order.take().code == "s2"  # nothing else is left to start
    started, _most = _sweep(StartOrder(targets, _previous(slow), slots=4), 4,
                            dict.fromkeys(slow, 3), others=2)
    assert sorted(started) == sorted(t.code for t in targets)


def test_only_a_timeout_moves_a_site() -> None:
    """A refused connection or a 404 is answered at once: nothing to overlap."""
    targets = _targets(100)
    previous = _previous(["s90"], "connect") | _previous(["s91"], "http_4xx")
    order = StartOrder(targets, previous, slots=10)
    assert [order.take() for _ in range(100)] == targets
    assert not order
    assert [StartOrder(targets, {}, slots=10).take() for _ in range(1)] == targets[:1]


def test_the_portal_pages_stay_spread_among_other_hosts() -> None:
    portal = [Target(f"k{i}", "kelurahan", f"k{i}", "K", f"http://portal.test/k{i}/", ())
              for i in range(4)]
    own = _targets(4)
    order = [t.code for t in interleave_hosts(portal + own)]
    assert order[:2] == ["k0", "s0"]  # the portal's second page waits behind other hosts
    assert [c for c in order if c.startswith("k")] == ["k0", "k1", "k2", "k3"]
