"""`monitor export`: the latest result of every target as JSON or CSV (SPEC fields)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import db_option, load_config, open_store
from monitor.core.errors import UsageError
from monitor.report import export as exporter


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--output", metavar="FILE", default=None, help="Write here instead of stdout.")
def export(db: str | None, fmt: str, output: str | None) -> None:
    """The latest result of every target."""
    config = load_config()
    store = open_store(config, db)
    records = [exporter.record(site, result) for site, result in store.latest_results()]
    text = exporter.to_json(records) if fmt == "json" else exporter.to_csv(records)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None
