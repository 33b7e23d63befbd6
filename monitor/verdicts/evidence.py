"""Evidence the checks stored with a result, read back defensively for the verdicts.

Findings are stored as plain JSON by other checks and by older versions of them, so every item
is checked for shape: a dict ``{"rule", "url", "text"}`` or a 3-item list; anything else is
skipped rather than trusted. Texts are capped (they come from sites).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from monitor.checks.base import Evidence

MAX_EVIDENCE = 5  # per reason: enough to verify by hand, short enough to read
MAX_URL = 500


def evidence_from(findings: Mapping[str, Any] | None, names: Iterable[str],
                  flag: str = "") -> tuple[Evidence, ...]:
    """Evidence stored by the checks whose name contains one of ``names``. With ``flag``,
    only the rules of that flag: the content check names them "judi:hidden-block",
    "suspended:cpanel-url", so both "judi_spam" and its first word "judi" match."""
    wanted = tuple(names)
    prefixes = {flag, flag.split("_")[0]} if flag else set()
    items: list[Evidence] = []
    for check, data in (findings or {}).items():
        if not isinstance(data, dict) or not any(n in str(check) for n in wanted):
            continue
        for raw in data.get("evidence") or []:
            item = _item(raw)
            if item is not None and (not flag or item.rule.split(":")[0] in prefixes):
                items.append(item)
    return tuple(items[:MAX_EVIDENCE])


def _item(raw: Any) -> Evidence | None:
    if isinstance(raw, dict):
        rule, url, text = raw.get("rule"), raw.get("url"), raw.get("text")
    elif isinstance(raw, list | tuple) and len(raw) == 3:
        rule, url, text = raw
    else:
        return None
    if not rule and not text:
        return None
    return Evidence.of(str(rule or ""), None if url is None else str(url)[:MAX_URL],
                       str(text or ""))
