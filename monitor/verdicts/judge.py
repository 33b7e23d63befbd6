"""One site's verdict: its reasons, its review state (reopened or not), its rank.

A review marked ``selesai`` is *reopened* when a sweep taken after it still finds a reason:
the sweeps after the review are judged by the same rules (so ``down_week`` reopens only if the
site was down in every sweep after it), and the admin's "done" is contradicted by evidence.
A ``selesai`` with no sweep after it stands until the next sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from monitor.core.activity import TIDAK_ADA_SITUS
from monitor.core.clock import as_utc
from monitor.store import Result, Site
from monitor.store.models import Review
from monitor.verdicts.limits import Limits
from monitor.verdicts.model import DONE, ReviewState, Verdict
from monitor.verdicts.rules import activity, checked, reasons


def judge(site: Site, results: Sequence[Result], review: Review | None = None,
          limits: Limits | None = None) -> Verdict:
    """The verdict on ``site`` from its ``results`` of the period (any order) and its newest
    ``review`` (None: never reviewed)."""
    limits = limits or Limits()
    found = reasons(site, results, limits)
    fetched = checked(results) if site.url else []
    newest = fetched[-1] if fetched else None
    word = activity(newest, limits) if newest is not None else None
    return Verdict(
        code=site.code, reasons=found, review=review_state(site, results, review, limits),
        activity=word if site.url else TIDAK_ADA_SITUS,
        days_since_update=newest.days_since_update if newest is not None else None)


def review_state(site: Site, results: Sequence[Result], review: Review | None,
                 limits: Limits) -> ReviewState | None:
    """The newest review; a ``selesai`` is reopened when the sweeps after it still find a
    reason."""
    if review is None:
        return None
    created = as_utc(review.created_at)
    reopened = False
    if review.status == DONE:
        later = [r for r in results if as_utc(r.checked_at) > created]
        reopened = bool(later) and bool(reasons(site, later, limits))
    return ReviewState(review.status, review.note, review.by, created, reopened)


def worst_first(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """The verdicts that need action, in the one order every list uses."""
    return sorted((v for v in verdicts if v.needs_action), key=lambda v: v.sort_key)
