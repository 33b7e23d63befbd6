"""`monitor email`: send each kecamatan's weekly report to its recipients (SPEC)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import db_option, load_config, only_codes, only_option, open_store
from monitor.core.clock import last_complete_week, system_clock
from monitor.core.errors import ConfigError, MailError, UsageError
from monitor.core.settings import Config
from monitor.core.tls import ssl_context_for
from monitor.core.weeks import parse_week
from monitor.core.words import t
from monitor.mail import job as mail_job
from monitor.mail.job import MailOptions, split_addresses
from monitor.mail.message import WORDS, Contact
from monitor.mail.smtp import Mailer, SmtpSettings
from monitor.report.pdf import PdfPrinter
from monitor.targets.loader import email_problem


def week_or_last(text: str | None) -> tuple[int, int]:
    """``--week`` (ISO week), default the last complete week in Asia/Jakarta."""
    return last_complete_week(system_clock()) if text is None else parse_week(text)


def mail_options(config: Config, dry_run: bool, force: bool,
                 only: tuple[str, ...], outbox: str | None = None) -> MailOptions:
    sender = config.mail_from.strip()
    if not sender:
        raise ConfigError("mail_from is not set (MONITOR_MAIL_FROM): the sender address")
    if why := email_problem(sender):
        raise ConfigError(f"mail_from: {why}")
    cc = split_addresses(config.mail_cc)
    for address in cc:
        if why := email_problem(address):
            raise ConfigError(f"mail_cc: {why}")
    if config.lang not in WORDS:
        raise ConfigError(f"lang {config.lang!r} is not one of {', '.join(WORDS)}")
    reply_to = str(config.get("mail_reply_to")).strip()
    if reply_to and (why := email_problem(reply_to)):
        raise ConfigError(f"mail_reply_to: {why}")
    contact = Contact(desk=str(config.get("contact_desk")).strip() or Contact().desk,
                      phone=str(config.get("contact_phone")).strip(), reply_to=reply_to)
    return MailOptions(sender=sender, cc=tuple(cc), lang=config.lang, force=force,
                       dry_run=dry_run, outbox=Path(outbox or config.outbox_dir).resolve(),
                       only=only, contact=contact)


def new_mailer(config: Config) -> Mailer:
    settings = SmtpSettings(host=config.smtp_host.strip(), port=config.smtp_port,
                            security=config.smtp_security.strip().lower(),
                            user=config.smtp_user, password=config.smtp_password)
    return Mailer(settings, ssl_context=ssl_context_for(config.ca_bundle),
                  retry_budget=config.smtp_retry_budget)


@click.command()
@db_option
@click.option("--week", metavar="YYYY-Www", default=None,
              help="ISO week to send (default: the last complete week, Asia/Jakarta).")
@click.option("--dry-run", is_flag=True,
              help="Write the messages as .eml files to outbox_dir instead of sending.")
@only_option("Only these kecamatan codes (--only A B or --only A --only B).")
@click.option("--force", is_flag=True, help="Send again to recipients already sent to.")
@click.option("--reports-dir", metavar="DIR", default=None,
              help="Reports folder to mail from (default: MONITOR_REPORTS_DIR, else reports/).")
@click.option("--outbox", metavar="DIR", default=None,
              help="Where --dry-run writes .eml files (default: MONITOR_OUTBOX_DIR, else "
                   "outbox/).")
def email(db: str | None, week: str | None, dry_run: bool, only: tuple[str, ...],
          more_codes: tuple[str, ...], force: bool, reports_dir: str | None,
          outbox: str | None) -> None:
    """Send each kecamatan's weekly report (its PDF when Chromium is installed)."""
    only = only_codes(only, more_codes)
    config = load_config()
    year, number = week_or_last(week)
    options = mail_options(config, dry_run, force, only, outbox)
    mailer = None if dry_run else new_mailer(config)  # settings checked before any work
    store = open_store(config, db)
    kecamatan = {s.code for s in store.sites() if s.level == "kecamatan"}
    unknown = [c for c in only if c not in kecamatan]
    if unknown:
        raise UsageError(f"--only: {', '.join(unknown)} is not a kecamatan code in the database")
    folder = Path(reports_dir or config.reports_dir).resolve()
    with PdfPrinter() as printer:
        reports = mail_job.week_reports(store, folder, year, number, lang=options.lang,
                                        options=dict(config.values),
                                        pdf=printer if config.get("report_pdf") else None)
    for warning in reports.warnings:
        click.echo(warning, err=True)
    if reports.pdf_problem:
        click.echo(t(options.lang, "warn_no_pdf", why=reports.pdf_problem), err=True)
    how = "written into" if reports.written else "read from"
    click.echo(f"reports {how} {reports.folder} (--reports-dir / MONITOR_REPORTS_DIR)")
    if dry_run:
        click.echo(f"outbox: {options.outbox / reports.week} (--outbox / MONITOR_OUTBOX_DIR)")
    if mailer is None:
        summary = mail_job.run_email(store, reports, options, mailer=None)
    else:
        with mailer:
            summary = mail_job.run_email(store, reports, options, mailer=mailer)
    for line in summary.lines():
        click.echo(line)
    if summary.server_error:
        raise MailError(summary.server_error)
    if not summary.ok:
        raise MailError(f"{summary.failures()} kecamatan email(s) not fully sent (see above)")
