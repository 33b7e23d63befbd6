"""A versioned schema without Alembic, small enough to read in one go.

How it works: ``SQLModel.metadata.create_all`` creates any table that does not exist yet,
in its current shape (a fresh database is born at the newest version). For tables that
already exist, ``MIGRATIONS`` lists numbered steps: each adds columns or indexes a later
release needs, and is written to be a no-op where its change is already present (so the
fresh database above can record it as applied). ``schema_version`` records what ran.
History is never rewritten: steps only add.

To add a column in a later issue: add the field to the model *and* a step here
``Migration(N, "result.new_col", add_column("result", "new_col", "INTEGER"))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text
from sqlmodel import Session, SQLModel, select

from monitor.store import summary_models  # noqa: F401 - create_all makes the period tables
from monitor.store.models import SchemaVersion

Step = Callable[[Connection], None]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Step


def add_column(table: str, column: str, ddl_type: str) -> Step:
    """A step that adds ``column`` unless it is there already (fresh databases have it)."""

    def step(conn: Connection) -> None:
        existing = {c["name"] for c in inspect(conn).get_columns(table)}
        if column not in existing:
            conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl_type}'))

    return step


def _baseline(conn: Connection) -> None:
    """Version 1 is the schema create_all makes: sites, sweeps, results."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "baseline: site, sweep, result, review, emailsent", _baseline),
    Migration(2, "sweep_lock table (SQLite sweep lock; create_all makes it)", _baseline),
    Migration(9, "summary_day, site_day and episode tables for period packs (create_all makes "
                 "them)", _baseline),
    Migration(11, "alert and alert_delivery tables (create_all makes them)", _baseline),
)


def migrate(conn: Connection) -> list[int]:
    """Bring the schema to the newest version; returns the versions applied now."""
    SQLModel.metadata.create_all(conn)
    with Session(bind=conn) as session:
        done = set(session.exec(select(SchemaVersion.version)).all())
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        migration.apply(conn)
        conn.execute(
            SchemaVersion.__table__.insert().values(  # type: ignore[attr-defined]
                version=migration.version,
                description=migration.description,
                applied_at=datetime.now(UTC),
            )
        )
        applied.append(migration.version)
    return applied
