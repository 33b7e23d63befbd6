"""discovered.csv: the candidates an admin reviews, one row per (area, address), best first.

Every cell that came from a page (the evidence quotes titles and link text) is made safe for
a spreadsheet: control characters become spaces, length is capped, and a cell a spreadsheet
would run as a formula (starting with = + - @, OWASP "CSV injection") gets a leading
apostrophe. Files are written atomically (temporary file, then rename) so an interrupted run
never leaves half a file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from pathlib import Path

from monitor.core.csvcells import formula_safe
from monitor.discover.run import Discovery

COLUMNS = ("code", "level", "name", "kecamatan", "url", "found_by", "confidence", "evidence")
CELL_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def safe_cell(value: str) -> str:
    text = _CONTROL.sub(" ", value)[:CELL_CHARS]
    return formula_safe(text)


def render(discovery: Discovery) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in discovery.proposals:
        found_by = ";".join(sorted(p.found_by))
        writer.writerow([safe_cell(v) for v in (
            p.area.code, p.area.level, p.area.name, p.area.kecamatan, p.url, found_by,
            f"{p.confidence:.2f}", " | ".join(p.evidence))])
    return out.getvalue()


def write_atomic(path: Path, text: str, *, like: Path | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` all at once; ``like``: keep that file's mode."""
    folder = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode(like if like is not None else path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode(path: Path) -> int:
    """The existing file's permissions, else what a plain open() would give (umask)."""
    if path.exists():
        return path.stat().st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write(discovery: Discovery, path: Path) -> None:
    write_atomic(path, render(discovery))
