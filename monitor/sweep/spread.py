"""Small pure helpers of the sweep: the order sites are fetched in, the hosts a site owns,
and whether a failed home page is worth a second try.

Kept apart from the sweeper so its loop stays readable.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence

from monitor.core.hosts import host_in
from monitor.core.snapshot import Fetched, PreviousFinding, Snapshot
from monitor.sweep.fetch import host_of
from monitor.targets.loader import Target

RETRY_ERRORS = frozenset({"connect", "timeout"})


def interleave_hosts(targets: Sequence[Target]) -> list[Target]:
    """Round-robin over hosts, so the 126 kelurahan of one shared portal do not queue up
    at the front and hold every worker while waiting for their host's two slots."""
    by_host: dict[str, deque[Target]] = defaultdict(deque)
    for target in targets:
        by_host[host_of(target.url) if target.url else ""].append(target)
    queues = list(by_host.values())
    order: list[Target] = []
    while queues:
        for queue in queues:
            order.append(queue.popleft())
        queues = [q for q in queues if q]
    return order


SLOW_EVERY = 2  # a timed-out site takes at most one place in this many at the front


def slow_early(order: Sequence[Target],
               previous: Mapping[str, Mapping[str, PreviousFinding]]) -> list[Target]:
    """``order`` with the sites whose home page timed out last sweep at its front, one in
    every ``SLOW_EVERY`` places. Why: such a site most likely holds its slot for two full
    deadlines and the retry pause again (12 s at timeout 5) while using no CPU. Started among
    the last sites, it keeps the sweep running for that long after every other site is done;
    started first, its wait overlaps all the other sites' work. Not all in one block: 5% of
    10,000 sites would then fill every slot for 12 s while the CPU idled; one place in two
    leaves at least half the slots to the others.

    (Measured: spread evenly over the order's first half instead, a province-sized sweep of
    2,879 sites ended 6 s after 90% of its sites were done, waiting for timed-out sites that
    had started 9 s in.)"""
    slow = [t for t in order if _timed_out(previous.get(t.code, {}))]
    if not slow:
        return list(order)
    slow_codes = {t.code for t in slow}
    rest = deque(t for t in order if t.code not in slow_codes)
    out: list[Target] = []
    for target in slow:
        out.append(target)
        for _ in range(SLOW_EVERY - 1):
            if rest:
                out.append(rest.popleft())
    out.extend(rest)
    return out


def _timed_out(previous: Mapping[str, PreviousFinding]) -> bool:
    found = previous.get("availability")
    return found is not None and found.data.get("error") == "timeout"


def site_hosts(snapshot: Snapshot) -> list[str]:
    """The hosts the site itself uses: its address, and where its home page sent us."""
    home = snapshot.home
    urls = [snapshot.url] + ([u for _s, u in home.redirects] if home is not None else [])
    return [h for h in map(host_in, urls) if h]


def retryable(home: Fetched) -> bool:
    """A refused or slow connection, or a server error, is often gone a moment later; a 4xx
    or a DNS failure is not."""
    if home.error in RETRY_ERRORS:
        return True
    return home.error is None and home.status_code is not None and home.status_code >= 500
