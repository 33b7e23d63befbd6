"""What changed for one site: its last results and its open alerts in, changes out (pure).

Each kind is judged only from results that can tell: content flags from a result whose
content was read, the certificate from a result that reached TLS. A sweep that could not
judge leaves the open alert as it is, so a site that is down one sweep does not look
"no longer hacked" and then "newly hacked" again the next (which would say it twice).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.alerts.rules import Rules
from monitor.core.clock import as_utc
from monitor.store.alerts import RecentResult
from monitor.store.models import Alert

CONTENT_KINDS = ("judi_spam", "defaced", "suspended", "default_page")
HACKED = ("judi_spam", "defaced")  # urgent: never held by quiet hours or the digest
CONDITIONS = (*CONTENT_KINDS, "down", "cert_invalid", "cert_expiring")
EVENTS = ("back_up", "verification")
ENGINES = {"google": "google-site-verification", "bing": "msvalidate.01",
           "yandex": "yandex-verification"}
EVIDENCE_CHARS = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Change:
    """A new alert: a condition that began, or an event."""

    kind: str
    key: str
    since: datetime
    evidence: str
    url: str


@dataclass
class SiteChanges:
    opened: list[Change] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)  # ids of open alerts that ended


def _line(text: str) -> str:
    """One line of page text, safe to print: a hacked page could carry terminal escapes."""
    one = " ".join(_CONTROL.sub(" ", str(text)).split())
    return one if len(one) <= EVIDENCE_CHARS else one[:EVIDENCE_CHARS - 3] + "..."


def _at(result: RecentResult) -> datetime:
    return as_utc(result.checked_at)


def _content(result: RecentResult) -> dict[str, Any] | None:
    """The content finding, when the content check read this result's page."""
    found = (result.findings or {}).get("content")
    return found if isinstance(found, dict) else None


def _flag_evidence(result: RecentResult, flag: str) -> str:
    for match in (_content(result) or {}).get("matches", []) or []:
        if isinstance(match, dict) and match.get("flag") == flag:
            return _line(f"{match.get('url', '')} {match.get('where', '')}: "
                         f"\"{match.get('text', '')}\"")
    return f"content_flags: {flag}"


def _down_evidence(result: RecentResult) -> str:
    status = f" (HTTP {result.status_code})" if result.status_code else ""
    detail = f": {result.error_detail}" if result.error_detail else ""
    return _line(f"{result.error or 'down'}{status}{detail}")


def _streak(history: Sequence[RecentResult],
            test: Callable[[RecentResult], bool]) -> list[RecentResult]:
    """The newest results, from the latest back, for which ``test`` holds."""
    run: list[RecentResult] = []
    for result in history:
        if not test(result):
            break
        run.append(result)
    return run


def _down(history: Sequence[RecentResult], open_: Mapping[str, Alert], rules: Rules,
          out: SiteChanges) -> None:
    latest = history[0]
    failing = _streak(history, lambda r: r.available is False)
    alert = open_.get("down")
    if alert is None and len(failing) >= rules.down_sweeps:
        out.opened.append(Change("down", "down", _at(failing[-1]), _down_evidence(latest),
                                 latest.url))
    elif alert is not None and latest.available:
        assert alert.id is not None
        out.closed.append(alert.id)
        speed = f", {latest.response_ms:.0f} ms" if latest.response_ms is not None else ""
        out.opened.append(Change("back_up", "back_up", as_utc(alert.since),
                                 _line(f"HTTP {latest.status_code}{speed}"),
                                 latest.final_url or latest.url))


def _has_flag(flag: str, result: RecentResult) -> bool:
    return flag in (result.content_flags or [])


def _content_flags(history: Sequence[RecentResult], open_: Mapping[str, Alert],
                   out: SiteChanges) -> None:
    latest = history[0]
    if _content(latest) is None:
        return  # this sweep did not read the page: nothing can have changed
    for kind in CONTENT_KINDS:
        present = kind in (latest.content_flags or [])
        alert = open_.get(kind)
        if present and alert is None:
            # older results are decoded only here, for how long the flag has been up
            judged = [r for r in history if _content(r) is not None]
            run = _streak(judged, functools.partial(_has_flag, kind))
            out.opened.append(Change(kind, kind, _at(run[-1]), _flag_evidence(latest, kind),
                                     latest.final_url or latest.url))
        elif not present and alert is not None:
            assert alert.id is not None
            out.closed.append(alert.id)


def _certificate(history: Sequence[RecentResult], open_: Mapping[str, Alert], rules: Rules,
                 out: SiteChanges) -> None:
    latest = history[0]
    if latest.error == "tls":
        state = {"cert_invalid": _line(f"tls: {latest.error_detail}")}
    elif latest.cert_days_left is not None:
        state = ({"cert_expiring": f"cert_days_left: {latest.cert_days_left}"}
                 if latest.cert_days_left <= rules.cert_days else {})
    elif latest.available:
        state = {}  # reached without TLS: no certificate to worry about
    else:
        return  # could not tell
    for kind in ("cert_invalid", "cert_expiring"):
        alert = open_.get(kind)
        if kind in state and alert is None:
            out.opened.append(Change(kind, kind, _at(latest), state[kind], latest.url))
        elif kind not in state and alert is not None:
            assert alert.id is not None
            out.closed.append(alert.id)


def verification_tags(result: RecentResult) -> set[tuple[str, str]] | None:
    """(engine, tag) pairs the content check stored, or None when it stored none."""
    tags = (_content(result) or {}).get("verification")
    if not isinstance(tags, dict):
        return None
    return {(engine, str(tag)) for engine, values in tags.items() if isinstance(values, list)
            for tag in values if str(tag).strip()}


def _new_tags(history: Sequence[RecentResult], seen: set[str]) -> Iterator[Change]:
    """Tags in the latest result absent from the last result that had tag data. The very
    first result with tag data is the baseline: what a site always had is not news."""
    latest = history[0]
    now = verification_tags(latest)
    if not now:
        return
    before = next((t for r in history[1:] if (t := verification_tags(r)) is not None), None)
    if before is None:
        return
    for engine, tag in sorted(now - before):
        key = f"verification:{engine}:{tag}"
        if key not in seen:
            meta = ENGINES.get(engine, engine)
            yield Change("verification", key, _at(latest), _line(f'<meta name="{meta}" '
                         f'content="{tag}">'), latest.final_url or latest.url)


def site_changes(history: Sequence[RecentResult], open_: Mapping[str, Alert], seen: set[str],
                 rules: Rules) -> SiteChanges:
    """``history``: the site's last results, newest first; ``open_``: its open alerts by
    kind; ``seen``: the keys of its past verification alerts."""
    out = SiteChanges()
    if not history or history[0].error == "no_site" or not history[0].url:
        # an area without a website has nothing to alert about; one whose address was
        # taken out of targets.csv ends what was open (no reminders about a removed site)
        out.closed = [a.id for a in open_.values() if a.id is not None]
        return out
    _down(history, open_, rules, out)
    _content_flags(history, open_, out)
    _certificate(history, open_, rules, out)
    out.opened.extend(_new_tags(history, seen))
    return out
