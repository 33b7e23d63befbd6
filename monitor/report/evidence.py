"""Evidence as one plain sentence a camat understands.

The checks record evidence as rule, address and exact text ("judi:hidden-block", a CSS
selector, the spam words): right for a technician, unreadable for a camat. The report shows
this sentence and keeps the raw items in a collapsed "bukti teknis" (``<details>``). Only
facts the report already holds are used; no English from a library or a site is shown here.
"""

from __future__ import annotations

from monitor.core.activity import KURANG_AKTIF, TIDAK_AKTIF
from monitor.core.words import format_date, format_datetime, has, t, word
from monitor.report.model import Problem, SiteWeek

_FLAG_KINDS = ("defaced", "suspended", "default_page", "empty")


def sentence(problem: Problem, site: SiteWeek, lang: str) -> str:
    """The evidence of ``problem`` on ``site`` in one sentence ('' when nothing to add)."""
    kind = problem.kind
    when = format_datetime(site.checked_at, lang) if site.checked_at else "-"
    error = word(lang, "e", site.error or "other")
    if kind == "down_week":
        return t(lang, "ev_down_week", total=site.checks, when=when, error=error)
    if kind == "down_now":
        return t(lang, "ev_down_now", when=when, error=error, up=site.up_checks,
                 total=site.checks)
    if kind == "unstable":
        return t(lang, "ev_unstable", up=site.up_checks, total=site.checks)
    if kind in (TIDAK_AKTIF, KURANG_AKTIF):
        if site.last_update is None:
            return t(lang, "ev_stale_unknown")
        source = site.last_update_source or "other"
        key = f"src_{source}" if has(lang, f"src_{source}") else "src_other"
        return t(lang, "ev_stale", date=format_date(site.last_update, lang, weekday=False),
                 source=t(lang, key))
    if kind == "judi_spam":
        return t(lang, "ev_judi", where=_where(problem, lang))
    if kind in _FLAG_KINDS:
        return t(lang, "ev_flag", flag=word(lang, "f", kind))
    if kind == "other_flag":
        return t(lang, "ev_other_flag")
    if kind == "verification_tag":
        return t(lang, "ev_verification_tag")
    if kind == "not_mobile_friendly":
        said = [t(lang, f"ms_{i}") for i in site.mobile_issues if has(lang, f"ms_{i}")]
        return " ".join(said) or t(lang, "ev_mobile_none")
    if kind == "cert":
        return t(lang, "ev_cert", days=site.cert_days_left)
    if kind == "no_https":
        return t(lang, "ev_no_https")
    return ""


def _where(problem: Problem, lang: str) -> str:
    """Where the gambling spam was found, from the rules ("judi:hidden-block")."""
    places: list[str] = []
    for item in problem.evidence:
        rule = item.rule.split(":", 1)[1] if ":" in item.rule else ""
        key = f"jr_{rule}" if has(lang, f"jr_{rule}") else "jr_other"
        text = t(lang, key)
        if text not in places:
            places.append(text)
    return ", ".join(places[:3]) or t(lang, "jr_other")
