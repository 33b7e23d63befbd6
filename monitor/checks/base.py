"""The contract every check keeps.

A check is a small object with a ``name``, an optional ``plan`` (extra URLs it wants the sweep
to fetch, asked again after each round so it can follow a link it found, e.g. robots.txt ->
sitemap) and a ``run`` that judges a Snapshot and returns a *finding*: a dataclass with its
``evidence`` and the SPEC export fields it fills (``fields()``).

Rules (the same ones uptime-kuma writes down for its monitor types):

* A site's fault is data. A page that is broken, hostile, huge or garbled yields a finding
  that says so; it never raises.
* A check never fetches and never touches the database: the sweep fetches what ``plan`` asks
  for, within the site's deadline, and the store keeps what ``run`` returns.
* If a check raises anyway, that is our bug: the runner records it as a failed check on that
  site and the sweep goes on with the other checks and sites.
* Every judgement carries Evidence: which URL, the exact text or field read, which rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from monitor.core.snapshot import Request, Snapshot


@dataclass(frozen=True)
class Evidence:
    """Why a judgement was made, so an admin can check it by hand."""

    rule: str  # e.g. "http-status", "lighthouse:viewport", "feed:newest-item"
    url: str | None  # where it was read
    text: str  # the exact string, header or field value read (trimmed to 300 chars)

    @classmethod
    def of(cls, rule: str, url: str | None, text: str) -> Evidence:
        return cls(rule, url, text if len(text) <= 300 else text[:297] + "...")


class Finding(Protocol):
    """A check's typed result: a dataclass with evidence and the export fields it fills."""

    evidence: list[Evidence]

    def fields(self) -> dict[str, Any]:
        """The SPEC export fields this finding sets (e.g. {"mobile_friendly": True})."""
        ...


class Check(Protocol):
    name: str

    def plan(self, snapshot: Snapshot) -> Sequence[Request]:
        """Extra URLs still wanted given what the snapshot holds now; [] when done."""
        ...

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> Finding:
        """Judge the snapshot. ``options`` holds the resolved settings (thresholds)."""
        ...
