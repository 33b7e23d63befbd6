"""A throwaway PostgreSQL server for the database tests, from Debian's installed binaries.

``MONITOR_TEST_PG_URL`` wins (CI, or a server you run yourself). Otherwise, when
``/usr/lib/postgresql/*/bin`` exists, one server is started per test session on a free
loopback port in a temporary folder (as the ``postgres`` user when the tests run as root,
since initdb refuses root) and stopped at the end; nothing outside that folder is touched.
Without either, the PostgreSQL variants are skipped with a reason that says which.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

SKIP_REASON = ("PostgreSQL not installed (no /usr/lib/postgresql/*/bin) and "
               "MONITOR_TEST_PG_URL unset: the PostgreSQL variants are skipped")


def pg_bin() -> Path | None:
    def version(path: str) -> list[int]:
        return [int(x) if x.isdigit() else 0 for x in Path(path).parent.name.split(".")]

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)
    return Path(found[-1]) if found and (Path(found[-1]) / "initdb").exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """initdb + pg_ctl start in a temp folder; ``url`` for SQLAlchemy; ``stop()`` removes it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="monitor-test-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._demote: Callable[[], None] | None = None
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)

            def demote() -> None:
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)

            self._demote = demote
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "monitor_test")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/monitor_test"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([str(self.bindir / tool), *args], check=True, capture_output=True,
                       preexec_fn=self._demote, cwd=self.folder, timeout=120)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
