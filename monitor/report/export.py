"""`monitor export`: the latest result of every target, in the SPEC's fields and order."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from monitor.core.activity import TIDAK_ADA_SITUS, TIDAK_DIKETAHUI
from monitor.core.clock import as_utc, iso_jakarta
from monitor.core.csvcells import csv_cell
from monitor.store import Result, Site

FIELDS = (
    "code", "level", "name", "kecamatan", "url", "checked_at", "available", "status_code",
    "error", "response_ms", "final_url", "https", "cert_days_left", "last_update",
    "last_update_source", "last_update_evidence", "days_since_update", "activity",
    "mobile_friendly", "mobile_score", "mobile_issues", "content_flags",
)
LIST_FIELDS = ("mobile_issues", "content_flags")


def record(site: Site, result: Result | None) -> dict[str, Any]:
    """One export object. A site never checked has nulls, and its activity says why."""
    out: dict[str, Any] = {
        "code": site.code, "level": site.level, "name": site.name,
        "kecamatan": site.kecamatan, "url": site.url,
    }
    if result is None:
        never = TIDAK_ADA_SITUS if not site.url else TIDAK_DIKETAHUI
        out.update({f: None for f in FIELDS if f not in out})
        out.update(activity=never, mobile_issues=[], content_flags=[],
                   error="no_site" if not site.url else None)
        return out
    for name in FIELDS[5:]:
        out[name] = getattr(result, name)
    # SPEC: checked_at is null for "never checked / no website"
    no_site = result.error == "no_site"
    out["checked_at"] = None if no_site else iso_jakarta(as_utc(result.checked_at))
    out["mobile_issues"] = list(result.mobile_issues or [])
    out["content_flags"] = list(result.content_flags or [])
    return out


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for rec in records:
        writer.writerow([csv_cell(rec[f]) for f in FIELDS])  # page text: no formulas
    return buffer.getvalue()
