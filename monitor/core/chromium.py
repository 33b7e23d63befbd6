"""Where Debian's Chromium is and how to start it on this closed network.

Both the mobile audit (sweep) and the PDF reports use the same browser, never a download:
``apt-get install chromium`` provides ``/usr/bin/chromium``. The flags keep Chromium from
calling Google's services at start, which this machine's network refuses (and a government
server should not do anyway).
"""

from __future__ import annotations

import os

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def find_chromium(path: str = CHROMIUM) -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
