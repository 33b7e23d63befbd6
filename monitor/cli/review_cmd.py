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
import sys

import click

from monitor.admin.review import ActionItem, needs_action
from monitor.cli.common import db_option, load_config, open_store
from monitor.core.clock import iso_jakarta, system_clock, to_jakarta
from monitor.core.csvcells import csv_cell
from monitor.core.errors import UsageError
from monitor.store.reviews import STATUSES, add_review, history

CSV_FIELDS = ("code", "level", "name", "kecamatan", "url", "reasons", "summary", "evidence",
              "activity", "days_since_update", "last_update", "checked_at", "review_status",
              "reopened", "review_note", "review_by", "reviewed_at")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Printable text only: no terminal escapes, no bidi overrides that disguise text."""
    return _CONTROL.sub(" ", text)


def csv_row(item: ActionItem) -> dict[str, str]:
    data = item.as_dict()
    evidence = [f"{e['rule']} {e['url'] or ''} {e['text']}".strip()
                for d in data["details"] for e in d["evidence"]]
    row = {name: data.get(name) for name in CSV_FIELDS}
    row["reasons"] = ";".join(data["reasons"])
    row["summary"] = "; ".join(d["summary"] for d in data["details"])
    row["evidence"] = " | ".join(evidence)
    return {k: _cell(v) for k, v in row.items()}


def _cell(value: object) -> str:
    return csv_cell(clean(value) if isinstance(value, str) else value)


def to_csv(items: list[ActionItem]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_row(i) for i in items)
    return buffer.getvalue()


def print_table(items: list[ActionItem]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("code", "name", "kecamatan", "why", "evidence", "review", box=None)
    for item in items:
        review = item.review
        status = "-" if review is None else (
            f"{review.shown_status} {to_jakarta(review.created_at):%Y-%m-%d}: {review.note}")
        first = item.reasons[0].evidence[:1]
        proof = " ".join(f"{e.url or ''} {e.text}" for e in first)
        table.add_row(*(escape(clean(v)) for v in (
            item.code, item.name, item.kecamatan or "-",
            "; ".join(r.summary for r in item.reasons), proof, status)))
    Console(width=200 if not sys.stdout.isatty() else None).print(table)
    click.echo(f"{len(items)} site(s) need action")


@click.command()
@db_option
@click.option("--days", type=int, default=7, show_default=True, metavar="N",
              help="Look at the sweeps of the last N days ('unreachable' means in all of them).")
@click.option("--kecamatan", metavar="NAME", default=None,
              help="Only this kecamatan (case and spaces ignored).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def inactive(db: str | None, days: int, kecamatan: str | None, fmt: str) -> None:
    """The sites that need action, worst first, with the reason, evidence and last review."""
    store = open_store(load_config(), db)
    items = needs_action(store, system_clock(), days=days, kecamatan=kecamatan)
    if fmt == "json":
        click.echo(json.dumps([i.as_dict() for i in items], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(to_csv(items), nl=False)
    else:
        print_table(items)


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
    store = open_store(load_config(), db)
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
