"""The rules: from one site's results over a period, every reason it needs action.

Pure functions of stored rows (no store access), so the weekly reports, `monitor inactive`,
the admin page and the reopening of a ``selesai`` review all judge alike:

* no URL in targets.csv: ``no_site`` (a state of the area, judged even without a sweep);
* no sweep reached for the site in the period: nothing to judge (shown as "not checked");
* availability over every sweep of the period: ``down_week`` (none reached the site),
  ``down_now`` (the newest did not), ``unstable`` (up in fewer than ``unstable_pct`` %);
* from the newest result: one reason per content flag, the activity word (``tidak_aktif``,
  ``kurang_aktif``) with the ``aktif_days``/``kurang_aktif_days`` in force, not mobile-friendly,
  and the certificate or HTTPS (only when the site answered: a down site has no page to judge).

Results stored while the area had no URL (error ``no_site``) say nothing about its website and
are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from monitor.checks.base import Evidence
from monitor.core.activity import KURANG_AKTIF, TIDAK_AKTIF, classify
from monitor.core.clock import as_utc
from monitor.store import Result, Site
from monitor.verdicts.evidence import MAX_EVIDENCE, evidence_from
from monitor.verdicts.limits import Limits
from monitor.verdicts.model import Reason
from monitor.verdicts.severity import FLAG_KINDS


def checked(results: Sequence[Result]) -> list[Result]:
    """The results that fetched the site, oldest first."""
    return sorted((r for r in results if r.error != "no_site"),
                  key=lambda r: as_utc(r.checked_at))


def activity(result: Result, limits: Limits) -> str:
    """The SPEC activity word with the limits in force now (a changed ``aktif_days`` counts
    at once); the stored word when the age of the newest update is unknown."""
    if result.days_since_update is None:
        return result.activity
    return classify(has_site=True, reachable=bool(result.available),
                    days_since_update=result.days_since_update,
                    aktif_days=limits.aktif_days, kurang_aktif_days=limits.kurang_aktif_days)


def reasons(site: Site, results: Sequence[Result], limits: Limits) -> tuple[Reason, ...]:
    """Every reason ``site`` needs action over ``results`` (any order), worst first."""
    if not site.url:
        return (Reason.of("no_site", (Evidence.of("targets.csv", None, "url = ''"),)),)
    ordered = checked(results)
    if not ordered:
        return ()
    newest = ordered[-1]
    found = _availability(ordered, limits)
    found += _flags(newest)
    found += _activity(newest, limits)
    if newest.available:
        found += _mobile(newest)
        found += _tls(newest, limits)
        found += _verification(newest)
    return tuple(sorted(found, key=lambda r: -r.severity))


def _availability(ordered: Sequence[Result], limits: Limits) -> list[Reason]:
    last = ordered[-1]
    up = sum(1 for r in ordered if r.available)
    error = last.error or "other"
    detail = last.error_detail or (f"HTTP {last.status_code}" if last.status_code else "")
    where = last.final_url or last.url
    proof = (Evidence.of(f"fetch:{error}", where, detail),
             Evidence.of("uptime", last.url, f"{up}/{len(ordered)}"))
    if up == 0:
        return [Reason.of("down_week", proof, error=error, sweeps=len(ordered),
                          since=as_utc(ordered[0].checked_at))]
    if not last.available:
        return [Reason.of("down_now", proof, error=error)]
    uptime = round(100 * up / len(ordered), 1)
    if uptime < limits.unstable_pct:
        return [Reason.of("unstable", proof[1:], uptime=uptime)]
    return []


def _flags(result: Result) -> list[Reason]:
    out = []
    for flag in (str(f) for f in result.content_flags or ()):
        proof = (evidence_from(result.findings, ("content", "health", "spam"), flag)
                 or evidence_from(result.findings, ("content", "health", "spam"))
                 or (Evidence.of("content_flags", result.final_url or result.url, flag),))
        name = flag if flag in FLAG_KINDS else "other_flag"
        out.append(Reason.of(name, proof, flag=flag))
    return out


def _activity(result: Result, limits: Limits) -> list[Reason]:
    word = activity(result, limits)
    if word not in (TIDAK_AKTIF, KURANG_AKTIF):
        return []
    proof: tuple[Evidence, ...] = ()
    if result.last_update_evidence:
        proof = (Evidence.of(result.last_update_source or "last_update", None,
                             result.last_update_evidence),)
    proof = proof or evidence_from(result.findings, ("fresh", "update"))
    when = _date(result.last_update)
    days = result.days_since_update
    if when is None or days is None:
        return [Reason.of(word, proof, wording="p_stale_unknown", action="a_stale_unknown")]
    return [Reason.of(word, proof, date=when, days=days,
                      source=result.last_update_source or "")]


def _mobile(result: Result) -> list[Reason]:
    if result.mobile_friendly is not False:
        return []
    issues = [str(i) for i in result.mobile_issues or ()]
    proof = evidence_from(result.findings, ("mobile",)) or (
        Evidence.of("mobile_issues", result.final_url or result.url, ", ".join(issues)),)
    return [Reason.of("not_mobile_friendly", proof[:MAX_EVIDENCE], issues=issues)]


def _tls(result: Result, limits: Limits) -> list[Reason]:
    url = result.final_url or result.url
    days = result.cert_days_left
    if result.https and days is not None and days <= limits.cert_warn_days:
        return [Reason.of("cert", (Evidence.of("tls:not-after", url,
                                               f"cert_days_left = {days}"),), days=days)]
    if result.https is False:
        return [Reason.of("no_https", (Evidence.of("https", url, url),))]
    return []


def _verification(result: Result) -> list[Reason]:
    """A search-console verification tag the content check saw appear (``verification_new``
    in its findings, kept for a week so the weekly report sees it)."""
    content = (result.findings or {}).get("content")
    new = content.get("verification_new") if isinstance(content, dict) else None
    if not isinstance(new, list) or not new:
        return []
    engines = sorted({str(e.get("engine", "")) for e in new if isinstance(e, dict)} - {""})
    proof = evidence_from(result.findings, ("content",), "verification")
    return [Reason.of("verification_tag", proof, engines=", ".join(engines) or "?")]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
