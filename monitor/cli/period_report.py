"""`monitor report --month/--year/--from --to`: a period's evidence pack (wired from
report_cmd.py), and ``--email`` to send it to the ``period_recipients``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from monitor.cli.email_cmd import new_mailer
from monitor.core.errors import ConfigError, UsageError
from monitor.core.settings import Config
from monitor.mail import period as pack_mail
from monitor.report.period import span, write_period
from monitor.report.period.model import Period
from monitor.store import Store


def pick_period(month: str | None, year: str | None, first: str | None, last: str | None,
                now: datetime) -> Period | None:
    """The period the options name, or None for the weekly report; a mix is a usage error."""
    chosen = [name for name, value in (("--month", month), ("--year", year),
                                       ("--from/--to", first or last)) if value]
    if len(chosen) > 1:
        raise UsageError(f"choose one of --month, --year or --from/--to (got "
                         f"{' and '.join(chosen)})")
    if month:
        return span.month(month, now)
    if year:
        return span.year(year, now)
    if first or last:
        if not (first and last):
            raise UsageError("--from and --to go together")
        return span.between(first, last, now)
    return None


def run(store: Store, config: Config, period: Period, out: Path, *, lang: str, now: datetime,
        pdf: bool, email: bool) -> None:
    files = write_period(store, out, period, lang=lang, now=now, options=config.values,
                         pdf=pdf)
    for line in files.lines():
        click.echo(line)
    if not email:
        return
    if not config.smtp_host or not config.mail_from:
        raise ConfigError("--email needs the settings smtp_host and mail_from")
    to = pack_mail.recipients(str(config.get("period_recipients")))
    message = pack_mail.build(period.label, files.folder, files.data_sha256, files.summary,
                              sender=config.mail_from, to=to, lang=lang, now=now)
    with new_mailer(config) as mailer:
        result = pack_mail.send_pack(store, mailer, message, period.label, config.mail_from,
                                     to, now)
    click.echo(result.line())
    if not result.ok:
        raise click.exceptions.Exit(1)
