"""The alert settings as one typed value, read from the resolved settings once per sweep."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.core.clock import to_jakarta
from monitor.core.errors import ConfigError
from monitor.core.settings import BY_NAME

_HOURS = re.compile(r"^\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*$")


@dataclass(frozen=True)
class Rules:
    city_urls: tuple[str, ...] = ()
    email: bool = False
    down_sweeps: int = 2
    cert_days: int = 14
    reminder_days: float = 3.0
    quiet: tuple[int, int] | None = None  # (from hour, to hour), Asia/Jakarta
    digest: bool = False
    digest_hour: int = 7
    send_timeout: float = 5.0
    lang: str = "id"

    def is_quiet(self, now: datetime) -> bool:
        """Quiet hours may wrap midnight: 22-06 is 22:00 to 05:59."""
        if self.quiet is None:
            return False
        start, end = self.quiet
        hour = to_jakarta(now).hour
        return start <= hour < end if start <= end else (hour >= start or hour < end)


def parse_quiet(text: str) -> tuple[int, int] | None:
    if not text.strip():
        return None
    match = _HOURS.match(text)
    if not match or not all(0 <= int(h) <= 24 for h in match.groups()):
        raise ConfigError(f"setting 'alert_quiet_hours' must look like 22-06 (hours, "
                          f"Asia/Jakarta), got {text!r}")
    return int(match.group(1)) % 24, int(match.group(2)) % 24


def _value(values: Mapping[str, Any], name: str) -> Any:
    """The resolved setting, or its default converted (callers may pass a partial mapping)."""
    if name in values:
        return values[name]
    setting = BY_NAME[name]
    if setting.kind is bool:
        return setting.default.lower() == "true"
    return setting.kind(setting.default)


def from_settings(values: Mapping[str, Any]) -> Rules:
    def get(name: str) -> Any:
        return _value(values, name)

    return Rules(
        city_urls=tuple(str(get("alert_urls")).split()),
        email=bool(get("alert_email")),
        down_sweeps=max(1, int(get("alert_down_sweeps"))),
        cert_days=int(get("alert_cert_days")),
        reminder_days=float(get("alert_reminder_days")),
        quiet=parse_quiet(str(get("alert_quiet_hours"))),
        digest=bool(get("alert_digest")),
        digest_hour=int(get("alert_digest_hour")) % 24,
        send_timeout=max(0.5, float(get("alert_send_timeout"))),
        lang="en" if str(get("lang")) == "en" else "id",
    )
