"""Open the database named by a URL: SQLite (WAL) by default, PostgreSQL by URL.

WAL lets `monitor report` read while `monitor check` writes; busy_timeout makes a writer wait
for a lock instead of failing at once. Anything that stops us opening the database becomes a
DatabaseError naming the URL (without its password).

Only the commands that record sweeps (``check``, ``serve``, ``demo``) create or migrate the
schema (``create=True``). Every other command opens the database as it is: a missing file, an
empty database or a schema older than the code is said so and nothing is written (they used
to write a schema into an empty file, and failed on a read-only disk); a schema written by a
newer monitor is refused by every command, migrating ones included, since the code cannot
know what the newer columns mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from monitor.core.errors import DatabaseError
from monitor.store.migrations import MIGRATIONS, migrate
from monitor.store.models import SchemaVersion

SQLITE_BUSY_MS = 30_000


class NoSchemaError(DatabaseError):
    """The database does not exist yet, or holds no monitor tables: a new install."""


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Per connection; WAL is set by the writer that creates the schema (it is stored in the
    file, and setting it writes to it)."""
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def schema_versions(conn: Connection) -> set[int] | None:
    """The migrations recorded in the database; None when it has no monitor schema."""
    table = str(SchemaVersion.__tablename__)
    if not inspect(conn).has_table(table):
        return None
    return {int(v) for (v,) in conn.execute(text(f"SELECT version FROM {table}"))}


def check_schema(conn: Connection, url: str, *, will_migrate: bool) -> None:
    """Refuse a schema this code cannot use; see the module docstring."""
    known = {m.version for m in MIGRATIONS}
    done = schema_versions(conn)
    if done is None:
        if will_migrate:
            return
        raise NoSchemaError(f"database {safe_url(url)} is empty: no sweep stored yet "
                            "(`monitor check` creates the tables)")
    if unknown := sorted(done - known):
        raise DatabaseError(
            f"database {safe_url(url)} has schema version(s) {', '.join(map(str, unknown))}, "
            f"newer than this monitor knows (up to {max(known)}): upgrade monitor; "
            "nothing was changed")
    if (missing := sorted(known - done)) and not will_migrate:
        raise DatabaseError(
            f"database {safe_url(url)} has an older schema (missing version(s) "
            f"{', '.join(map(str, missing))}): run `monitor check` once to upgrade it")


def open_engine(url: str, *, create: bool = True) -> Engine:
    """Connect; ``create=True`` also creates and migrates the schema (commands that record
    sweeps), ``create=False`` only opens an existing, current schema and writes nothing."""
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
                raise NoSchemaError(f"database {safe_url(url)}: file {path} does not exist "
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
        if create:
            with engine.begin() as conn:
                check_schema(conn, url, will_migrate=True)
                if parsed.get_backend_name() == "sqlite":
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                migrate(conn)
        else:
            with engine.connect() as conn:
                check_schema(conn, url, will_migrate=False)
    except DatabaseError:
        engine.dispose()
        raise
    except OperationalError as exc:
        raise DatabaseError(f"database {safe_url(url)} cannot be opened: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database {safe_url(url)}: {exc}") from None
    return engine
