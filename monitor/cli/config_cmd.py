"""`monitor config`: every setting, its value, where the value came from, and its help."""

from __future__ import annotations

import click

from monitor.core import settings


@click.command()
def config() -> None:
    """List every setting with its current value and source."""
    resolved = settings.load()
    for setting in settings.SETTINGS:
        value = resolved.get(setting.name)
        shown = "***" if setting.secret and value else value
        click.echo(f"{setting.env:<26} {shown!s:<28} ({resolved.sources[setting.name]})")
        click.echo(f"    {setting.help}")
