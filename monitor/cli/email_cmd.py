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
from monitor.mail import job as mail_job
from monitor.mail.job import MailOptions, split_addresses
from monitor.mail.message import WORDS
from monitor.mail.smtp import Mailer, SmtpSettings
from monitor.targets.loader import email_problem


def week_or_last(text: str | None) -> tuple[int, int]:
    """``--week`` (ISO week), default the last complete week in Asia/Jakarta."""
    return last_complete_week(system_clock()) if text is None else parse_week(text)


def mail_options(config: Config, dry_run: bool, force: bool,
                 only: tuple[str, ...]) -> MailOptions:
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
    return MailOptions(sender=sender, cc=tuple(cc), lang=config.lang, force=force,
                       dry_run=dry_run, outbox=Path(config.outbox_dir), only=only)


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
def email(db: str | None, week: str | None, dry_run: bool, only: tuple[str, ...],
          more_codes: tuple[str, ...], force: bool) -> None:
    """Send each kecamatan's weekly report to its recipients."""
    only = only_codes(only, more_codes)
    config = load_config()
    year, number = week_or_last(week)
    options = mail_options(config, dry_run, force, only)
    mailer = None if dry_run else new_mailer(config)  # settings checked before any work
    store = open_store(config, db)
    kecamatan = {s.code for s in store.sites() if s.level == "kecamatan"}
    unknown = [c for c in only if c not in kecamatan]
    if unknown:
        raise UsageError(f"--only: {', '.join(unknown)} is not a kecamatan code in the database")
    reports = mail_job.week_reports(store, Path(config.reports_dir), year, number,
                                    lang=options.lang, options=dict(config.values))
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
