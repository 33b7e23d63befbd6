"""Where Debian's Chromium is and how to start it on this closed network.

Both the mobile audit (sweep) and the PDF reports use the same browser, never a download:
``apt-get install chromium`` provides ``/usr/bin/chromium``. The flags keep Chromium from
calling Google's services at start, which this machine's network refuses (and a government
server should not do anyway).
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def find_chromium(path: str = CHROMIUM) -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


class Chromium:
    """One headless Chromium started on first use and restarted if it died, driven from the
    thread that calls ``browser()`` (playwright's sync API is bound to its thread). Both the
    phone audit and the PDF printer hold one."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._playwright: Any = None
        self._browser: Any = None

    def browser(self) -> Any:
        if self._browser is None or not self._browser.is_connected():
            from playwright.sync_api import sync_playwright

            if self._playwright is None:
                self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=LAUNCH_ARGS, headless=True)
        return self._browser

    def close(self) -> None:
        for closer in (self._browser, self._playwright):
            if closer is None:
                continue
            try:
                closer.close() if closer is self._browser else closer.stop()
            except Exception:  # a dying browser must not fail the sweep or the report
                log.debug("closing chromium failed", exc_info=True)
        self._browser = self._playwright = None
