"""A verdict's reasons in words, from the report wording tables (``report.i18n``).

The verdicts (``monitor.verdicts``) name a wording id and raw values; this module is the one
place that turns them into a sentence in a language, for the reports, the email summary,
`monitor inactive` and the admin page alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from monitor.report.i18n import check_lang, format_date, format_pct, t, word
from monitor.report.model import EvidenceItem, Problem
from monitor.verdicts import Reason, Verdict


def words(params: Mapping[str, Any], lang: str, level: str) -> dict[str, Any]:
    """The raw values of a reason as the wording tables want them in ``lang``."""
    out: dict[str, Any] = dict(params)
    out["level"] = word(lang, "lvl", level)
    if "error" in params:
        out["error"] = word(lang, "e", str(params["error"]))
    if isinstance(params.get("date"), date):
        out["date"] = format_date(params["date"], lang, weekday=False)
    if "uptime" in params:
        out["uptime"] = format_pct(params["uptime"], lang)
    if "issues" in params:
        out["issues"] = ", ".join(word(lang, "m", str(i)) for i in params["issues"]) or "-"
    return out


def reason_text(reason: Reason, lang: str, level: str = "") -> str:
    """Why the site needs action, e.g. 'Situs belum diperbarui sejak 12 Maret 2026 (255
    hari)'."""
    return t(check_lang(lang), reason.wording, **words(reason.params, lang, level))


def action_text(reason: Reason, lang: str, level: str = "") -> str:
    """What to do about it, e.g. 'Unggah berita kegiatan kecamatan.'"""
    return t(check_lang(lang), reason.action, **words(reason.params, lang, level))


def problems(verdict: Verdict, lang: str, level: str) -> tuple[Problem, ...]:
    """The report's problem rows of one site, worst first."""
    return tuple(
        Problem(r.kind, r.severity, reason_text(r, lang, level), action_text(r, lang, level),
                tuple(EvidenceItem(e.rule, e.url, e.text) for e in r.evidence))
        for r in verdict.reasons)
