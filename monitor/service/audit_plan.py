"""When a sweep also runs the Chromium phone audit (setting ``browser_audit``).

Phone screenshots are the evidence offices file, so every weekly report should carry a recent
one of each site; but the audit drives one browser and makes a sweep several times slower.
``daily`` (the default) audits on the first sweep of each day (Asia/Jakarta) when Chromium is
installed, and the day's other sweeps stay as fast as before; ``every`` audits on every sweep
(the old ``browser = true``); ``off`` never. A sweep records whether it audited in its
options, so the next sweep can tell.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.core.chromium import find_chromium
from monitor.core.clock import as_utc, to_jakarta
from monitor.core.errors import ConfigError
from monitor.store import Store

MODES = ("off", "daily", "every")


def check_mode(mode: str) -> str:
    cleaned = mode.strip().lower()
    if cleaned not in MODES:
        raise ConfigError(f"browser_audit {mode!r} is not one of {', '.join(MODES)} "
                          "(MONITOR_BROWSER_AUDIT)")
    return cleaned


def browser_due(store: Store, mode: str, now: datetime, *,
                chromium: str | None = None) -> bool:
    """Whether the sweep starting ``now`` should run the browser audit."""
    mode = check_mode(mode)
    if mode == "off":
        return False
    if mode == "every":
        return True
    if not (chromium if chromium is not None else find_chromium()):
        return False
    local = to_jakarta(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = store.sweeps(as_utc(day_start), as_utc(now) + timedelta(seconds=1))
    return not any(isinstance(s.options, dict) and s.options.get("browser")
                   and s.status == "complete" for s in today)
