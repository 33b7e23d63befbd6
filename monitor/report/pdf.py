"""A4 PDFs of the HTML reports, printed by the same Debian Chromium the mobile audit uses.

Offices file PDFs and camat open them more easily in phone mail apps than an .html
attachment. Chromium's print engine is the one the report's ``@media print`` rules were
written and tested for, so the PDF is what a reader gets from "Print" in the browser. When
Chromium is not installed, callers keep the HTML and say so once (SPEC: "without it the
command says so once and writes the HTML").

One browser serves a whole run (``PdfPrinter`` is a context manager): starting Chromium costs
about a second, printing one report a fraction of that. Playwright's sync API refuses to run
in a thread that already has an event loop (a test's browser, a scheduler), so the printer
drives Chromium from one worker thread of its own.
"""

from __future__ import annotations

import html
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from monitor.core.chromium import CHROMIUM, Chromium, find_chromium

log = logging.getLogger(__name__)

# Chromium's footer template: its own classes fill in the page numbers. Small grey type,
# the period and data hash on the left so a printed page can be matched to its data.
_FOOTER = ('<div style="font-size:7px;color:#555;width:100%;padding:0 12mm;'
           'display:flex;justify-content:space-between;font-family:sans-serif">'
           '<span>{left}</span><span><span class="pageNumber"></span> / '
           '<span class="totalPages"></span></span></div>')
PRINT_TIMEOUT_MS = 60_000


class PdfUnavailable(RuntimeError):
    """Chromium is not installed: PDFs cannot be made on this machine."""


class PdfPrinter:
    """Print HTML files to A4 PDFs with one headless Chromium."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable if executable is not None else find_chromium()
        self._chromium = Chromium(self.executable) if self.executable else None
        self._worker: ThreadPoolExecutor | None = None

    @property
    def available(self) -> bool:
        return self.executable is not None

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure(self) -> Any:
        if self.executable is None:
            raise PdfUnavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
        assert self._chromium is not None  # executable checked just above
        return self._chromium.browser()

    def print_pdf(self, source: Path, target: Path | None = None, footer: str = "") -> Path:
        """Write ``source`` (an HTML file) as an A4 PDF; returns the PDF's path.

        ``footer`` is plain text (escaped here), e.g. the period and the data hash; page
        numbers are always printed. Links to other local files are not followed: a
        report must be self-contained to print right.
        """
        target = target if target is not None else source.with_suffix(".pdf")
        if self.executable is None:
            self._ensure()  # raises PdfUnavailable in the caller's thread
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        return self._worker.submit(self._print, source, target, footer).result()

    def _print(self, source: Path, target: Path, footer: str) -> Path:
        page = self._ensure().new_page()
        try:
            page.goto(source.resolve().as_uri(), wait_until="load", timeout=PRINT_TIMEOUT_MS)
            pdf = page.pdf(
                format="A4", print_background=True, prefer_css_page_size=True,
                display_header_footer=True, header_template="<span></span>",
                footer_template=_FOOTER.format(left=html.escape(footer)),
                margin={"top": "12mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            page.close()
        tmp = target.with_suffix(".pdf.tmp")
        tmp.write_bytes(pdf)
        tmp.replace(target)
        return target

    def close(self) -> None:
        if self._worker is not None:
            self._worker.submit(self._close).result()
            self._worker.shutdown()
            self._worker = None

    def _close(self) -> None:
        if self._chromium is not None:
            self._chromium.close()


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF Chromium wrote (its page objects are uncompressed ``/Type /Page``)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
