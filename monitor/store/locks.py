"""The sweep lock: two sweeps never run at once on the same database.

The lock lives in the database, not in a local file, because the service and a cron line (or
two machines sharing one PostgreSQL server) must see the same lock.

* **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) held on a dedicated
  connection for the whole sweep. The server itself releases it when that connection ends, so a
  sweep killed with SIGKILL, or a machine that loses power, never leaves a stuck lock
  (PostgreSQL manual, "Advisory Locks", section 13.3.5). The connection runs in autocommit, so
  holding the lock keeps no transaction open.
* **SQLite** has no advisory locks, and holding a write transaction for the sweep would block
  the sweep's own writes. So the lock is a row in ``sweep_lock``: taking it is an ``INSERT``
  that only one process can win (primary key), a background thread refreshes ``heartbeat_at``
  while it is held, and it is released by deleting the row. A row left by a killed process is
  taken over when its heartbeat is older than ``stale_after`` seconds, or at once when it was
  written on this host by a process that no longer exists (SQLite is one machine's file, so the
  pid check is reliable there). Takeover is a compare-and-swap ``UPDATE ... WHERE owner = old``,
  so two processes racing for a stale lock cannot both win.

A held lock can be lost: a SQLite row taken over after this process stalled past
``stale_after``, or (PostgreSQL) the lock's connection dropped by a server restart, which
releases the advisory lock. ``check()``, called before each batch write, raises
``LockLostError`` then (after trying, on PostgreSQL, to take the lock again on a new connection),
so a sweep never writes beside another one that now holds the database.

Either way a refused sweep raises ``LockedError`` naming the sweep that holds the database,
and ``lock_holder`` tells `monitor status` who holds it (on PostgreSQL by reading pg_locks,
never by trying the lock, which could refuse a sweep that is just starting).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from datetime import timedelta
from types import TracebackType

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from monitor.core.clock import Clock, as_utc, iso_jakarta, system_clock
from monitor.core.errors import LockedError, MonitorError
from monitor.store.models import Sweep, SweepLockRow

log = logging.getLogger(__name__)

SWEEP = "sweep"
HEARTBEAT_SECONDS = 15.0
STALE_AFTER_SECONDS = 120.0  # 8 missed heartbeats: a stopped (not just slow) holder

_TABLE = SweepLockRow.__table__  # type: ignore[attr-defined]
_SWEEPS = Sweep.__table__  # type: ignore[attr-defined]


class LockLostError(MonitorError):
    """The sweep lock this process held is gone: another process may hold it now."""


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` (advisory keys are bigint)."""
    digest = hashlib.sha256(f"monitor:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def sweep_lock(engine: Engine, *, name: str = SWEEP, clock: Clock = system_clock,
               stale_after: float = STALE_AFTER_SECONDS) -> Lock:
    """The right lock for this database (see the module docstring)."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    return RowLock(engine, name, clock=clock, stale_after=stale_after)


class Lock:
    """Held between ``acquire`` (or ``with``) and ``release``."""

    def acquire(self) -> None:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def check(self) -> None:
        """Raise LockLostError unless this process still holds the lock."""
        raise NotImplementedError

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class AdvisoryLock(Lock):
    """PostgreSQL: held as long as its dedicated connection lives."""

    def __init__(self, engine: Engine, name: str = SWEEP) -> None:
        self.engine = engine
        self.name = name
        self.key = advisory_key(name)
        self._conn: Connection | None = None

    def acquire(self) -> None:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            won = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        except BaseException:
            conn.close()
            raise
        if not won:
            conn.close()
            raise LockedError(_refusal(self.engine, None))
        # names the holder in pg_stat_activity, for `monitor status` on any machine
        conn.execute(text("SELECT set_config('application_name', :n, false)"),
                     {"n": f"monitor {self.name}: {socket.gethostname()}, pid {os.getpid()}"[:63]})
        self._conn = conn
        log.debug("advisory lock %s (%d) taken", self.name, self.key)

    def check(self) -> None:
        """Ping the lock's connection; if the server dropped it (restart, network), the lock
        went with it: take it again on a new connection, unless another sweep has it now.
        A server still down raises SQLAlchemy's OperationalError (the caller retries)."""
        conn = self._conn
        if conn is None:
            raise LockLostError(f"the {self.name} lock is not held")
        try:
            conn.execute(text("SELECT 1"))
            return
        except SQLAlchemyError as exc:
            log.warning("lock %s: its connection was lost (%s); taking the lock again",
                        self.name, str(exc).splitlines()[0])
            self._conn = None
            conn.invalidate()
        try:
            self.acquire()
        except LockedError as exc:
            raise LockLostError(f"the database connection holding the {self.name} lock was "
                                f"lost, and {exc}") from None

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            conn.execute(text("RESET application_name"))
            conn.close()
        except SQLAlchemyError as exc:  # the connection died: the server released the lock
            log.warning("advisory lock %s: release failed (%s); dropping the connection",
                        self.name, exc)
            conn.invalidate()


class RowLock(Lock):
    """SQLite (works on any database): a lock row with an owner and a heartbeat."""

    def __init__(self, engine: Engine, name: str = SWEEP, *, clock: Clock = system_clock,
                 heartbeat: float = HEARTBEAT_SECONDS,
                 stale_after: float = STALE_AFTER_SECONDS) -> None:
        self.engine = engine
        self.name = name
        self.clock = clock
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.owner = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    def acquire(self) -> None:
        if not (self._insert() or self._take_over_stale()):
            raise LockedError(_refusal(self.engine, self._holder()))
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"lock-{self.name}")
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.heartbeat + 5)
            self._thread = None
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.name == self.name,
                                              _TABLE.c.owner == self.owner))

    def check(self) -> None:
        """The heartbeat thread notices a takeover within ``heartbeat`` seconds; reading the
        row here notices it before the very next write."""
        if not self.lost:
            with self.engine.connect() as conn:
                owner = conn.execute(select(_TABLE.c.owner)
                                     .where(_TABLE.c.name == self.name)).scalar()
            self.lost = owner != self.owner
        if self.lost:
            raise LockLostError(f"the {self.name} lock was taken over by another process "
                                f"(this one was stalled for over {self.stale_after:.0f} s)")

    def _insert(self) -> bool:
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_TABLE).values(
                    name=self.name, owner=self.owner, host=self.host, pid=self.pid,
                    acquired_at=now, heartbeat_at=now))
        except IntegrityError:
            return False
        return True

    def _holder(self) -> SweepLockRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(_TABLE).where(_TABLE.c.name == self.name)).first()
        return None if row is None else SweepLockRow(**row._mapping)

    def _take_over_stale(self) -> bool:
        holder = self._holder()
        if holder is None:  # released between our INSERT and now
            return self._insert()
        if not self._is_stale(holder):
            return False
        now = self.clock()
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(_TABLE)
                .where(_TABLE.c.name == self.name, _TABLE.c.owner == holder.owner)
                .values(owner=self.owner, host=self.host, pid=self.pid, acquired_at=now,
                        heartbeat_at=now)).rowcount
        if taken:
            log.warning("took over the %s lock left by %s (pid %d, last heartbeat %s)",
                        self.name, holder.host, holder.pid, iso_jakarta(holder.heartbeat_at))
        return bool(taken)

    def _is_stale(self, holder: SweepLockRow) -> bool:
        age = self.clock() - as_utc(holder.heartbeat_at)
        if age > timedelta(seconds=self.stale_after):
            return True
        return holder.host == self.host and not pid_alive(holder.pid)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                with self.engine.begin() as conn:
                    kept = conn.execute(
                        update(_TABLE)
                        .where(_TABLE.c.name == self.name, _TABLE.c.owner == self.owner)
                        .values(heartbeat_at=self.clock())).rowcount
            except SQLAlchemyError as exc:
                log.warning("lock %s: heartbeat failed: %s", self.name, exc)
                continue
            if not kept:
                self.lost = True
                log.error("lock %s was taken over by another process (this one was stalled "
                          "for over %.0f s)", self.name, self.stale_after)
                return


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (signal 0 checks, sends nothing)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _refusal(engine: Engine, holder: SweepLockRow | None) -> str:
    """The one clear sentence a refused sweep prints."""
    sweeps = _SWEEPS.c
    with engine.connect() as conn:
        running = conn.execute(
            select(sweeps.id, sweeps.started_at, sweeps.host, sweeps.pid)
            .where(sweeps.status == "running").order_by(sweeps.id.desc()).limit(1)).first()
    if running is not None:
        sweep_id, started, host, pid = running
        return (f"another sweep is already running on this database (sweep {sweep_id}, "
                f"started {iso_jakarta(as_utc(started))} on {host}, pid {pid}); not starting")
    if holder is not None:
        return (f"another sweep holds the lock on this database ({holder.host}, pid "
                f"{holder.pid}, since {iso_jakarta(as_utc(holder.acquired_at))}); not starting")
    return "another sweep holds the lock on this database; not starting"


def lock_holder(engine: Engine, name: str = SWEEP) -> str | None:
    """Who holds the lock now, for `monitor status` (None: free)."""
    if engine.dialect.name == "postgresql":
        return _advisory_holder(engine, advisory_key(name))
    with engine.connect() as conn:
        row = conn.execute(select(_TABLE).where(_TABLE.c.name == name)).first()
    if row is None:
        return None
    holder = SweepLockRow(**row._mapping)
    stale = " (stale: its process is gone)" if RowLock(engine, name)._is_stale(holder) else ""
    return (f"{holder.host}, pid {holder.pid}, since "
            f"{iso_jakarta(as_utc(holder.acquired_at))}{stale}")


def _advisory_holder(engine: Engine, key: int) -> str | None:
    """Read pg_locks rather than trying the lock: a probe could refuse a starting sweep. A
    bigint advisory key shows as classid (high 32 bits), objid (low 32 bits), objsubid 1."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT a.application_name, host(a.client_addr), a.state_change FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = CAST(:hi AS bigint)::oid AND l.objid = CAST(:lo AS bigint)::oid"),
            {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}).first()
    if row is None:
        return None
    application, client, since = row
    who = application.removeprefix("monitor sweep: ") if application.startswith("monitor") \
        else f"a session from {client or 'a local socket'}"
    return f"{who}, since {iso_jakarta(as_utc(since))}"
