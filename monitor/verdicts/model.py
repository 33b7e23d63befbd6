"""What a verdict is: the reasons a site needs action, its review state, and its rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.checks.base import Evidence
from monitor.verdicts.severity import ORDER, kind, rank

DONE = "selesai"
REOPENED = "reopened"


@dataclass(frozen=True)
class Reason:
    """One reason a site needs action.

    ``wording`` and ``action`` are ids in the report wording tables; ``params`` fill them
    (raw values: a date, a day count, SPEC error or mobile-issue words), so each reader
    (report, email, CLI, admin page) words the same reason in its own language."""

    kind: str
    severity: int
    wording: str
    action: str
    evidence: tuple[Evidence, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, evidence: tuple[Evidence, ...] = (), *, wording: str = "",
           action: str = "", **params: Any) -> Reason:
        """A reason of kind ``name`` with the severity and wording of the one table."""
        entry = kind(name)
        return cls(name, entry.severity, wording or entry.wording, action or entry.action,
                   evidence, dict(params))

    @property
    def rank(self) -> int:
        return rank(self.kind)


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
class Verdict:
    """One site over a period: why it needs action (worst first), its review state, and the
    activity word as judged with the limits in force (None: not reached for in the period)."""

    code: str
    reasons: tuple[Reason, ...]
    review: ReviewState | None = None
    activity: str | None = None
    days_since_update: int | None = None

    @property
    def needs_action(self) -> bool:
        return bool(self.reasons)

    @property
    def severity(self) -> int:
        return max((r.severity for r in self.reasons), default=0)

    @property
    def rank(self) -> int:
        """The rank of the worst reason (0 = hacked); sites without a reason rank last."""
        return min((r.rank for r in self.reasons), default=len(ORDER))

    @property
    def reopened(self) -> bool:
        return bool(self.review and self.review.reopened)

    @property
    def kinds(self) -> list[str]:
        return [r.kind for r in self.reasons]

    @property
    def sort_key(self) -> tuple[int, bool, int, int, str]:
        """Worst reason first; among equals a reopened ``selesai`` first (the admin's "done"
        did not hold), then more reasons, then the longest without an update, then code."""
        return (-self.severity, not self.reopened, -len(self.reasons),
                -(self.days_since_update or 0), self.code)
