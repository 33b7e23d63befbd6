"""Open the database named by a URL: SQLite (WAL) by default, PostgreSQL by URL.

WAL lets `monitor report` read while `monitor check` writes; busy_timeout makes a writer wait
for a lock instead of failing at once. Anything that stops us opening the database becomes a
DatabaseError naming the URL (without its password).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from monitor.core.errors import DatabaseError
from monitor.store.migrations import migrate

SQLITE_BUSY_MS = 30_000


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_engine(url: str, *, create: bool = True) -> Engine:
    """Connect and migrate. ``create=False`` refuses to invent a missing SQLite file."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"database URL {url!r} is not a valid URL") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        db_path = parsed.database
        if db_path and db_path != ":memory:":
            path = Path(db_path)
            if not create and not path.exists():
                raise DatabaseError(f"database {safe_url(url)}: file {path} does not exist "
                                    "(check --db / MONITOR_DB; `monitor check` creates it)")
            if not path.parent.exists():
                raise DatabaseError(f"database {safe_url(url)}: folder {path.parent} is missing")
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"database {safe_url(url)}: driver not installed ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.begin() as conn:
            migrate(conn)
    except OperationalError as exc:
        raise DatabaseError(f"database {safe_url(url)} cannot be opened: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database {safe_url(url)}: {exc}") from None
    return engine
