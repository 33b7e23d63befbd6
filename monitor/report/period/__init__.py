"""Monthly, yearly and --from/--to evidence packs: one folder per period (SPEC)::

    reports/2026-11/  reports/2026/  reports/2026-03-01_2026-05-31/
        index.html, index.pdf               the city: one-page summary first, then detail
        kecamatan-<slug>.html, .pdf         each kecamatan
        weeks.csv, sites.csv, incidents.csv the period's figures for spreadsheets
        data.json, data.sha256              everything above as data, and its SHA-256

Built from the day summaries (store/summaries.py), which are filled first, so a pack reads
tens of thousands of small rows rather than every result, and a pruned database gives the
same pack. Files are written under a temporary name and renamed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.core.errors import UsageError
from monitor.report.i18n import check_lang
from monitor.report.output import write_file
from monitor.report.pdf import PdfPrinter
from monitor.report.period import files
from monitor.report.period.data import build_pack
from monitor.report.period.model import Period, PeriodPack
from monitor.report.period.render import environment, helpers, render
from monitor.report.period.words import say
from monitor.store import Store
from monitor.store.summaries import fill

__all__ = ["write_period", "PeriodFiles", "build_period"]

log = logging.getLogger(__name__)


@dataclass
class PeriodFiles:
    label: str
    folder: Path
    city: Path
    kecamatan: list[Path]
    data_sha256: str
    summary: list[str] = field(default_factory=list)  # headline lines, for the email body
    pdfs: list[Path] = field(default_factory=list)
    pdf_note: str = ""  # why there are no PDFs, said once

    def lines(self) -> list[str]:
        out = [f"{self.label}: {self.city}"] + [f"{self.label}: {p}" for p in self.kecamatan]
        if self.pdf_note:
            out.append(self.pdf_note)
        elif self.pdfs:
            out.append(f"{self.label}: {len(self.pdfs)} PDF files")
        return out + [f"data sha256 {self.data_sha256}"]


def build_period(store: Store, period: Period, *, lang: str, now: datetime,
                 options: Mapping[str, Any]) -> PeriodPack:
    """Fill any day summaries still missing, then compute the pack (nothing written)."""
    check_lang(lang)
    filled = fill(store, now)
    if filled:
        log.info("summarised %d days", filled)
    return build_pack(store, period, lang=lang, now=now, options=options)


def write_period(store: Store, out_dir: Path, period: Period, *, lang: str, now: datetime,
                 options: Mapping[str, Any], pdf: bool = True,
                 printer: PdfPrinter | None = None) -> PeriodFiles:
    pack = build_period(store, period, lang=lang, now=now, options=options)
    folder = out_dir / period.label
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"reports folder {folder}: cannot create: {exc.strerror or exc}"
                         ) from None
    data = files.data_json(pack)
    digest = files.sha256(data)
    write_file(folder / "data.json", data)
    write_file(folder / "data.sha256", f"{digest}  data.json\n".encode())
    write_file(folder / "weeks.csv", files.weeks_csv(pack))
    write_file(folder / "sites.csv", files.sites_csv(pack))
    write_file(folder / "incidents.csv", files.incidents_csv(pack))
    env = environment()
    pages = []
    for area in [*pack.kecamatan, pack.city]:
        name = "index.html" if area.level == "kota" else f"kecamatan-{area.slug}.html"
        write_file(folder / name, render(pack, area, sha256=digest, generated=now,
                                     env=env).encode("utf-8"))
        pages.append(folder / name)
    written = PeriodFiles(period.label, folder, pages[-1], pages[:-1], digest,
                          summary_lines(pack))
    if pdf:
        _print(written, pages, printer)
    log.info("wrote the %s pack into %s", period.label, folder)
    return written


def summary_lines(pack: PeriodPack) -> list[str]:
    """Three plain sentences with the headline figures, in the pack's language."""
    h = helpers(pack.lang)
    city, cov = pack.city, pack.coverage
    end = city.end
    return [
        say(pack.lang, "mail_1", up=h["pct"](city.totals.uptime_pct),
            aktif=h["pct"](end.aktif_pct if end else None),
            mobile=h["pct"](end.mobile_pct if end else None)),
        say(pack.lang, "mail_2", hacked=city.totals.hacked, incidents=len(city.incidents),
            nosite=city.totals.no_site),
        say(pack.lang, "mail_3", done=cov.done, scheduled=cov.scheduled, pct=h["pct"](cov.pct),
            gaps=len(cov.gaps)),
    ]


def _print(written: PeriodFiles, pages: list[Path], printer: PdfPrinter | None) -> None:
    own = printer is None
    printer = printer or PdfPrinter()
    if not printer.available:
        written.pdf_note = "PDF not written: Chromium is not installed (HTML only)"
        return
    footer = f"monitor {written.label} · sha256 {written.data_sha256[:16]}"
    try:
        for page in pages:
            written.pdfs.append(printer.print_pdf(page, footer=footer))
    finally:
        if own:
            printer.close()
