"""What needs action on a site, how bad it is, and the site's score.

Severity orders the needs-action list, worst first. The order follows what harms residents and
the city most:

* 100-65 content flags (issue 5): a hacked site (judi_spam, defaced) serves gambling spam under
  the city's name, so it goes first even when it is up; suspended, placeholder and empty sites
  next.
* 90/70/40 availability: down all week, down at the last check, or up less than
  ``unstable_pct`` (90 %) of the checks.
* 60 no website; 50 tidak_aktif: UU 14/2008 (Keterbukaan Informasi Publik) asks for periodic
  information at least every six months, and SPBE evaluators look for current content;
  30 kurang_aktif.
* 45 a search-console verification tag new since the sweep before (the content check keeps
  it a week): whoever adds one controls the site in that search console, a takeover sign the
  admin must confirm; a warning, not a content flag.
* 35 certificate expiring within ``cert_warn_days`` (14: Let's Encrypt renews at 30 days left
  and warns by mail from 20, so 14 means renewal has failed); 25 not mobile-friendly (issue 4);
  15 no valid HTTPS (SPBE security: BSSN asks for TLS on government sites).

The score (0-100) ranks kecamatan: 40 availability (uptime share), 30 activity (aktif 30,
kurang_aktif 15), 20 mobile-friendly, 10 valid HTTPS. No website or a content flag scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from monitor.report.i18n import format_date, format_pct, t, word
from monitor.report.model import EvidenceItem, Problem, SiteWeek, Thresholds

FLAG_SEVERITY = {"judi_spam": 100, "defaced": 100, "suspended": 95, "default_page": 75,
                 "empty": 70}
OTHER_FLAG_SEVERITY = 65
MAX_EVIDENCE = 5


def judge(site: SiteWeek, findings: Mapping[str, Any], lang: str,
          limits: Thresholds) -> tuple[Problem, ...]:
    """Every problem of one site this week, worst first."""
    level = word(lang, "lvl", site.level)
    if not site.has_site:
        evidence = (EvidenceItem("targets.csv", None, "url = ''"),)
        return (Problem("no_site", 60, t(lang, "p_no_site"),
                        t(lang, "a_no_site", level=level), evidence),)
    if site.checks == 0:
        return ()  # not checked this week: nothing to judge (shown as "belum diperiksa")
    found = [*_flag_problems(site, findings, lang, level), *_availability(site, findings, lang,
                                                                          limits)]
    found += _activity(site, findings, lang, level)
    found += _mobile(site, findings, lang)
    found += _tls(site, lang, limits)
    found += _verification(findings, lang)
    return tuple(sorted(found, key=lambda p: -p.severity))


def site_score(site: SiteWeek) -> int:
    """0-100, the weights in the module docstring."""
    if not site.has_site or site.content_flags or site.uptime_pct is None:
        return 0
    score = 40 * site.uptime_pct / 100
    score += {"aktif": 30, "kurang_aktif": 15}.get(site.activity, 0)
    score += 20 if site.mobile_friendly else 0
    score += 10 if site.https else 0
    return round(score)


def evidence_from(findings: Mapping[str, Any], names: Iterable[str],
                  flag: str = "") -> tuple[EvidenceItem, ...]:
    """Evidence stored by the checks whose name contains one of ``names``, read defensively
    (findings come from other checks and from older versions of them). With ``flag``, only
    the rules of that flag: the content check names them "judi:hidden-block",
    "suspended:cpanel-url", so both "judi_spam" and its first word "judi" match."""
    prefixes = {flag, flag.split("_")[0]} if flag else set()
    items: list[EvidenceItem] = []
    for check, data in findings.items():
        if not isinstance(data, dict) or not any(n in str(check) for n in names):
            continue
        for raw in data.get("evidence") or []:
            item = _item(raw)
            if item is not None and (not flag or item.rule.split(":")[0] in prefixes):
                items.append(item)
    return tuple(items[:MAX_EVIDENCE])


def _item(raw: Any) -> EvidenceItem | None:
    if isinstance(raw, dict):
        rule, url, text = raw.get("rule"), raw.get("url"), raw.get("text")
    elif isinstance(raw, list | tuple) and len(raw) == 3:
        rule, url, text = raw
    else:
        return None
    if not rule and not text:
        return None
    return EvidenceItem(str(rule or ""), None if url is None else str(url)[:500],
                        str(text or "")[:300])


def _flag_problems(site: SiteWeek, findings: Mapping[str, Any], lang: str,
                   level: str) -> list[Problem]:
    out = []
    for flag in site.content_flags:
        evidence = (evidence_from(findings, ("content", "health", "spam"), flag)
                    or evidence_from(findings, ("content", "health", "spam")))
        if flag in FLAG_SEVERITY:
            out.append(Problem(flag, FLAG_SEVERITY[flag], t(lang, f"p_{flag}"),
                               t(lang, f"a_{flag}", level=level), evidence))
        else:
            out.append(Problem(flag, OTHER_FLAG_SEVERITY, t(lang, "p_other_flag", flag=flag),
                               t(lang, "a_other_flag"), evidence))
    return out


def _availability(site: SiteWeek, findings: Mapping[str, Any], lang: str,
                  limits: Thresholds) -> list[Problem]:
    error = word(lang, "e", site.error or "other")
    detail = site.error_detail or (f"HTTP {site.status_code}" if site.status_code else "")
    evidence = (EvidenceItem(f"fetch:{site.error or 'other'}", site.final_url or site.url,
                             detail),
                EvidenceItem("uptime", site.url, f"{site.up_checks}/{site.checks}"))
    if site.up_checks == 0:
        return [Problem("down_week", 90, t(lang, "p_down_week", error=error),
                        t(lang, "a_down_week"), evidence)]
    if site.available is False:
        return [Problem("down_now", 70, t(lang, "p_down_now", error=error),
                        t(lang, "a_down_now"), evidence)]
    if site.uptime_pct is not None and site.uptime_pct < limits.unstable_pct:
        uptime = format_pct(site.uptime_pct, lang)
        return [Problem("unstable", 40, t(lang, "p_unstable", uptime=uptime),
                        t(lang, "a_unstable"), evidence[1:])]
    return []


def _activity(site: SiteWeek, findings: Mapping[str, Any], lang: str,
              level: str) -> list[Problem]:
    if site.activity not in ("tidak_aktif", "kurang_aktif"):
        return []
    evidence: tuple[EvidenceItem, ...] = ()
    if site.last_update_evidence:
        evidence = (EvidenceItem(site.last_update_source or "last_update", None,
                                 site.last_update_evidence[:300]),)
    evidence = evidence or evidence_from(findings, ("fresh", "update"))
    if site.last_update is None or site.days_since_update is None:
        return [Problem("stale", 50, t(lang, "p_stale_unknown"),
                        t(lang, "a_stale_unknown", level=level), evidence)]
    when = format_date(site.last_update, lang, weekday=False)
    days = site.days_since_update
    if site.activity == "tidak_aktif":
        return [Problem("stale", 50, t(lang, "p_stale", date=when, days=days),
                        t(lang, "a_stale", level=level), evidence)]
    return [Problem("less_active", 30, t(lang, "p_less_active", date=when, days=days),
                    t(lang, "a_less_active", level=level), evidence)]


def _mobile(site: SiteWeek, findings: Mapping[str, Any], lang: str) -> list[Problem]:
    if site.mobile_friendly is not False or not site.available:
        return []
    issues = ", ".join(word(lang, "m", i) for i in site.mobile_issues) or "-"
    return [Problem("not_mobile", 25, t(lang, "p_not_mobile", issues=issues),
                    t(lang, "a_not_mobile"), evidence_from(findings, ("mobile",)))]


def _tls(site: SiteWeek, lang: str, limits: Thresholds) -> list[Problem]:
    if not site.available:
        return []
    url = site.final_url or site.url
    days = site.cert_days_left
    if site.https and days is not None and days <= limits.cert_warn_days:
        return [Problem("cert", 35, t(lang, "p_cert", days=days), t(lang, "a_cert"),
                        (EvidenceItem("tls:not-after", url, f"cert_days_left = {days}"),))]
    if site.https is False:
        return [Problem("no_https", 15, t(lang, "p_no_https"), t(lang, "a_no_https"),
                        (EvidenceItem("https", url, url),))]
    return []


def _verification(findings: Mapping[str, Any], lang: str) -> list[Problem]:
    content = findings.get("content") if isinstance(findings, Mapping) else None
    new = content.get("verification_new") if isinstance(content, dict) else None
    if not isinstance(new, list) or not new:
        return []
    engines = sorted({str(e.get("engine", "")) for e in new if isinstance(e, dict)} - {""})
    evidence = evidence_from(findings, ("content",), "verification")
    return [Problem("verification_tag", 45,
                    t(lang, "p_verification_tag", engines=", ".join(engines) or "?"),
                    t(lang, "a_verification_tag"), evidence)]
