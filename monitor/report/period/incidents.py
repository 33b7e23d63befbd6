"""Incidents of a period: each down, hacked or suspended spell with its review trail.

The spells come from the store's Episode rows (kept through retention). A spell that ended
after the period is shown as still open at the period's end, so a pack built later says what
was true then. The review trail is every admin review of the site from the spell's start
to 30 days after its end: what was found and done about it, by whom and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from monitor.core.clock import as_utc
from monitor.report.period.model import Incident, ReviewLine
from monitor.store import Site, Store
from monitor.store import summaries as summary_store

KIND_ORDER = {"hacked": 0, "suspended": 1, "down": 2}
REVIEW_WINDOW = timedelta(days=30)


def incidents(store: Store, sites: Mapping[int, Site], since: datetime,
              until: datetime) -> list[Incident]:
    spells = [e for e in summary_store.episodes_between(store, since, until)
              if e.site_id in sites]
    reviews: dict[int, list[ReviewLine]] = {}
    for review in summary_store.reviews_of(store, (e.site_id for e in spells
                                                   if e.kind != "down" or e.sweeps > 1)):
        reviews.setdefault(review.site_id, []).append(
            ReviewLine(as_utc(review.created_at), review.by, review.status, review.note))
    out = []
    for spell in spells:
        site = sites[spell.site_id]
        started = as_utc(spell.started_at)
        ended = None if spell.ended_at is None else as_utc(spell.ended_at)
        if ended is not None and ended >= until:
            ended = None
        stop = ended or until
        window_end = stop + REVIEW_WINDOW
        trail = [r for r in reviews.get(spell.site_id, []) if started <= r.at <= window_end]
        out.append(Incident(
            code=site.code, name=site.name, kecamatan=site.kecamatan, kind=spell.kind,
            started_at=started, ended_at=ended,
            hours=round((stop - started).total_seconds() / 3600, 1), sweeps=spell.sweeps,
            evidence=list(spell.evidence or []), reviews=trail))
    return sorted(out, key=lambda i: (KIND_ORDER.get(i.kind, 9), i.started_at, i.code))
