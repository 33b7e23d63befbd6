"""The only module that speaks SQL: sites from targets.csv, sweeps, and their results.

Later stages read through ``Store``; nothing else builds queries, so the same code runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Subquery, Text, cast, func, insert
from sqlmodel import Session, col, select

from monitor.core.clock import as_utc
from monitor.core.snapshot import PreviousFinding
from monitor.store.db import open_engine, safe_url
from monitor.store.models import Result, Site, Sweep, result_row
from monitor.targets.loader import Target

_RESULT_INSERT = insert(Result.__table__)  # type: ignore[attr-defined]

FINDINGS_TEXT = cast(col(Result.findings), Text)
"""A result's findings as the JSON text stored, for ``decode_findings``: reading history,
most rows are skipped, and a driver that decodes every row's JSON pays for all of them."""


def decode_findings(raw: str | None) -> dict[str, Any]:
    """``FINDINGS_TEXT`` as the dict it holds ({} for NULL or anything not an object)."""
    decoded = json.loads(raw) if raw else None
    return decoded if isinstance(decoded, dict) else {}


def newest_per_site() -> Subquery:
    """(site_id, rid): each site's newest result id."""
    return (select(Result.site_id, func.max(Result.id).label("rid"))
            .group_by(col(Result.site_id)).subquery())


IN_LIST = 500  # values per IN list: some drivers limit a statement's parameters


def in_lists(column: Any, values: Sequence[Any]) -> list[Any]:
    """``column IN (...)`` conditions covering ``values``, ``IN_LIST`` at a time."""
    return [col(column).in_(values[start:start + IN_LIST])
            for start in range(0, len(values), IN_LIST)]


def ranked_per_site(*where: Any) -> Subquery:
    """(id, rn): each result's place in its site's history, 1 for the newest."""
    return select(
        Result.id,
        func.row_number().over(partition_by=col(Result.site_id),
                               order_by=col(Result.id).desc()).label("rn"),
    ).where(*where).subquery()

__all__ = ["FINDINGS_TEXT", "Store", "Site", "Sweep", "Result", "SyncReport", "decode_findings",
           "in_lists", "newest_per_site", "open_engine", "ranked_per_site", "result_row",
           "safe_url"]


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    removed: int


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._site_ids: dict[str, int | None] = {}  # code -> id, for save_results

    @classmethod
    def open(cls, url: str) -> Store:
        return cls(open_engine(url))

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- sites -------------------------------------------------------------------------
    def sync_targets(self, targets: Sequence[Target], now: datetime) -> SyncReport:
        """Make the site table match targets.csv in one transaction. Rows that left the file
        are only marked (in_targets=False): their history stays."""
        added = updated = removed = 0
        with self.session() as session:
            existing = {s.code: s for s in session.exec(select(Site)).all()}
            for t in targets:
                site = existing.pop(t.code, None)
                values: dict[str, Any] = dict(level=t.level, name=t.name, kecamatan=t.kecamatan,
                                              url=t.url, email=t.email, in_targets=True)
                if site is None:
                    session.add(Site(code=t.code, first_seen=now, updated_at=now, **values))
                    added += 1
                elif any(getattr(site, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(site, k, v)
                    site.updated_at = now
                    session.add(site)
                    updated += 1
            for site in existing.values():
                if site.in_targets:
                    site.in_targets = False
                    site.updated_at = now
                    session.add(site)
                    removed += 1
            session.commit()
        return SyncReport(added, updated, removed)

    def sites(self, *, include_removed: bool = False) -> list[Site]:
        with self.session() as session:
            query = select(Site).order_by(col(Site.code))
            if not include_removed:
                query = query.where(col(Site.in_targets).is_(True))
            return list(session.exec(query).all())

    # -- sweeps ------------------------------------------------------------------------
    def begin_sweep(self, now: datetime, total: int, options: dict[str, Any]) -> int:
        with self.session() as session:
            sweep = Sweep(started_at=now, total=total, options=options,
                          host=socket.gethostname(), pid=os.getpid())
            session.add(sweep)
            session.commit()
            assert sweep.id is not None
            return sweep.id

    def finish_sweep(self, sweep_id: int, now: datetime, status: str = "complete") -> Sweep:
        with self.session() as session:
            sweep = session.get_one(Sweep, sweep_id)
            sweep.finished_at = now
            sweep.status = status
            sweep.done, sweep.up = _counts(session, sweep_id)
            session.add(sweep)
            session.commit()
            return sweep

    def sweep_progress(self, sweep_id: int) -> tuple[int, int]:
        """(results stored, of which up) so far: a running sweep's counts are only written
        when it finishes."""
        with self.session() as session:
            return _counts(session, sweep_id)

    def mark_abandoned_sweeps(self, now: datetime) -> int:
        """Sweeps still 'running' when no sweep holds the lock were killed: mark them, with
        the counts of what they had stored (`monitor status` shows them)."""
        with self.session() as session:
            stale = session.exec(select(Sweep).where(Sweep.status == "running")).all()
            for sweep in stale:
                assert sweep.id is not None
                sweep.status = "incomplete"
                sweep.finished_at = sweep.finished_at or now
                sweep.done, sweep.up = _counts(session, sweep.id)
                session.add(sweep)
            session.commit()
            return len(stale)

    def sweeps(self, since: datetime | None = None, until: datetime | None = None) -> list[Sweep]:
        with self.session() as session:
            query = select(Sweep).order_by(col(Sweep.started_at))
            if since is not None:
                query = query.where(Sweep.started_at >= since)
            if until is not None:
                query = query.where(Sweep.started_at < until)
            return list(session.exec(query).all())

    def last_sweep(self) -> Sweep | None:
        with self.session() as session:
            return session.exec(select(Sweep).order_by(col(Sweep.id).desc()).limit(1)).first()

    # -- results -----------------------------------------------------------------------
    def save_results(self, sweep_id: int, rows: Sequence[tuple[str, Result]]) -> int:
        """Store (site code, result) pairs of one sweep in one transaction."""
        with self.session() as session:
            self._refresh_site_ids(session, [code for code, _ in rows])
            ids = self._site_ids
            count = 0
            for code, result in rows:
                result.sweep_id = sweep_id
                site_id = ids.get(code)
                if site_id is None:
                    continue
                result.site_id = site_id
                session.add(result)
                count += 1
            session.commit()
            return count

    def save_rows(self, sweep_id: int, rows: Sequence[tuple[str, dict[str, Any]]]) -> int:
        """Store (site code, column values) pairs of one sweep with one executemany: the
        sweep's fast path (no ORM objects)."""
        with self.session() as session:
            self._refresh_site_ids(session, [code for code, _ in rows])
            values = [{**row, "sweep_id": sweep_id, "site_id": self._site_ids[code]}
                      for code, row in rows if self._site_ids.get(code) is not None]
            if values:
                # Core's insert on the table: the ORM's bulk insert walks every row through
                # its persistence bookkeeping first (measured ~20% of a stored row's CPU)
                session.execute(_RESULT_INSERT, values)
                session.commit()
            return len(values)

    def _refresh_site_ids(self, session: Session, codes: Sequence[str]) -> None:
        if any(code not in self._site_ids for code in codes):
            # read once per sweep, not per batch: 10,000 sites x 400 batches otherwise
            self._site_ids = dict(session.exec(select(Site.code, Site.id)).all())

    def latest_results(self) -> list[tuple[Site, Result | None]]:
        """The newest result of every site in targets.csv (None: never checked)."""
        with self.session() as session:
            newest = newest_per_site()
            rows = session.exec(
                select(Site, Result)
                .where(col(Site.in_targets).is_(True))
                .join(newest, newest.c.site_id == Site.id, isouter=True)
                .join(Result, col(Result.id) == newest.c.rid, isouter=True)
                .order_by(col(Site.code))
            ).all()
            return [(site, result) for site, result in rows]

    def results_between(self, since: datetime, until: datetime) -> list[tuple[Site, Result]]:
        """Every result taken in [since, until), oldest first (for weekly reports)."""
        with self.session() as session:
            rows = session.exec(
                select(Site, Result).join(Result, col(Result.site_id) == Site.id)
                .where(Result.checked_at >= since, Result.checked_at < until)
                .order_by(col(Result.checked_at), col(Site.code))
            ).all()
            return [(site, result) for site, result in rows]

    def previous_findings(self, depth: int = 8, checks: Collection[str] | None = None
                          ) -> dict[str, dict[str, PreviousFinding]]:
        """For every site, the newest successful finding of each check among its last
        ``depth`` results: what a check may compare this sweep with.

        ``checks``: the checks that will read them. Each site's newest result is read
        first; its older ones only while one of those checks still has no finding there
        (it failed, or did not run). Reading all ``depth`` results of every site to keep
        one cost a weekly sweep of 3,000 sites with 10 weeks of history 2.4 s of CPU and
        261 MB before its first site was fetched, growing every week (now 0.2 s and 30 MB,
        whatever the history: ``benchmarks/history.py``). Rows come in chunks, decoded here
        (``decode_findings``), so a skipped row is never decoded."""
        wanted = frozenset(checks) if checks is not None else None
        found: dict[str, dict[str, PreviousFinding]] = {}
        with self.session() as session:
            newest = newest_per_site()
            self._read_findings(found, wanted, session.exec(
                select(Site.code, Result.checked_at, FINDINGS_TEXT)
                .join(newest, newest.c.site_id == Site.id)
                .join(Result, col(Result.id) == newest.c.rid)
                .execution_options(yield_per=2_000)))
            missing = [code for code, per_site in found.items()
                       if wanted is not None and not wanted <= per_site.keys()]
            if depth < 2 or (wanted is not None and not missing):
                return found
            ranked = ranked_per_site()
            older = (select(Site.code, Result.checked_at, FINDINGS_TEXT)
                     .join(Result, col(Result.site_id) == Site.id)
                     .join(ranked, ranked.c.id == Result.id)
                     .where(ranked.c.rn > 1, ranked.c.rn <= depth)
                     .order_by(col(Result.id).desc())
                     .execution_options(yield_per=2_000))
            # all sites' older rows when no check is named; else only those still missing
            # one, a bounded IN list at a time
            chunks = [older] if wanted is None else [
                older.where(condition) for condition in in_lists(Site.code, missing)]
            for query in chunks:
                self._read_findings(found, wanted, session.exec(query))
        return found

    @staticmethod
    def _read_findings(found: dict[str, dict[str, PreviousFinding]],
                       wanted: frozenset[str] | None, rows: Any) -> None:
        """Newest rows first: a check's first finding wins; a site whose wanted checks all
        have theirs skips the rest undecoded."""
        for code, checked_at, raw in rows:
            per_site = found.setdefault(code, {})
            if wanted is not None and wanted <= per_site.keys():
                continue
            for name, data in decode_findings(raw).items():
                if name not in per_site and data:
                    per_site[name] = PreviousFinding(as_utc(checked_at), data)


def _counts(session: Session, sweep_id: int) -> tuple[int, int]:
    done = session.exec(select(func.count()).where(Result.sweep_id == sweep_id)).one()
    up = session.exec(select(func.count()).where(Result.sweep_id == sweep_id,
                                                 col(Result.available).is_(True))).one()
    return done, up


def utcnow() -> datetime:
    return datetime.now(UTC)
