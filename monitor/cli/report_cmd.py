"""`monitor report`: write the week's HTML reports and their A4 PDFs (SPEC: --db, --week,
--out, --lang); warns about an empty, unfinished or thin week."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.common import db_option, load_config, open_store
from monitor.core.clock import last_complete_week
from monitor.core.errors import ConfigError
from monitor.core.weeks import parse_week
from monitor.report import write_week
from monitor.report.i18n import LANGS, t
from monitor.report.pdf import PdfPrinter


@click.command()
@db_option
@click.option("--week", metavar="YYYY-Www", default=None,
              help="ISO week (default: the last complete week, Asia/Jakarta).")
@click.option("--out", "out", metavar="DIR", default=None,
              help="Reports folder (default: MONITOR_REPORTS_DIR, else reports/).")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Report language (default: setting lang, else id).")
def report(db: str | None, week: str | None, out: str | None, lang: str | None) -> None:
    """The week's HTML reports: the city, each kecamatan, and the SPBE evidence."""
    config = load_config()
    lang = lang or config.lang
    if lang not in LANGS:
        raise ConfigError(f"setting lang {lang!r} must be one of {', '.join(LANGS)}")
    now = datetime.now(UTC)
    year, number = parse_week(week) if week else last_complete_week(now)
    store = open_store(config, db)
    with PdfPrinter() as printer:
        files = write_week(store, Path(out or config.reports_dir), year, number, lang=lang,
                           now=now, options=config.values,
                           pdf=printer if config.get("report_pdf") else None)
    for warning in files.warnings:
        click.echo(warning, err=True)
    if files.pdf_problem:
        click.echo(t(lang, "warn_no_pdf", why=files.pdf_problem), err=True)
    click.echo(f"{files.week}: {files.city}" + (f" + {files.city_pdf.name}" if files.city_pdf
                                                  else ""))
    for kec in files.kecamatan:
        click.echo(f"{files.week}: {kec.path} ({kec.needs_action}/{kec.sites})")
    click.echo(f"data sha256 {files.data_sha256}")
