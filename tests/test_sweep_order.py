"""The order a sweep starts its sites in (monitor.sweep.spread): the shared portal's pages
spread among other hosts, and the sites that timed out last sweep spread over the first half,
so none of their long waits is left to run after every other site is done."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.core.snapshot import PreviousFinding
from monitor.sweep.spread import interleave_hosts, slow_early
from monitor.targets.loader import Target

WHEN = datetime(2026, 11, 26, tzinfo=UTC)


def _targets(n: int) -> list[Target]:
    return [Target(f"s{i}", "kelurahan", f"s{i}", "K", f"http://s{i}.test/", ())
            for i in range(n)]


def _previous(codes: list[str], error: str = "timeout") -> dict[str, dict[str, PreviousFinding]]:
    return {c: {"availability": PreviousFinding(WHEN, {"available": False, "error": error})}
            for c in codes}


def test_sites_that_timed_out_last_sweep_start_first_between_the_others() -> None:
    """They wait out two deadlines using no CPU: started first, their wait overlaps every
    other site's work instead of prolonging the sweep; never two in a row, so at least half
    the slots stay with sites that answer."""
    targets = _targets(1000)
    slow = [f"s{i}" for i in range(950, 1000)]  # the last 50 in the file
    order = [t.code for t in slow_early(targets, _previous(slow))]

    assert sorted(order) == sorted(t.code for t in targets)  # each once
    places = [order.index(code) for code in slow]
    assert max(places) < 2 * len(slow)  # all at the front
    gaps = [b - a for a, b in zip(places, places[1:], strict=False)]
    assert min(gaps) >= 2  # never two in a row
    rest = [c for c in order if c not in set(slow)]
    assert rest == [f"s{i}" for i in range(950)]  # the others keep their order


def test_more_timed_out_sites_than_others_still_start_every_site_once() -> None:
    """After an outage most sites timed out: the order then ends with the rest of them."""
    targets = _targets(10)
    slow = [f"s{i}" for i in range(8)]
    order = [t.code for t in slow_early(targets, _previous(slow))]
    assert order == ["s0", "s8", "s1", "s9", "s2", "s3", "s4", "s5", "s6", "s7"]


def test_only_a_timeout_moves_a_site() -> None:
    """A refused connection or a 404 is answered at once: nothing to overlap."""
    targets = _targets(100)
    previous = _previous(["s90"], "connect") | _previous(["s91"], "http_4xx")
    assert slow_early(targets, previous) == targets
    assert slow_early(targets, {}) == targets


def test_the_portal_pages_stay_spread_among_other_hosts() -> None:
    portal = [Target(f"k{i}", "kelurahan", f"k{i}", "K", f"http://portal.test/k{i}/", ())
              for i in range(4)]
    own = _targets(4)
    order = [t.code for t in interleave_hosts(portal + own)]
    assert order[:2] == ["k0", "s0"]  # the portal's second page waits behind other hosts
    assert [c for c in order if c.startswith("k")] == ["k0", "k1", "k2", "k3"]

