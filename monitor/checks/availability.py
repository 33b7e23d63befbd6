"""Availability: did the home page answer with a usable page, how fast, over valid HTTPS?

The sweep has already classified transport failures into the SPEC's error words (``dns``,
``connect``, ``timeout``, ``tls``, ``redirect_loop``, ``too_large``, ``invalid_url``,
``other``); this check turns the home-page fetch into the SPEC fields and adds the HTTP status
rules: a 4xx or 5xx after redirects is ``http_4xx``/``http_5xx``, and a 2xx with an empty body
is not a usable page (``other``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.checks.base import Evidence
from monitor.core.snapshot import Request, Snapshot


@dataclass
class Availability:
    available: bool | None
    error: str | None
    error_detail: str = ""
    status_code: int | None = None
    response_ms: float | None = None
    ttfb_ms: float | None = None
    final_url: str | None = None
    https: bool | None = None
    cert_days_left: int | None = None
    redirects: list[tuple[int, str]] = field(default_factory=list)
    attempts: int = 0
    evidence: list[Evidence] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "status_code": self.status_code,
            "error": self.error,
            "response_ms": None if self.response_ms is None else round(self.response_ms, 1),
            "final_url": self.final_url,
            "https": self.https,
            "cert_days_left": self.cert_days_left,
        }


def http_error(status: int | None) -> str | None:
    """The SPEC's word for an HTTP status that is not a usable answer."""
    if status is None or 200 <= status < 300:
        return None
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return "other"  # 1xx or a 3xx we could not follow


class AvailabilityCheck:
    name = "availability"

    def plan(self, snapshot: Snapshot) -> Sequence[Request]:
        return ()

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> Availability:
        home = snapshot.home
        if home is None:
            return Availability(None, "no_site", "targets.csv has no URL for this area",
                                evidence=[Evidence.of("no-url", None, "url column is empty")])
        error, detail = home.error, home.error_detail
        if error is None:
            error = http_error(home.status_code)
            detail = f"HTTP {home.status_code}" if error else ""
        if error is None and not home.body.strip():
            error, detail = "other", "empty response body"
        tls = home.tls
        https = None
        if home.final_url is not None:
            https = home.final_url.startswith("https://") and tls is not None and tls.verified
        rule = "http-status" if home.error is None else f"fetch:{home.error}"
        evidence = [Evidence.of(rule, home.final_url or home.url,
                                detail or f"HTTP {home.status_code}")]
        evidence += [Evidence.of("redirect", home.url, f"{s} -> {u}") for s, u in home.redirects]
        return Availability(
            available=error is None,
            error=error,
            error_detail=detail,
            status_code=home.status_code,
            response_ms=home.elapsed_ms,
            ttfb_ms=home.ttfb_ms,
            final_url=home.final_url,
            https=https if home.status_code is not None else (False if error == "tls" else None),
            cert_days_left=tls.days_left if tls else None,
            redirects=list(home.redirects),
            attempts=len(snapshot.attempts),
            evidence=evidence,
        )
