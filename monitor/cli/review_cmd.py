"""`monitor inactive` (the sites that need action) and `monitor review CODE` (record a follow-up).

Text from sites (names, evidence read from pages) reaches the terminal and spreadsheets:
control characters are dropped before printing (a page must not drive the terminal with ANSI
escapes), rich markup is escaped, and CSV cells that a spreadsheet would run as a formula
are prefixed with ``'`` (OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
from typing import Any

import click

from monitor.cli.common import db_option, load_config, open_store
from monitor.cli.table import print_rows
from monitor.core.clock import iso_jakarta, system_clock
from monitor.core.csvcells import csv_cell
from monitor.core.errors import UsageError
from monitor.core.words import LANGS, format_date, has, t
from monitor.report.wording import action_text, reason_text
from monitor.store.reviews import STATUSES, add_review, history
from monitor.verdicts import Limits, SiteVerdict, needs_action

CSV_FIELDS = ("code", "level", "name", "kecamatan", "url", "rank", "reasons", "summary",
              "evidence", "activity", "days_since_update", "last_update", "checked_at",
              "review_status", "reopened", "review_note", "review_by", "reviewed_at")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Printable text only: no terminal escapes, no bidi overrides that disguise text."""
    return _CONTROL.sub(" ", text)


def as_dict(item: SiteVerdict, lang: str) -> dict[str, Any]:
    """Plain data for JSON: times as ISO 8601 Asia/Jakarta, like the SPEC export; each reason
    with its kind, severity, wording id, words in ``lang``, suggested action and evidence."""
    site, newest, verdict = item.site, item.newest, item.verdict
    review = verdict.review
    return {
        "code": site.code, "level": site.level, "name": site.name,
        "kecamatan": site.kecamatan, "url": site.url,
        "checked_at": iso_jakarta(newest.checked_at) if newest else None,
        "activity": verdict.activity,
        "days_since_update": newest.days_since_update if newest else None,
        "last_update": newest.last_update if newest else None,
        "rank": verdict.rank, "severity": verdict.severity, "reasons": verdict.kinds,
        "details": [{"reason": r.kind, "severity": r.severity, "wording": r.wording,
                     "summary": reason_text(r, lang, site.level),
                     "action": action_text(r, lang, site.level),
                     "evidence": [vars(e) for e in r.evidence]} for r in verdict.reasons],
        "review_status": review.shown_status if review else None,
        "reopened": verdict.reopened,
        "review_note": review.note if review else None,
        "review_by": review.by if review else None,
        "reviewed_at": iso_jakarta(review.created_at) if review else None,
    }


def csv_row(item: SiteVerdict, lang: str) -> dict[str, str]:
    data = as_dict(item, lang)
    evidence = [f"{e['rule']} {e['url'] or ''} {e['text']}".strip()
                for d in data["details"] for e in d["evidence"]]
    row = {name: data.get(name) for name in CSV_FIELDS}
    row["reasons"] = ";".join(data["reasons"])
    row["summary"] = "; ".join(d["summary"] for d in data["details"])
    row["evidence"] = " | ".join(evidence)
    return {k: _cell(v) for k, v in row.items()}


def _cell(value: object) -> str:
    return csv_cell(clean(value) if isinstance(value, str) else value)


def to_csv(items: list[SiteVerdict], lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_row(i, lang) for i in items)
    return buffer.getvalue()


def print_table(items: list[SiteVerdict], lang: str = "id") -> None:
    headers = [t(lang, k) for k in ("cli_code", "cli_name", "cli_kecamatan", "cli_reasons",
                                    "evidence_raw", "cli_review")]
    rows = []
    for item in items:
        site, review = item.site, item.verdict.review
        status = "-" if review is None else (
            f"{t(lang, 'review_reopened') if review.reopened else t(lang, 'rv_' + review.status)}"
            f" {format_date(review.created_at, lang, weekday=False)}: {review.note}")
        first = item.verdict.reasons[0].evidence[:1]
        proof = " ".join(f"{e.url or ''} {e.text}" for e in first)
        why = "; ".join(t(lang, f"rs_{r.kind}") if has(lang, f"rs_{r.kind}") else r.kind
                        for r in item.verdict.reasons)
        rows.append([clean(v) for v in (site.code, site.name, site.kecamatan or "-", why,
                                        proof, status)])
    print_rows(headers, rows)
    click.echo(t(lang, "cli_count", n=len(items)))


@click.command()
@db_option
@click.option("--days", type=int, default=7, show_default=True, metavar="N",
              help="Judge the sweeps of the last N days ('down_week': down in all of them).")
@click.option("--kecamatan", metavar="NAME", default=None,
              help="Only this kecamatan (case and spaces ignored).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def inactive(db: str | None, days: int, kecamatan: str | None, fmt: str) -> None:
    """The sites that need action, worst first, with the reason, evidence and last review."""
    config = load_config()
    lang = config.lang if config.lang in LANGS else "id"
    store = open_store(config, db)
    items = needs_action(store, system_clock(), days=days, kecamatan=kecamatan,
                         limits=Limits.from_settings(config))
    if fmt == "json":
        click.echo(json.dumps([as_dict(i, lang) for i in items], ensure_ascii=False, indent=2,
                              default=str))
    elif fmt == "csv":
        click.echo(to_csv(items, lang), nl=False)
    else:
        print_table(items, lang)


def _default_by() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


@click.command()
@click.argument("code")
@db_option
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Where the follow-up stands.")
@click.option("--note", metavar="TEXT", default=None, help="What was done or found.")
@click.option("--by", metavar="NAME", default=None, help="Who (default: your login name).")
def review(code: str, db: str | None, status: str | None, note: str | None,
           by: str | None) -> None:
    """Record an admin's follow-up on site CODE (history is kept); without --status, show
    the site's review history."""
    config = load_config()
    store = open_store(config, db)
    if status is None:
        if note is not None:
            raise click.UsageError("--note needs --status")
        if code not in {s.code for s in store.sites(include_removed=True)}:
            raise UsageError(f"no site with code {code!r} (see `monitor sites`)")
        for r in history(store, code):
            click.echo(clean(f"{iso_jakarta(r.created_at)}  {r.status:<16} {r.by or '-'}: "
                             f"{r.note}"))
        return
    if note is None:
        raise click.UsageError("--status needs --note TEXT")
    saved = add_review(store, code, status, note, by if by is not None else _default_by(),
                       system_clock())
    click.echo(f"recorded {saved.status} for {code} at {iso_jakarta(saved.created_at)}")
