"""SQL for the retention job (monitor/service/retention.py decides what goes; this deletes it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col

from monitor.store import Store
from monitor.store.models import Result, Sweep

BATCH = 50  # sweeps per transaction: short transactions let a running sweep keep writing


def delete_sweeps(store: Store, sweep_ids: Sequence[int]) -> int:
    """Delete these sweeps and their results; returns how many results went."""
    removed = 0
    for start in range(0, len(sweep_ids), BATCH):
        ids = list(sweep_ids[start:start + BATCH])
        with store.session() as session:
            gone = session.execute(delete(Result).where(col(Result.sweep_id).in_(ids)))
            removed += gone.rowcount  # type: ignore[attr-defined]
            session.execute(delete(Sweep).where(col(Sweep.id).in_(ids)))
            session.commit()
    return removed
