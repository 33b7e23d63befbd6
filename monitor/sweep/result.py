"""One site's outcome of a sweep, as the store receives it.

Kept apart from the sweep's machinery so the service and the command line name what they
store without reading how it was fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.checks import CheckOutcome
from monitor.core.snapshot import Attempt, Snapshot
from monitor.targets.loader import Target


@dataclass
class SiteResult:
    """A site's snapshot summary and its check outcomes, ready for the store."""

    code: str
    url: str
    taken_at: datetime
    attempts: list[Attempt]
    outcomes: list[CheckOutcome]
    extra_urls: list[str]
    failure: str = ""  # our own code failed for this site: stored as error 'other'

    def fields(self) -> dict[str, Any]:
        """The SPEC export fields, merged from every check's finding."""
        merged: dict[str, Any] = {}
        for outcome in self.outcomes:
            merged.update(outcome.fields)
        return merged


def bytes_of(snapshot: Snapshot) -> int:
    home = len(snapshot.home.body) if snapshot.home is not None else 0
    return home + sum(len(f.body) for f in snapshot.extra.values())


def failed_result(target: Target, detail: str, taken_at: datetime | None = None) -> SiteResult:
    """The one result of a site our own code failed for: the sweep still ends, and the
    failure is stored where an operator sees it (error 'other', error_detail)."""
    return SiteResult(target.code, target.url, taken_at or datetime.now(UTC), [], [], [],
                      failure=f"internal error: {detail}"[:500])
