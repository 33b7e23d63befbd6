"""The registry of checks, and the runner that keeps one broken check from stopping a sweep.

Adding a check: write ``monitor/checks/<name>.py`` with a class following ``base.Check`` and
add one line to ``CHECKS`` below. The sweep, store and export need no change: a finding's
``fields()`` fill the SPEC export columns, and its dataclass is stored as the evidence.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Mapping
from typing import Any

from monitor.checks.availability import AvailabilityCheck
from monitor.checks.base import Check, Evidence, Finding
from monitor.checks.content.check import ContentCheck
from monitor.checks.freshness.check import FreshnessCheck
from monitor.checks.mobile.check import MobileCheck
from monitor.core.plain import as_plain
from monitor.core.snapshot import Request, Snapshot

log = logging.getLogger(__name__)

CHECKS: tuple[Check, ...] = (
    AvailabilityCheck(),
    FreshnessCheck(),
    MobileCheck(),
    ContentCheck(),
)

__all__ = ["CHECKS", "Check", "Evidence", "Finding", "CheckOutcome", "run_checks", "plan"]


@dataclasses.dataclass
class CheckOutcome:
    """What the store keeps for one check on one site: its finding, or why it failed."""

    name: str
    ok: bool
    data: dict[str, Any]  # the finding as plain data (evidence included), or {}
    fields: dict[str, Any]  # SPEC export fields it set
    failure: str = ""  # our bug, when the check raised


def plan(snapshot: Snapshot, checks: tuple[Check, ...] = CHECKS) -> list[Request]:
    """Extra URLs all checks still want; a check that raises here just asks for nothing."""
    wanted: dict[str, Request] = {}
    for check in checks:
        try:
            for request in check.plan(snapshot):
                if request.key not in snapshot.extra:
                    wanted.setdefault(request.key, request)
        except Exception:  # a planning bug must not stop the sweep
            log.exception("check %s failed to plan for %s", check.name, snapshot.code)
    return list(wanted.values())


def run_checks(
    snapshot: Snapshot, options: Mapping[str, Any], checks: tuple[Check, ...] = CHECKS
) -> list[CheckOutcome]:
    """Run every check on one snapshot; a check that raises is recorded, not propagated."""
    outcomes = []
    for check in checks:
        try:
            finding = check.run(snapshot, options)
            outcomes.append(CheckOutcome(check.name, True, _plain(finding), finding.fields()))
        except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check on one site; the sweep goes on
            log.warning("check %s failed on %s: %r", check.name, snapshot.code, exc)
            summary = "".join(traceback.format_exception_only(exc)).strip()
            outcomes.append(CheckOutcome(check.name, False, {}, {}, summary[:500]))
    return outcomes


def _plain(finding: Finding) -> dict[str, Any]:
    if dataclasses.is_dataclass(finding) and not isinstance(finding, type):
        return as_plain(finding)
    raise TypeError(f"finding {type(finding).__name__} is not a dataclass")
