"""The needs-action list over the last N days, as `monitor inactive` and the admin page show it.

The period is the ``days`` before ``now`` (default 7, like the weekly report), judged by
``judge`` exactly as a report judges its week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.core.clock import as_utc
from monitor.core.errors import UsageError
from monitor.core.names import name_key
from monitor.store import Result, Site, Store
from monitor.store.reviews import latest_reviews
from monitor.verdicts.judge import judge
from monitor.verdicts.limits import Limits
from monitor.verdicts.model import Verdict
from monitor.verdicts.rules import checked


@dataclass(frozen=True)
class SiteVerdict:
    """A site, its newest result of the period (None: not reached for), and its verdict."""

    site: Site
    newest: Result | None
    verdict: Verdict

    @property
    def code(self) -> str:
        return self.site.code


def needs_action(store: Store, now: datetime, *, days: int = 7, kecamatan: str | None = None,
                 limits: Limits | None = None) -> list[SiteVerdict]:
    """Every site in targets.csv that needs action, worst first, with its last review."""
    if days < 1:
        raise UsageError("--days must be at least 1")
    sites = store.sites()
    if kecamatan is not None:
        wanted = name_key(kecamatan)
        chosen = [s for s in sites if s.kecamatan and name_key(s.kecamatan) == wanted]
        if not chosen:
            known = sorted({s.kecamatan for s in sites if s.kecamatan})
            raise UsageError(f"no kecamatan named {kecamatan!r}; known: {', '.join(known)}")
        sites = chosen
    window = _by_site(store.results_between(now - timedelta(days=days),
                                            now + timedelta(seconds=1)))
    reviews = latest_reviews(store)
    items = []
    for site in sites:
        results = window.get(site.code, [])
        verdict = judge(site, results, reviews.get(site.code), limits)
        if verdict.needs_action:
            fetched = checked(results)
            items.append(SiteVerdict(site, fetched[-1] if fetched else None, verdict))
    return sorted(items, key=lambda i: i.verdict.sort_key)


def _by_site(rows: Iterable[tuple[Site, Result]]) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = {}
    for site, result in rows:
        grouped.setdefault(site.code, []).append(result)
    for results in grouped.values():
        results.sort(key=lambda r: as_utc(r.checked_at))
    return grouped
