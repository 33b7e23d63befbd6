"""Load and validate targets.csv (columns fixed by the SPEC).

The whole file is validated before anything else happens: every bad field is reported as
``file:line: field: problem`` and nothing reaches the database until the file is clean.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from monitor.core.errors import TargetsError
from monitor.core.names import name_key, slug

COLUMNS = ("code", "level", "name", "kecamatan", "url", "email")
ALERT_URLS = "alert_urls"  # optional column, anywhere after COLUMNS (SPEC)
LEVELS = ("kota", "kecamatan", "kelurahan")

# Deliberately strict: no display names, no quotes, no whitespace or control characters,
# so an address from targets.csv can never smuggle a header into an email.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")

# Longest value each field may hold. A 288-character kecamatan name once passed and then made
# every report file name too long for the file system; names here stay well under 255 bytes
# once slugged into a file name. Extra columns (e.g. ``alert_urls``) get ``OTHER_FIELD_MAX``.
FIELD_MAX = {"code": 40, "level": 20, "name": 100, "kecamatan": 100, "url": 2000,
             "email": 1000}
OTHER_FIELD_MAX = 4000


@dataclass(frozen=True)
class Target:
    """One validated row of targets.csv."""

    code: str
    level: str
    name: str
    kecamatan: str
    url: str
    emails: tuple[str, ...]
    line: int = 0
    alert_urls: tuple[str, ...] = ()  # Apprise URLs for this row's (and its kelurahan's) alerts

    @property
    def has_site(self) -> bool:
        return bool(self.url)

    @property
    def email(self) -> str:
        return ";".join(self.emails)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None when it is a usable http(s) address."""
    if _CONTROL.search(url) or " " in url:
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "http://[::1": an unclosed IPv6 bracket
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    try:
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return "has an invalid port or IP address"
    if not host or not _HOST.match(parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] or "x"):
        return "has no valid host name"
    if "." not in host and host != "localhost" and not host.startswith("["):
        return "host name has no domain"
    return None


def target_url_problem(url: str) -> str | None:
    """``url_problem`` plus what only targets.csv refuses: a login in the address
    (``http://user:pass@host``) would be copied into every report, export and email."""
    if why := url_problem(url):
        return why
    if "@" in urlsplit(url).netloc:
        return "contains a login (user:password@): keep credentials out of targets.csv"
    return None


def email_problem(address: str) -> str | None:
    if not _EMAIL.match(address):
        return f"{address!r} is not a plain email address"
    return None


def alert_url_problem(url: str) -> str | None:
    """Why Apprise cannot use ``url``. Named by its scheme only: the rest may hold a token."""
    import apprise  # lazy: loading Apprise's plugins costs ~0.3 s; only files that use it pay

    scheme = url.split("://", 1)[0][:20] if "://" in url else "?"
    if _CONTROL.search(url) or " " in url:
        return f"a {scheme}:// URL contains spaces or control characters"
    apprise_log = logging.getLogger("apprise")
    level = apprise_log.level
    apprise_log.setLevel(logging.CRITICAL + 1)  # its complaints quote the URL, token and all
    try:
        usable = apprise.Apprise.instantiate(url) is not None
    finally:
        apprise_log.setLevel(level)
    if not usable:
        return (f"{scheme}://... is not a usable Apprise URL (unknown scheme or missing "
                "parts; see the Apprise wiki)")
    return None


def parse(text: str, source: str = "targets.csv") -> list[Target]:
    """Validate the CSV ``text``; raise TargetsError listing every problem."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise TargetsError([f"{source}:1: header: file is empty"]) from None
    header = [h.strip() for h in header]
    if tuple(header[: len(COLUMNS)]) != COLUMNS:
        raise TargetsError(
            [f"{source}:1: header: columns must start with {','.join(COLUMNS)}; "
             f"found {','.join(header)}"]
        )
    alert_at = header.index(ALERT_URLS) if ALERT_URLS in header[len(COLUMNS):] else None
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted field may span lines)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{source}:{line}: row: broken CSV ({exc})")
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(COLUMNS):
            problems.append(f"{source}:{line}: row: has {len(row)} fields, needs {len(COLUMNS)}")
            continue
        too_long = _too_long(row, header)
        if too_long:
            problems.extend(f"{source}:{line}: {why}" for why in too_long)
            continue
        fields = {c: row[i].strip() for i, c in enumerate(COLUMNS)}
        if alert_at is not None and alert_at < len(row):
            fields[ALERT_URLS] = row[alert_at].strip()
        rows.append((line, fields))
    targets = _validate_rows(rows, source, problems)
    if problems:
        raise TargetsError(sorted(problems, key=lambda p: _line_of(p, source)))  # file order
    return targets


def _line_of(problem: str, source: str) -> int:
    number = problem[len(source) + 1:].split(":", 1)[0]
    return int(number) if number.isdigit() else 0


def _too_long(row: list[str], header: list[str]) -> list[str]:
    problems = []
    for i, cell in enumerate(row):
        field = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        limit = FIELD_MAX.get(field, OTHER_FIELD_MAX)
        if len(cell.strip()) > limit:
            problems.append(f"{field}: is {len(cell.strip())} characters long, "
                            f"at most {limit} allowed")
    return problems


def _unique_areas(rows: list[tuple[int, dict[str, str]]], source: str) -> list[str]:
    """One kota row; kecamatan names that stay apart as report file names. "Kedaton" and
    "KEDATON!" would write the same report file, and one camat would be emailed the other
    kecamatan's report."""
    problems: list[str] = []
    kota_line = 0
    by_key: dict[str, tuple[int, str]] = {}
    by_slug: dict[str, tuple[int, str]] = {}
    for line, r in rows:
        name = r["name"]
        if r["level"] == "kota":
            if kota_line:
                problems.append(f"{source}:{line}: level: a second kota row (the city is on "
                                f"line {kota_line}); there is one city")
            kota_line = kota_line or line
        if r["level"] != "kecamatan" or not name:
            continue
        file_name = slug(name)
        if not file_name:
            problems.append(f"{source}:{line}: name: {name!r} needs a letter or digit (A-Z, 0-9)"
                            " to name its report file")
            continue
        for seen, key, how in ((by_key, name_key(name), "the same name"),
                               (by_slug, file_name, f"the same report file name ({file_name})")):
            if key in seen:
                first_line, first = seen[key]
                problems.append(f"{source}:{line}: name: kecamatan {name!r} has {how} as "
                                f"{first!r} on line {first_line}")
            seen.setdefault(key, (line, name))
    return problems


def _validate_rows(
    rows: list[tuple[int, dict[str, str]]], source: str, problems: list[str]
) -> list[Target]:
    kecamatan_rows = {name_key(r["name"]): r["name"] for _, r in rows if r["level"] == "kecamatan"}
    problems.extend(_unique_areas(rows, source))
    seen: dict[str, int] = {}
    targets: list[Target] = []
    for line, r in rows:
        def bad(field: str, why: str, line: int = line) -> None:
            problems.append(f"{source}:{line}: {field}: {why}")

        before = len(problems)
        garbled = {f for f in COLUMNS if _CONTROL.search(r[f])}
        for field in sorted(garbled, key=COLUMNS.index):
            bad(field, "contains control characters (line breaks, tabs)")
        code = r["code"]
        if not code:
            bad("code", "is empty")
        elif not _CODE.match(code):
            bad("code", f"{code!r} may only hold letters, digits, '.', '_' and '-'")
        elif code in seen:
            bad("code", f"{code!r} already used on line {seen[code]}")
        else:
            seen[code] = line
        level = r["level"]
        if level not in LEVELS:
            bad("level", f"{level!r} is not one of {', '.join(LEVELS)}")
        if not r["name"]:
            bad("name", "is empty")
        kecamatan = r["kecamatan"]
        if level == "kota" and kecamatan:
            bad("kecamatan", "must be empty for the kota row")
        elif level == "kecamatan" and name_key(kecamatan) != name_key(r["name"]):
            bad("kecamatan", f"a kecamatan row names itself; {kecamatan!r} != {r['name']!r}")
        elif level == "kelurahan":
            if not kecamatan:
                bad("kecamatan", "is empty")
            elif name_key(kecamatan) not in kecamatan_rows:
                bad("kecamatan", f"{kecamatan!r} has no kecamatan row in this file")
            else:
                kecamatan = kecamatan_rows[name_key(kecamatan)]
        if r["url"] and "url" not in garbled and (why := target_url_problem(r["url"])):
            bad("url", f"{r['url']!r} {why}")
        emails = tuple(e.strip() for e in r["email"].split(";") if e.strip())
        for address in emails if "email" not in garbled else ():
            if why := email_problem(address):
                bad("email", why)
        alert_urls = tuple(u.strip() for u in r.get(ALERT_URLS, "").split(";") if u.strip())
        for number, alert_url in enumerate(alert_urls, 1):
            if why := alert_url_problem(alert_url):
                bad(ALERT_URLS, f"URL {number}: {why}")
        if len(problems) == before:
            targets.append(Target(code, level, r["name"], kecamatan, r["url"], emails, line,
                                  alert_urls))
    return targets


def load(path: Path) -> list[Target]:
    """Read and validate targets.csv at ``path``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TargetsError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TargetsError([f"{path}:{line}: file: not valid UTF-8 (byte {exc.start})"]) from None
    return parse(text, str(path))
