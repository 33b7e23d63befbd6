"""`monitor admin`: the local web page where admins record follow-ups on sites."""

from __future__ import annotations

import click

from monitor.admin.serve import build_server
from monitor.cli.common import db_option, load_config, open_store
from monitor.core.words import LANGS


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; beyond 127.0.0.1 the admin_password setting is "
                   "required.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
def admin(db: str | None, host: str, port: int) -> None:
    """A small web page listing the sites that need action, with a form to record a review."""
    config = load_config()
    store = open_store(config, db)
    server = build_server(store, host, port, config.admin_password, settings=config,
                          lang=config.lang if config.lang in LANGS else "id")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"monitor admin on http://{shown}:{server.server_port}/ (Ctrl+C stops it)",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl+C or SIGTERM: stopping the page is its normal end
        click.echo("monitor admin stopped", err=True)
    finally:
        server.server_close()
