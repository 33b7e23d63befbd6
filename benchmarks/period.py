"""Build time of a year's evidence pack: 147 areas, 4 sweeps a day (tests/period_seed.py).

Prints: seeding time; the first build (which also summarises the 365 days: done once, then
daily by prune / the weekly report); a rebuild from the summaries (what `monitor report
--year` costs afterwards); the PDF printing of all 21 pages; and the pack's sizes.

    .venv/bin/python benchmarks/period.py [--no-pdf]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import period_seed as seed

from monitor.core import settings
from monitor.report.pdf import PdfPrinter
from monitor.report.period import span, write_period
from monitor.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    options = settings.load(environ={}).values
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(f"sqlite:///{folder / 'year.db'}")
        started = time.perf_counter()
        seed.seed(store)
        print(f"seed: {time.perf_counter() - started:.1f} s (147 areas, 4 sweeps a day, 2025)")
        period = span.year("2025", seed.NOW)
        for label in ("first build (summarise 365 days + HTML pack)", "rebuild (HTML pack)"):
            started, cpu = time.perf_counter(), time.process_time()
            files = write_period(store, folder / "reports", period, lang="id", now=seed.NOW,
                                 options=options, pdf=False)
            print(f"{label}: {time.perf_counter() - started:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU (a shared machine's wall time "
                  "varies; CPU time is what the build costs)")
        started = time.perf_counter()
        write_period(store, folder / "reports", span.month("2025-11", seed.NOW), lang="id",
                     now=seed.NOW, options=options, pdf=False)
        print(f"month pack (HTML): {time.perf_counter() - started:.1f} s")
        if not args.no_pdf:
            with PdfPrinter() as printer:
                if not printer.available:
                    print("PDF: Chromium is not installed")
                else:
                    started = time.perf_counter()
                    files = write_period(store, folder / "reports", period, lang="id",
                                         now=seed.NOW, options=options, printer=printer)
                    print(f"HTML + PDF pack: {time.perf_counter() - started:.1f} s "
                          f"({len(files.pdfs)} PDFs)")
        for path in sorted(files.folder.iterdir()):
            if path.name.startswith(("index", "data", "weeks", "sites", "incidents",
                                     "kecamatan-kedaton")):
                print(f"  {path.name}: {path.stat().st_size / 1024:.0f} KB")
        total = sum(p.stat().st_size for p in files.folder.iterdir())
        print(f"  whole pack: {total / 1024 / 1024:.1f} MB in "
              f"{len(list(files.folder.iterdir()))} files")


if __name__ == "__main__":
    main()
