"""What a weekly report is built from, read once from the store, and its SHA-256.

Everything the report shows comes from one ``WeekInput``. Its canonical JSON (sorted keys,
UTC ISO times, no database ids that differ between SQLite and PostgreSQL) is written beside the
report as ``data.json``, and the report prints its SHA-256: an SPBE evaluator can check that
the report was built from exactly that data (bukti dukung must be verifiable).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.core.clock import as_utc, iso_week_bounds
from monitor.store import Result, Site, Store, Sweep
from monitor.store.models import Review
from monitor.store.reviews import latest_reviews

# Result columns that are database bookkeeping, not data (they differ between databases).
_SKIP = {"id", "site_id", "sweep_id"}
# For last week only the verdicts are compared; its evidence is not shown, so not kept.
_PREVIOUS_SKIP = _SKIP | {"findings", "attempts", "failed_checks"}


@dataclass(frozen=True)
class WeekInput:
    """The rows one week's report reads: this week's and last week's results, sweeps, sites."""

    year: int
    week: int
    since: datetime
    until: datetime
    sites: list[Site]
    results: list[tuple[Site, Result]]
    previous: list[tuple[Site, Result]]
    sweeps: list[Sweep]
    reviews: dict[str, Review]

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def canonical_json(self) -> bytes:
        """The data as canonical JSON bytes (the same on SQLite and PostgreSQL)."""
        doc = {
            "week": self.label,
            "since": _time(self.since),
            "until": _time(self.until),
            "sites": [_site(s) for s in self.sites],
            "sweeps": [_sweep(s) for s in self.sweeps],
            "results": [_result(site, r, _SKIP) for site, r in self.results],
            "previous_week": [_result(site, r, _PREVIOUS_SKIP) for site, r in self.previous],
            "reviews": {code: _review(r) for code, r in sorted(self.reviews.items())},
        }
        text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=str)
        return text.encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json()).hexdigest()


def load_week(store: Store, year: int, week: int) -> WeekInput:
    """Read one ISO week (Monday 00:00 to Sunday 24:00 Asia/Jakarta) and the week before."""
    since, until = iso_week_bounds(year, week)
    return WeekInput(
        year=year, week=week, since=since, until=until,
        sites=store.sites(),
        results=store.results_between(since, until),
        previous=store.results_between(since - timedelta(days=7), since),
        sweeps=store.sweeps(since, until),
        reviews=latest_reviews(store),
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def _plain(value: Any) -> Any:
    return _time(value) if isinstance(value, datetime) else value


def _site(site: Site) -> dict[str, Any]:
    return {"code": site.code, "level": site.level, "name": site.name,
            "kecamatan": site.kecamatan, "url": site.url, "first_seen": _time(site.first_seen)}


def _sweep(sweep: Sweep) -> dict[str, Any]:
    return {"started_at": _time(sweep.started_at), "finished_at": _time(sweep.finished_at),
            "status": sweep.status, "total": sweep.total, "done": sweep.done, "up": sweep.up,
            "options": sweep.options}


def _result(site: Site, result: Result, skip: set[str]) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in result.model_dump().items() if k not in skip}
    data["code"] = site.code
    return data


def _review(review: Review) -> dict[str, Any]:
    return {"status": review.status, "note": review.note, "by": review.by,
            "created_at": _time(review.created_at)}
