"""Which sites need an admin's follow-up, why (with evidence), and where the follow-up stands.

Issue 8 of 9: Diskominfotik admins follow up on sites that are down, stale, hacked or not
mobile-friendly. A site needs action for one or more *reasons*, worst first (the order in
``REASONS`` is the issue's order and decides the list order):

``unreachable``
    every sweep in the window (``days``, default 7: "all week") found the home page not
    available, and there was at least one such sweep. One bad sweep is noise; a week is a
    site that needs a phone call.
``tidak_aktif`` / ``kurang_aktif``
    the newest result's SPEC activity word (limits are the ``aktif_days`` and
    ``kurang_aktif_days`` settings, applied by the freshness check when it ran).
``content_flags``
    the newest result carries SPEC content flags (``judi_spam`` and ``defaced`` mean the site
    is hacked; ``suspended``, ``default_page``, ``empty`` mean it shows nothing of use).
``not_mobile_friendly``
    the newest result says ``mobile_friendly`` is false.
``no_site``
    targets.csv has no URL for the area (SPEC: "the area has no website yet").

Reviews are append-only (``monitor.store.reviews``). A review marked ``selesai`` is
*reopened* when a sweep taken after it still finds a reason: the admin's "done" is
contradicted by the evidence, so the site goes back on the list flagged as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.base import Evidence
from monitor.core.activity import KURANG_AKTIF, TIDAK_AKTIF
from monitor.core.clock import as_utc, iso_jakarta
from monitor.core.errors import UsageError
from monitor.core.names import name_key
from monitor.store import Result, Site, Store
from monitor.store.models import Review
from monitor.store.reviews import latest_reviews

REASONS = ("unreachable", TIDAK_AKTIF, KURANG_AKTIF, "content_flags", "not_mobile_friendly",
           "no_site")
HACKED_FLAGS = frozenset({"judi_spam", "defaced"})  # SPEC: judi_spam means the site is hacked
DONE = "selesai"
REOPENED = "reopened"
MAX_EVIDENCE = 5  # per reason: enough to verify by hand, short enough to read


@dataclass(frozen=True)
class Reason:
    """One reason a site needs action: its word from ``REASONS``, a sentence, and proof."""

    key: str
    summary: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ReviewState:
    """The newest review of a site, and whether later sweeps contradict a ``selesai``."""

    status: str
    note: str
    by: str
    created_at: datetime
    reopened: bool = False

    @property
    def shown_status(self) -> str:
        """What lists and reports show: ``reopened`` wins over the recorded ``selesai``."""
        return REOPENED if self.reopened else self.status


@dataclass(frozen=True)
class ActionItem:
    """A site that needs action, with everything an admin needs to decide what to do."""

    code: str
    level: str
    name: str
    kecamatan: str
    url: str
    checked_at: datetime | None
    activity: str | None
    days_since_update: int | None
    last_update: str | None
    reasons: tuple[Reason, ...]
    review: ReviewState | None = None

    @property
    def rank(self) -> int:
        return min(REASONS.index(r.key) for r in self.reasons)

    @property
    def reason_keys(self) -> list[str]:
        return [r.key for r in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: times as ISO 8601 Asia/Jakarta, like the SPEC export."""
        review = self.review
        return {
            "code": self.code, "level": self.level, "name": self.name,
            "kecamatan": self.kecamatan, "url": self.url,
            "checked_at": iso_jakarta(self.checked_at), "activity": self.activity,
            "days_since_update": self.days_since_update, "last_update": self.last_update,
            "reasons": self.reason_keys,
            "details": [{"reason": r.key, "summary": r.summary,
                         "evidence": [vars(e) for e in r.evidence]} for r in self.reasons],
            "review_status": review.shown_status if review else None,
            "reopened": bool(review and review.reopened),
            "review_note": review.note if review else None,
            "review_by": review.by if review else None,
            "reviewed_at": iso_jakarta(review.created_at) if review else None,
        }


# -- judging one site (pure) -----------------------------------------------------------------
def reasons_for(site: Site, newest: Result | None, window: Sequence[Result]) -> list[Reason]:
    """Every reason ``site`` needs action, worst first. ``window`` holds its results of the
    period (any order); ``newest`` is its newest result (may be older than the window)."""
    if not site.url:
        return [Reason("no_site", "targets.csv has no website address for this area",
                       (Evidence.of("targets:url-empty", None, "url column is empty"),))]
    found: list[Reason] = []
    down = _unreachable(window)
    if down is not None:
        found.append(down)
    if newest is not None:
        found += _content_reasons(newest)
    return sorted(found, key=lambda r: REASONS.index(r.key))


def _unreachable(window: Sequence[Result]) -> Reason | None:
    # results taken while the area had no URL say nothing about its website
    checked = [r for r in window if r.error != "no_site"]
    if not checked or any(r.available for r in checked):
        return None
    ordered = sorted(checked, key=lambda r: as_utc(r.checked_at))
    first, last = ordered[0], ordered[-1]
    summary = (f"down in all {len(ordered)} sweeps since {iso_jakarta(as_utc(first.checked_at))}"
               f"; last error: {last.error or 'unknown'}")
    proof = [Evidence.of(f"availability:{last.error or 'unknown'}", last.final_url or last.url,
                         last.error_detail or (last.error or "not available"))]
    proof += _finding_evidence(last, "availability")
    return Reason("unreachable", summary, tuple(proof[:MAX_EVIDENCE]))


def _content_reasons(result: Result) -> list[Reason]:
    found: list[Reason] = []
    if result.activity in (TIDAK_AKTIF, KURANG_AKTIF):
        found.append(_stale(result))
    flags = list(result.content_flags or [])
    if flags:
        hacked = sorted(HACKED_FLAGS.intersection(flags))
        label = "hacked: " if hacked else "content problem: "
        proof = [Evidence.of("content_flags", result.final_url or result.url, ", ".join(flags))]
        proof += _finding_evidence(result, "content")
        found.append(Reason("content_flags", label + ", ".join(flags),
                            tuple(proof[:MAX_EVIDENCE])))
    if result.mobile_friendly is False:
        issues = ", ".join(result.mobile_issues or []) or "no issue named"
        proof = [Evidence.of("mobile_issues", result.final_url or result.url, issues)]
        proof += _finding_evidence(result, "mobile")
        found.append(Reason("not_mobile_friendly", f"not mobile-friendly: {issues}",
                            tuple(proof[:MAX_EVIDENCE])))
    return found


def _stale(result: Result) -> Reason:
    if result.last_update is None:
        summary = "reachable, but no evidence of any update was found"
        proof = [Evidence.of("activity:no-date", result.final_url or result.url,
                             "no dated content found")]
    else:
        summary = (f"last update {result.last_update} ({result.days_since_update} days before "
                   f"the check), source {result.last_update_source or 'unknown'}")
        proof = [Evidence.of(f"activity:{result.last_update_source or 'unknown'}",
                             result.final_url or result.url,
                             result.last_update_evidence or result.last_update)]
    proof += _finding_evidence(result, "fresh")
    return Reason(result.activity, summary, tuple(proof[:MAX_EVIDENCE]))


def _finding_evidence(result: Result, prefix: str) -> list[Evidence]:
    """Evidence kept by the checks whose name starts with ``prefix`` (stored as plain data)."""
    out: list[Evidence] = []
    for name, data in (result.findings or {}).items():
        if not name.startswith(prefix) or not isinstance(data, dict):
            continue
        for item in data.get("evidence") or []:
            if isinstance(item, dict):
                out.append(Evidence.of(str(item.get("rule", "")),
                                       None if item.get("url") is None else str(item["url"]),
                                       str(item.get("text", ""))))
    return out


def review_state(review: Review | None, site: Site, newest: Result | None,
                 window: Sequence[Result]) -> ReviewState | None:
    """The newest review; a ``selesai`` is reopened when a sweep after it still finds a
    reason (unreachable counts only the sweeps after the review)."""
    if review is None:
        return None
    created = as_utc(review.created_at)
    reopened = False
    if review.status == DONE and newest is not None and as_utc(newest.checked_at) > created:
        later = [r for r in window if as_utc(r.checked_at) > created]
        reopened = bool(reasons_for(site, newest, later))
    return ReviewState(review.status, review.note, review.by, created, reopened)


def assess(site: Site, newest: Result | None, window: Sequence[Result],
           review: Review | None) -> ActionItem | None:
    """The site's action item, or None when nothing needs doing."""
    reasons = reasons_for(site, newest, window)
    if not reasons:
        return None
    return ActionItem(
        code=site.code, level=site.level, name=site.name, kecamatan=site.kecamatan,
        url=site.url, checked_at=as_utc(newest.checked_at) if newest else None,
        activity=newest.activity if newest else None,
        days_since_update=newest.days_since_update if newest else None,
        last_update=newest.last_update if newest else None, reasons=tuple(reasons),
        review=review_state(review, site, newest, window))


def sort_key(item: ActionItem) -> tuple[int, bool, int, str]:
    """Worst reason first; within it reopened first, then the longest stale, then code."""
    return (item.rank, not (item.review and item.review.reopened),
            -(item.days_since_update or 0), item.code)


# -- the list ---------------------------------------------------------------------------------
def needs_action(store: Store, now: datetime, *, days: int = 7,
                 kecamatan: str | None = None) -> list[ActionItem]:
    """Every site in targets.csv that needs action, worst first, with its last review."""
    if days < 1:
        raise UsageError("--days must be at least 1")
    latest = store.latest_results()
    if kecamatan is not None:
        latest = [(s, r) for s, r in latest if s.kecamatan and name_key(s.kecamatan) ==
                  name_key(kecamatan)]
        if not latest:
            known = sorted({s.kecamatan for s, _ in store.latest_results() if s.kecamatan})
            raise UsageError(f"no kecamatan named {kecamatan!r}; known: {', '.join(known)}")
    window = _by_site(store.results_between(now - timedelta(days=days), now + timedelta(
        seconds=1)))
    reviews = latest_reviews(store)
    items = [assess(site, result, window.get(site.code, []), reviews.get(site.code))
             for site, result in latest]
    return sorted((i for i in items if i is not None), key=sort_key)


def _by_site(rows: Iterable[tuple[Site, Result]]) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = {}
    for site, result in rows:
        grouped.setdefault(site.code, []).append(result)
    return grouped
