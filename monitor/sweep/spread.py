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


class StartOrder:
    """Which site a free worker starts next: ``order``, except that the sites whose home page
    timed out last sweep go first, as long as they hold at most half of the ``slots``.

    Why: such a site most likely holds its slot for two full deadlines and the retry pause
    again (12 s at timeout 5) while using no CPU. Started among the last sites, it keeps the
    sweep running for that long after every other site is done; started first, its wait
    overlaps all the other sites' work. Not without a bound: they hold their slots 20 times
    longer than a site that answers, so started freely they soon hold every slot (5% of
    10,000 sites did, and the CPU idled). A rule on the order alone cannot hold that bound:
    measured, the timed-out sites spread over the order's first half kept a province-sized
    weekly sweep (2,879 sites) running 6 s after 90% of its sites were done, and one in two
    places at the front clogged every slot of a 10,000-site sweep."""

    def __init__(self, order: Sequence[Target],
                 previous: Mapping[str, Mapping[str, PreviousFinding]], slots: int) -> None:
        slow = [t for t in order if _timed_out(previous.get(t.code, {}))]
        self._slow_codes = {t.code for t in slow}
        self._slow = deque(slow)
        self._rest = deque(t for t in order if t.code not in self._slow_codes)
        self._cap = max(1, slots // 2)
        self._slow_running = 0

    def __bool__(self) -> bool:
        return bool(self._slow or self._rest)

    def take(self) -> Target:
        """The next site to start (raises IndexError when none is left)."""
        if self._slow and (self._slow_running < self._cap or not self._rest):
            self._slow_running += 1
            return self._slow.popleft()
        return self._rest.popleft()

    def finished(self, target: Target) -> None:
        """``target`` (from ``take``) is done: its slot is free."""
        if target.code in self._slow_codes:
            self._slow_running -= 1


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
