"""`monitor discover`: propose website addresses for areas whose url is empty, and
`monitor discover --apply FILE`: write the addresses an admin kept into targets.csv."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from monitor.cli.common import command_name, load_config, load_targets
from monitor.discover import apply as discover_apply
from monitor.discover import output as discover_output
from monitor.discover.run import DiscoverOptions
from monitor.discover.run import discover as run_discovery
from monitor.sweep.fetch import Resolver, ssl_context_for

# Where host names resolve: None is the system's DNS. Tests put the fleet here.
RESOLVER: Resolver | None = None


@click.command()
@click.option("--targets", "targets_path", metavar="FILE", default=None,
              help="targets.csv to read (default: MONITOR_TARGETS, else targets.csv).")
@click.option("--output", default="discovered.csv", metavar="FILE", show_default=True,
              help="Where the candidates are written for review.")
@click.option("--apply", "apply_path", metavar="FILE", default=None,
              help="Write the rows left in FILE (a reviewed discovered.csv) into targets.csv.")
def discover(targets_path: str | None, output: str, apply_path: str | None) -> None:
    """Find candidate website addresses for areas with no url in targets.csv.

    Crawls the city and kelurahan portals and tries addresses built from each area's
    name; keeps only pages that answer and name the area. Review the output, delete the
    rows you do not want, then run `monitor discover --apply FILE`."""
    config = load_config()
    if apply_path is not None:
        path = Path(targets_path or config.targets)
        applied = discover_apply.apply(Path(apply_path), path)
        for line in applied.summary(path):
            click.echo(line)
        return
    targets = load_targets(config, targets_path)
    options = DiscoverOptions.from_settings(config.values)
    context = ssl_context_for(config.ca_bundle)
    found = asyncio.run(run_discovery(targets, options, ssl_context=context, resolver=RESOLVER))
    discover_output.write(found, Path(output))
    for line in found.summary():
        click.echo(line)
    click.echo(f"candidates written to {output}: review them, delete the rows you do not "
               f"want, then run `{command_name()} discover --apply {output}`")
