"""The retention job: keep the database from growing without bound, but keep weekly evidence.

Four sweeps a day of 147 sites, each result carrying its checks' evidence, add up to over
200,000 results a year. Recent detail matters (the 90-day activity window, last week's report,
sweep-to-sweep comparisons); old detail does not, but the week-by-week record does (SPBE
evaluations ask how a site fared over the year). So, for sweeps that started before the
Jakarta week holding ``now - retention_days``:

* each Asia/Jakarta ISO week keeps ONE sweep: its last ``complete`` one (else the one that
  stored most results), with all its results and evidence;
* the week's other sweeps and their results are deleted;
* sites, reviews and the email log are never deleted; a ``running`` sweep is never touched;
* first, every complete day not yet summarised gets its day summaries and episodes
  (store/summaries.py): the monthly and yearly evidence packs read those, so a pruned
  database builds the same year pack as the unpruned one.

Only whole weeks are thinned (the cut-off is moved back to a Monday 00:00 WIB), so a week is
either complete or one sweep, never half of each. A week's report written after thinning is
built from that one sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.core.clock import as_utc, iso_week_bounds, to_jakarta
from monitor.store import Store, Sweep
from monitor.store.pruning import delete_sweeps
from monitor.store.summaries import fill as fill_summaries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PruneSummary:
    cutoff: datetime
    weeks: int  # thinned weeks (one sweep kept in each)
    sweeps: int  # sweeps deleted
    results: int  # results deleted
    dry_run: bool = False
    summarised: int = 0  # days newly summarised for the evidence packs

    def line(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        days = f"; {self.summarised} days summarised first" if self.summarised else ""
        return (f"prune: {verb} {self.sweeps} sweeps and {self.results} results from before "
                f"{to_jakarta(self.cutoff).date().isoformat()}; one sweep kept in each of "
                f"{self.weeks} weeks{days}")


def week_start_cutoff(now: datetime, keep_days: int) -> datetime:
    """``now - keep_days``, moved back to the Monday 00:00 WIB that starts its week."""
    iso = to_jakarta(now - timedelta(days=keep_days)).isocalendar()
    return iso_week_bounds(iso.year, iso.week)[0]


def _week(sweep: Sweep) -> tuple[int, int]:
    iso = to_jakarta(as_utc(sweep.started_at)).isocalendar()
    return iso.year, iso.week


def _keeper(sweeps: Sequence[Sweep]) -> Sweep:
    complete = [s for s in sweeps if s.status == "complete"]
    if complete:
        return max(complete, key=lambda s: (as_utc(s.started_at), s.id or 0))
    return max(sweeps, key=lambda s: (s.done, as_utc(s.started_at)))


def sweeps_to_drop(sweeps: Sequence[Sweep], cutoff: datetime) -> tuple[list[int], int]:
    """Ids of the sweeps to delete, and how many weeks they come from."""
    by_week: dict[tuple[int, int], list[Sweep]] = {}
    for sweep in sweeps:
        if sweep.status != "running" and as_utc(sweep.started_at) < cutoff:
            by_week.setdefault(_week(sweep), []).append(sweep)
    drop: list[int] = []
    weeks = 0
    for week_sweeps in by_week.values():
        keep = _keeper(week_sweeps)
        dropped = [s.id for s in week_sweeps if s is not keep and s.id is not None]
        if dropped:
            weeks += 1
            drop += dropped
    return sorted(drop), weeks


def prune(store: Store, now: datetime, *, keep_days: int, dry_run: bool = False
          ) -> PruneSummary:
    """Thin sweeps older than ``keep_days`` to one per week (see the module docstring)."""
    cutoff = week_start_cutoff(now, keep_days)
    drop, weeks = sweeps_to_drop(store.sweeps(until=cutoff), cutoff)
    summarised = 0 if dry_run else fill_summaries(store, now)  # before anything goes
    if dry_run:
        results = sum(s.done for s in store.sweeps(until=cutoff) if s.id in set(drop))
        return PruneSummary(cutoff, weeks, len(drop), results, dry_run=True)
    results = delete_sweeps(store, drop)
    summary = PruneSummary(cutoff, weeks, len(drop), results, summarised=summarised)
    log.info("%s", summary.line())
    return summary
