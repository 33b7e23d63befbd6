"""`monitor discover --apply FILE`: put the addresses an admin kept into targets.csv.

The admin deletes the rows of discovered.csv they do not want; every row left is applied,
so at most one row may be left per area. The rules:

* only areas whose url is empty get one: an address an admin already set is never changed
  (such rows are reported and skipped);
* every kept row must name a code of targets.csv (and, when it has a name, the same area)
  and carry a usable http(s) address, else nothing is written;
* every other byte of targets.csv stays as it was: only the changed rows are re-serialised;
  the result is validated with monitor.targets.loader before it replaces the file, atomically.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from monitor.core.errors import UsageError
from monitor.core.names import name_key
from monitor.discover.output import write_atomic
from monitor.targets import loader as targets

URL_COLUMN = targets.COLUMNS.index("url")


@dataclass(frozen=True)
class Kept:
    line: int
    code: str
    name: str
    url: str


@dataclass
class Applied:
    written: list[tuple[str, str]] = field(default_factory=list)  # code, url
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # code, url already set

    def summary(self, path: Path) -> list[str]:
        lines = [f"{code}: already has {url}; left unchanged" for code, url in self.unchanged]
        lines.append(f"{path}: {len(self.written)} address(es) written"
                     + (f", {len(self.unchanged)} left unchanged" if self.unchanged else ""))
        return lines


def read_kept(path: Path) -> list[Kept]:
    """The rows of discovered.csv left by the admin; every problem named by line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not {"code", "url"} <= set(reader.fieldnames or ()):
        raise UsageError(f"{path}:1: header: needs at least the columns code and url")
    problems: list[str] = []
    kept: dict[str, Kept] = {}
    for row in reader:
        line = reader.line_num
        code, url = (row.get("code") or "").strip(), (row.get("url") or "").strip()
        if not code and not url:
            continue
        if why := targets.url_problem(url):
            problems.append(f"{path}:{line}: url: {url!r} {why}")
        elif code in kept:
            problems.append(f"{path}:{line}: code: {code} is also kept on line "
                            f"{kept[code].line}; keep one address per area")
        else:
            kept[code] = Kept(line, code, (row.get("name") or "").strip(), url)
    if problems:
        raise UsageError("\n".join(problems))
    return list(kept.values())


def apply(discovered: Path, targets_path: Path) -> Applied:
    """Write the kept addresses into ``targets_path``; raises before writing on any problem."""
    kept = read_kept(discovered)
    rows = {t.code: t for t in targets.load(targets_path)}  # a bad file is refused first
    raw = targets_path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    problems, result, changes = [], Applied(), {}
    for k in kept:
        target = rows.get(k.code)
        if target is None:
            problems.append(f"{discovered}:{k.line}: code: {k.code} is not in {targets_path}")
        elif k.name and name_key(k.name) != name_key(target.name):
            problems.append(f"{discovered}:{k.line}: name: {k.name!r} but {k.code} is "
                            f"{target.name!r} in {targets_path}")
        elif target.url:
            result.unchanged.append((k.code, target.url))
        else:
            changes[target.line] = k.url
            result.written.append((k.code, k.url))
    if problems:
        raise UsageError("\n".join(problems))
    if changes:
        new_text = _with_urls(text, changes)
        targets.parse(new_text, str(targets_path))  # never write a file `check` would refuse
        write_atomic(targets_path, ("\ufeff" if bom else "") + new_text, like=targets_path)
    return result


def _with_urls(text: str, changes: dict[int, str]) -> str:
    """``text`` with the url cell of the given physical lines replaced. targets.parse refuses
    line breaks inside fields, so a record is one physical line (csv's own line count)."""
    lines = io.StringIO(text, newline="").readlines()
    for number, url in changes.items():
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        cells = next(csv.reader([body]))
        cells[URL_COLUMN] = url
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[number - 1] = out.getvalue() + ending
    return "".join(lines)
