"""The mobile audit's result: the SPEC's three fields plus what an admin needs to check them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitor.checks.base import Evidence


@dataclass
class Mobile:
    mobile_friendly: bool | None
    mobile_score: int | None
    mobile_issues: list[str] = field(default_factory=list)
    audit: str = "none"  # "static", "browser" or "none" (site not reached)
    viewport: str | None = None  # the viewport content judged
    legible_share: float | None = None  # share of text >= 12 px (0-1)
    page_bytes: int | None = None
    css_read: list[str] = field(default_factory=list)
    css_missing: list[str] = field(default_factory=list)
    screenshot: str | None = None
    browser_error: str | None = None
    measured: dict[str, Any] = field(default_factory=dict)  # the browser's figures
    evidence: list[Evidence] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {"mobile_friendly": self.mobile_friendly, "mobile_score": self.mobile_score,
                "mobile_issues": list(self.mobile_issues)}
