"""Weekly HTML reports: the city, each kecamatan, and the SPBE evidence beside them.

``write_week`` reads one ISO week (Asia/Jakarta) from the store, builds the plain report data
(``report.data``), renders it (``report.render``) and writes into ``out_dir/YYYY-Www/``::

    index.html                 the city report (Diskominfotik)
    kecamatan-<slug>.html      one per kecamatan (emailed to each camat)
    index.pdf, kecamatan-<slug>.pdf   the same as A4 PDFs, when a ``PdfPrinter`` is given
                               and Chromium is installed (report.pdf)
    export.csv, export.json    `monitor export` of the week: latest result of each target
    data.json                  the exact data the reports were built from (SHA-256 in them)

Files are written to a temporary name and renamed, so a reader (or the mailer) never sees a
half-written report.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.core.chromium import CHROMIUM
from monitor.core.clock import as_utc
from monitor.core.errors import UsageError
from monitor.report import export as exporter
from monitor.report.data import build
from monitor.report.i18n import check_lang
from monitor.report.model import WeekReport
from monitor.report.output import write_file
from monitor.report.pdf import PdfPrinter
from monitor.report.render import environment, footer_text, render_city, render_kecamatan
from monitor.report.source import WeekInput, load_week
from monitor.report.warnings import week_warnings
from monitor.store import Result, Store

__all__ = ["write_week", "WeekFiles", "KecamatanFile", "build_week"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KecamatanFile:
    code: str  # the kecamatan's site code, e.g. "18.71.01"
    name: str  # "Kedaton"
    slug: str  # "kedaton" (monitor.core.names.slug)
    path: Path  # reports/2026-W47/kecamatan-kedaton.html
    sites: int  # areas in this kecamatan incl. the kecamatan itself
    needs_action: int  # websites that need action (areas without one are counted apart)
    summary: list[str]  # short plain-text lines in the report language, for the email body
    websites: int = -1  # areas with a website (-1: not known)
    pdf: Path | None = None  # the A4 PDF beside the HTML, when Chromium made one


@dataclass(frozen=True)
class WeekFiles:
    week: str  # "2026-W47"
    folder: Path  # reports/2026-W47
    city: Path  # reports/2026-W47/index.html
    kecamatan: list[KecamatanFile]
    data_sha256: str
    city_pdf: Path | None = None
    pdf_problem: str = ""  # why no PDF was made ('' when made or not asked for)
    warnings: tuple[str, ...] = ()  # empty, unfinished or thin week (report.warnings)


def build_week(store: Store, year: int, week: int, *, lang: str = "id",
               now: datetime | None = None,
               options: Mapping[str, Any] | None = None) -> tuple[WeekInput, WeekReport]:
    """The week's input rows and report data, without writing anything."""
    check_lang(lang)
    data = load_week(store, year, week)
    report = build(data, lang=lang, now=now or datetime.now(UTC), options=options)
    return data, report


def write_week(store: Store, out_dir: Path, year: int, week: int, *, lang: str = "id",
               now: datetime | None = None, options: Mapping[str, Any] | None = None,
               pdf: PdfPrinter | None = None) -> WeekFiles:
    """Write the city report, every kecamatan report, the export and data.json; with
    ``pdf`` (and Chromium installed) an A4 PDF beside each report."""
    now = now or datetime.now(UTC)
    data, report = build_week(store, year, week, lang=lang, now=now, options=options)
    folder = out_dir / data.label
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"reports folder {folder}: cannot create: {exc.strerror or exc}"
                         ) from None
    env = environment()
    write_file(folder / "data.json", data.canonical_json())
    records = _export_records(data)
    write_file(folder / "export.json", exporter.to_json(records).encode("utf-8"))
    write_file(folder / "export.csv", exporter.to_csv(records).encode("utf-8"))
    printer = _Printing(pdf)
    kecamatan = []
    for kec in report.kecamatan:
        path = folder / f"kecamatan-{kec.slug}.html"
        write_file(path, render_kecamatan(report, kec, env).encode("utf-8"))
        kecamatan.append(KecamatanFile(
            kec.code, kec.name, kec.slug, path, len(kec.sites), kec.headline.needs_action,
            list(kec.summary), websites=kec.headline.with_site,
            pdf=printer.print(path, footer_text(report, kec))))
    city = folder / "index.html"
    write_file(city, render_city(report, env).encode("utf-8"))
    city_pdf = printer.print(city, footer_text(report))
    log.info("wrote %s reports for %s into %s", len(kecamatan) + 1, data.label, folder)
    return WeekFiles(data.label, folder, city, kecamatan, report.data_sha256, city_pdf,
                     printer.problem, week_warnings(data, now, lang))


class _Printing:
    """Prints PDFs while it can; the first failure is kept (said once), the HTML stays."""

    def __init__(self, printer: PdfPrinter | None) -> None:
        self.printer = printer
        self.problem = ""
        if printer is not None and not printer.available:
            self.problem = f"Chromium not found at {CHROMIUM}"

    def print(self, html: Path, footer: str) -> Path | None:
        if self.printer is None or self.problem:
            return None
        try:
            return self.printer.print_pdf(html, html.with_suffix(".pdf"), footer=footer)
        except Exception as exc:  # noqa: BLE001 - a failed print must not lose the HTML reports
            self.problem = f"Chromium could not print: {str(exc).splitlines()[0][:200]}"
            log.warning("no PDF for %s: %s", html, self.problem)
            return None


def _export_records(data: WeekInput) -> list[dict[str, Any]]:
    """`monitor export` for the week: the latest result of each target within the week."""
    latest: dict[str, Result] = {}
    for site, result in data.results:
        held = latest.get(site.code)
        if held is None or as_utc(result.checked_at) >= as_utc(held.checked_at):
            latest[site.code] = result
    return [exporter.record(site, latest.get(site.code)) for site in data.sites]
