"""The data files of a pack: data.json (the hashed one), weeks.csv, sites.csv, incidents.csv.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return: OWASP "CSV injection") get a leading apostrophe: evidence text comes from websites we
do not control, and Diskominfotik opens these files in a spreadsheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from monitor.core.clock import iso_jakarta
from monitor.report.period.model import AreaTrend, Incident, PeriodPack, to_jsonable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WEEK_FIELDS = ("area_code", "area_name", "level", "week", "first", "last", "sites", "checks",
               "uptime_pct", "aktif_pct", "kurang_aktif_pct", "tidak_aktif_pct", "mobile_pct",
               "hacked", "suspended", "no_site")
SITE_FIELDS = ("code", "name", "level", "kecamatan", "url", "first_day", "uptime_pct",
               "start_activity", "end_activity", "start_mobile", "end_mobile", "incidents",
               "change", "change_why")
INCIDENT_FIELDS = ("code", "name", "kecamatan", "kind", "started_at", "ended_at", "hours",
                   "sweeps", "evidence", "reviews")


def data_json(pack: PeriodPack) -> bytes:
    """Canonical JSON (sorted keys): the same data always gives the same bytes and hash."""
    data = to_jsonable(pack)
    del data["lang"]  # the Indonesian and English packs of the same data share one hash
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode("utf-8")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def safe_cell(value: Any) -> str:
    """A CSV cell as text, neutralised when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _areas(pack: PeriodPack) -> list[AreaTrend]:
    return [pack.city, *pack.kecamatan]


def weeks_csv(pack: PeriodPack) -> bytes:
    rows = []
    for area in _areas(pack):
        for w in area.weeks:
            rows.append((area.code, area.name, area.level, w.label, w.first, w.last, w.sites,
                         w.checks, w.uptime_pct, w.aktif_pct, w.kurang_aktif_pct,
                         w.tidak_aktif_pct, w.mobile_pct, w.hacked, w.suspended, w.no_site))
    return _csv(WEEK_FIELDS, rows)


def sites_csv(pack: PeriodPack) -> bytes:
    return _csv(SITE_FIELDS, ((s.code, s.name, s.level, s.kecamatan, s.url, s.first_day,
                               s.uptime_pct, s.start_activity, s.end_activity, s.start_mobile,
                               s.end_mobile, s.incidents, s.change, ";".join(s.change_why))
                              for s in pack.city.sites))


def _evidence(incident: Incident) -> str:
    return " | ".join(" ".join(str(e.get(k) or "") for k in ("rule", "url", "text")).strip()
                      for e in incident.evidence)


def _reviews(incident: Incident) -> str:
    return " | ".join(f"{iso_jakarta(r.at)} {r.by} {r.status}: {r.note}"
                      for r in incident.reviews)


def incidents_csv(pack: PeriodPack) -> bytes:
    return _csv(INCIDENT_FIELDS, ((i.code, i.name, i.kecamatan, i.kind, iso_jakarta(i.started_at),
                                   iso_jakarta(i.ended_at), i.hours, i.sweeps, _evidence(i),
                                   _reviews(i)) for i in pack.city.incidents))
