"""`monitor config`: every setting, its value, where the value came from, and its help.

``--markdown`` prints the README's settings table from the same declarations, so the README
cannot drift from the code (``tests/test_settings_docs.py`` compares them)."""

from __future__ import annotations

import click

from monitor.core import settings
from monitor.core.setting import Setting


def markdown_row(setting: Setting) -> str:
    """One README row: variable, default, help and the allowed values."""
    default = f"`{setting.default}`" if setting.default else "(empty)"
    allowed = setting.allowed()
    text = f"{setting.help} Allowed: {allowed}." if allowed else setting.help
    text = text.replace("|", "\\|")  # a pipe would end the table cell
    return f"| `{setting.env}` | {default} | {text} |"


def markdown_table() -> list[str]:
    return ["| variable | default | meaning |", "|---|---|---|",
            *(markdown_row(s) for s in settings.SETTINGS)]


@click.command()
@click.option("--markdown", is_flag=True,
              help="Print the README's settings table (defaults, not current values).")
def config(markdown: bool) -> None:
    """List every setting with its current value and source."""
    if markdown:
        click.echo("\n".join(markdown_table()))
        return
    resolved = settings.load()
    for setting in settings.SETTINGS:
        value = resolved.get(setting.name)
        shown = "***" if setting.secret and value else value
        click.echo(f"{setting.env:<26} {shown!s:<28} ({resolved.sources[setting.name]})")
        allowed = setting.allowed()
        click.echo(f"    {setting.help}" + (f" Allowed: {allowed}." if allowed else ""))
