"""The command line (SPEC: commands, options and exit statuses are a contract).

Exit status: 0 the command did its job (sites being down is not a failure); 2 usage or
configuration error (bad arguments, bad targets.csv, unreadable database); 1 anything else.
Each command lives in its own module here and is registered in ``COMMANDS``.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from monitor import __version__
from monitor.cli import (
    admin_cmd,
    alerts_cmd,
    check,
    config_cmd,
    demo_cmd,
    discover_cmd,
    email_cmd,
    export_cmd,
    prune_cmd,
    report_cmd,
    review_cmd,
    serve_cmd,
    status_cmd,
)
from monitor.core.errors import MonitorError, UsageError
from monitor.service.shutdown import sigterm_interrupts
from monitor.store.db import SQLITE_BUSY_MS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Website activity monitor for the kecamatan and kelurahan of Kota Bandar Lampung."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


COMMANDS: tuple[click.Command, ...] = (
    check.check,
    discover_cmd.discover,
    check.sites,
    export_cmd.export,
    report_cmd.report,
    config_cmd.config,
    review_cmd.inactive,
    review_cmd.review,
    admin_cmd.admin,
    email_cmd.email,
    serve_cmd.serve,
    prune_cmd.prune,
    status_cmd.status,
    demo_cmd.demo,
    alerts_cmd.alerts,
)
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: turns our errors into a message and the SPEC's exit status."""
    try:
        with sigterm_interrupts():  # SIGTERM unwinds like Ctrl-C: sweeps end marked
            return cli.main(args=argv, prog_name="monitor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("monitor: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError | click.BadParameter) else exc.exit_code)
    except UsageError as exc:
        click.echo(f"monitor: error: {exc}", err=True)
        sys.exit(2)
    except MonitorError as exc:
        click.echo(f"monitor: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("monitor: interrupted", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        # e.g. a database still locked after the 30 s busy timeout, or a server gone away;
        # what a sweep stored before this is committed already.
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        if "locked" in detail:
            detail += (" (another program held a write lock on the SQLite file for more than "
                       f"{SQLITE_BUSY_MS // 1000} s; results stored before this are kept)")
        click.echo(f"monitor: database error: {detail}", err=True)
        sys.exit(1)
    except Exception as exc:  # our bug: one line, traceback with -v
        logging.getLogger("monitor").debug("internal error", exc_info=True)
        click.echo(f"monitor: internal error: {type(exc).__name__}: {exc} "
                   "(run with -vv for the traceback)", err=True)
        sys.exit(1)
