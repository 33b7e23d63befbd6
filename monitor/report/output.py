"""Writing report files: whole or not at all.

A reader (or the email job) must never pick up half a report, so each file is written beside
its target and renamed over it. A folder that cannot be written is the user's problem to fix
(a UsageError naming the file), not a crash.
"""

from __future__ import annotations

import os
from pathlib import Path

from monitor.core.errors import UsageError


def write_file(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
