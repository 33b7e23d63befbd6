"""`monitor report`: write the week's HTML reports and their A4 PDFs (SPEC: --db, --week,
--out, --lang); warns about an empty, unfinished or thin week."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli import period_report
from monitor.cli.common import db_option, load_config, open_store
from monitor.core.clock import last_complete_week
from monitor.core.errors import ConfigError, UsageError
from monitor.core.weeks import parse_week
from monitor.report import write_week
from monitor.report.i18n import LANGS, t
from monitor.report.pdf import PdfPrinter
from monitor.store.summaries import fill as fill_summaries


@click.command()
@db_option
@click.option("--week", metavar="YYYY-Www", default=None,
              help="ISO week (default: the last complete week, Asia/Jakarta).")
@click.option("--out", "out", metavar="DIR", default=None,
              help="Reports folder (default: MONITOR_REPORTS_DIR, else reports/).")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Report language (default: setting lang, else id).")
@click.option("--month", metavar="YYYY-MM", default=None,
              help="A month's evidence pack (reports/YYYY-MM/) instead of the week.")
@click.option("--year", metavar="YYYY", default=None,
              help="A year's evidence pack (reports/YYYY/).")
@click.option("--from", "first", metavar="YYYY-MM-DD", default=None,
              help="With --to: the evidence pack of these days (reports/FROM_TO/).")
@click.option("--to", "last", metavar="YYYY-MM-DD", default=None, help="See --from.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Evidence packs: also print A4 PDFs (needs Chromium).")
@click.option("--email", is_flag=True,
              help="Evidence packs: email the city pack to the period_recipients setting.")
def report(db: str | None, week: str | None, out: str | None, lang: str | None,
           month: str | None, year: str | None, first: str | None, last: str | None,
           pdf: bool, email: bool) -> None:
    """The week's HTML reports, or a period's evidence pack (--month, --year, --from/--to)."""
    config = load_config()
    lang = lang or config.lang
    if lang not in LANGS:
        raise ConfigError(f"setting lang {lang!r} must be one of {', '.join(LANGS)}")
    now = datetime.now(UTC)
    period = period_report.pick_period(month, year, first, last, now)
    if period is not None:
        if week:
            raise UsageError("--week cannot be combined with --month, --year or --from/--to")
        period_report.run(open_store(config, db), config, period,
                          Path(out or config.reports_dir), lang=lang, now=now, pdf=pdf,
                          email=email)
        return
    if email:
        raise UsageError("--email sends an evidence pack (--month, --year or --from/--to); "
                         "the weekly reports are sent by `monitor email`")
    year_n, number = parse_week(week) if week else last_complete_week(now)
    store = open_store(config, db)
    with PdfPrinter() as printer:
        files = write_week(store, Path(out or config.reports_dir), year_n, number, lang=lang,
                           now=now, options=config.values,
                           pdf=printer if config.get("report_pdf") else None)
    fill_summaries(store, now)  # a week has completed: keep its day summaries for the packs
    for warning in files.warnings:
        click.echo(warning, err=True)
    if files.pdf_problem:
        click.echo(t(lang, "warn_no_pdf", why=files.pdf_problem), err=True)
    click.echo(f"{files.week}: {files.city}" + (f" + {files.city_pdf.name}" if files.city_pdf
                                                  else ""))
    for kec in files.kecamatan:
        click.echo(f"{files.week}: {kec.path} ({kec.needs_action}/{kec.sites})")
    click.echo(f"data sha256 {files.data_sha256}")
