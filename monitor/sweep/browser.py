"""The real-browser mobile audit: Debian's Chromium, headless, as a 360x640 phone.

Why a real browser: only layout tells whether a page really scrolls sideways, how big its
text is after the whole cascade, and which tap targets crowd each other. Playwright drives
``/usr/bin/chromium`` (``apt-get install chromium``); a browser download is never used.

One ``BrowserAuditor`` owns one Chromium and audits one page at a time. Playwright's sync API
is bound to the thread that started it, so the sweep calls it from one dedicated worker
thread, never from the event loop. Each page gets a fresh context (no cookies carried from
site to site), a time limit on every step, and pages' dialogs, downloads and service workers
are refused. What it returns is a plain dict (``snapshot.browser``) that
``monitor.checks.mobile.check`` turns into issues; an audit that fails returns ``{"error": ...}``
and the check falls back to its static audit.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from monitor import USER_AGENT
from monitor.checks.mobile import taps as mobile_taps
from monitor.core.chromium import CHROMIUM as CHROMIUM  # re-exported: tests patch it here
from monitor.core.chromium import Chromium
from monitor.core.chromium import find_chromium as find_chromium
from monitor.sweep.browser_js import MEASURE_JS

log = logging.getLogger(__name__)

PHONE = {"width": 360, "height": 640}  # CSS px, the phone of the brief (Moto G4 class)
MOBILE_UA = ("Mozilla/5.0 (Linux; Android 11; Moto G Power) AppleWebKit/537.36 (KHTML, like "
             f"Gecko) Chrome/120.0 Mobile Safari/537.36 {USER_AGENT}")
SETTLE_S = 0.3  # after load, for late layout (web fonts, lazy scripts)


def screenshot_path(directory: str | Path, sweep_stamp: str, code: str) -> Path:
    """``<dir>/<sweep time>/<site code>.jpg``; the code is made safe for a file name."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in code)[:80] or "site"
    return Path(directory) / sweep_stamp / f"{safe}.jpg"


class BrowserAuditor:
    """One Chromium for a sweep; ``audit`` is called from a single thread."""

    def __init__(self, executable: str = CHROMIUM) -> None:
        self.executable = executable
        self._chromium = Chromium(executable)

    def __enter__(self) -> BrowserAuditor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure(self) -> Any:
        return self._chromium.browser()

    def close(self) -> None:
        self._chromium.close()

    def audit(self, url: str, screenshot: Path | None = None,
              timeout: float = 20.0) -> dict[str, Any]:
        """Load ``url`` as a phone and measure it; never raises for a site's fault."""
        started = time.monotonic()
        try:
            result = self._audit(url, screenshot, timeout)
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the sweep
            log.info("browser audit of %s failed: %s", url, exc)
            result = {"url": url, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        result["elapsed_s"] = round(time.monotonic() - started, 2)
        return result

    def _audit(self, url: str, screenshot: Path | None, timeout: float) -> dict[str, Any]:
        browser = self._ensure()
        context = browser.new_context(
            viewport=PHONE, screen=PHONE, is_mobile=True, has_touch=True,
            device_scale_factor=1, user_agent=MOBILE_UA, ignore_https_errors=True,
            accept_downloads=False, service_workers="block")
        try:
            context.set_default_timeout(timeout * 1000)
            page = context.new_page()
            sizes = _ByteCounter(context, page)
            deadline = time.monotonic() + timeout
            response = page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
            try:
                page.wait_for_load_state("load", timeout=max(deadline - time.monotonic(), 1) * 1000)
            except Exception:  # noqa: BLE001 - a page that never finishes loading is measured as is
                log.debug("load event not reached for %s", url)
            page.wait_for_timeout(SETTLE_S * 1000)
            shot = _screenshot(page, screenshot)
            measured: dict[str, Any] = page.evaluate(MEASURE_JS)
            return _result(url, page.url, response, measured, sizes, shot)
        finally:
            context.close()


def _screenshot(page: Any, path: Path | None) -> str | None:
    """A 360x640 JPEG of what a phone shows first (small: ~20-60 KB)."""
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), type="jpeg", quality=60, full_page=False)
    return str(path)


class _ByteCounter:
    """Bytes received per URL and resource type, from the DevTools protocol (exact sizes,
    even for cross-origin files that hide them from the page's Resource Timing)."""

    def __init__(self, context: Any, page: Any) -> None:
        self.by_request: dict[str, tuple[str, str]] = {}  # requestId -> (url, type)
        self.bytes: dict[str, int] = {}  # requestId -> encoded bytes
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        self.by_request[event["requestId"]] = (event["response"]["url"], event.get("type", ""))

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def weight(self, fold_images: list[str]) -> dict[str, int]:
        """HTML + CSS + above-the-fold images, in bytes as received."""
        wanted = set(fold_images)
        out = {"html": 0, "css": 0, "images_above_fold": 0}
        for request_id, size in self.bytes.items():
            url, kind = self.by_request.get(request_id, ("", ""))
            if kind == "Document" and out["html"] == 0:
                out["html"] = size
            elif kind == "Stylesheet":
                out["css"] += size
            elif kind == "Image" and url in wanted:
                out["images_above_fold"] += size
        return out


def _result(url: str, final_url: str, response: Any, measured: dict[str, Any],
            sizes: _ByteCounter, shot: str | None) -> dict[str, Any]:
    targets = mobile_taps.from_plain(measured.get("tap_targets") or [])
    failing = mobile_taps.failures(targets)
    fold = [str(u) for u in measured.get("fold_images") or []]
    return {
        "url": url,
        "final_url": final_url,
        "status": response.status if response is not None else None,
        "viewport_content": measured.get("viewport_content"),
        "inner_width": measured.get("inner_width"),
        "outer_width": measured.get("outer_width"),
        "scroll_width": measured.get("scroll_width"),
        "client_width": measured.get("client_width"),
        "text": measured.get("text") or {},
        "tap_targets": len(targets),
        "tap_failures": [[f.target, f.overlapping, f.size[0], f.size[1], f.ratio]
                         for f in failing[:20]],
        "tap_failure_count": len(failing),
        "weight": sizes.weight(fold),
        "screenshot": shot,
        "error": None,
    }


class SweepBrowser:
    """The sweep's side of the browser audit: one Chromium in one worker thread, at most one
    page at a time, each audit bounded by the site's timeout; off the event loop.

    When Chromium is absent the sweep keeps its static audit and says so once (a warning in
    the log), not once per site."""

    def __init__(self, screenshots_dir: str | Path, sweep_stamp: str, timeout: float,
                 executable: str | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.executable = executable if executable is not None else find_chromium()
        self.screenshots_dir = Path(screenshots_dir)
        self.stamp = sweep_stamp
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self._auditor = BrowserAuditor(self.executable or CHROMIUM)
        self._warned = False

    @property
    def available(self) -> bool:
        return self.executable is not None

    async def audit(self, code: str, url: str) -> dict[str, Any] | None:
        """The browser's measurements for one site, or None (no Chromium: static only)."""
        import asyncio

        if not self.available:
            if not self._warned:
                log.warning("chromium not found at %s: mobile audit is static only "
                            "(apt-get install chromium)", CHROMIUM)
                self._warned = True
            return None
        loop = asyncio.get_running_loop()
        shot = screenshot_path(self.screenshots_dir, self.stamp, code)
        limit = self.timeout + 10.0  # the first audit also starts Chromium
        future = loop.run_in_executor(self._executor, self._auditor.audit, url, shot,
                                      self.timeout)
        try:
            return await asyncio.wait_for(future, limit)
        except TimeoutError:
            return {"url": url, "error": f"browser audit took over {limit:.0f} s"}

    def close(self) -> None:
        """Stop Chromium in its own thread, then the thread."""
        try:
            self._executor.submit(self._auditor.close).result(timeout=30)
        except Exception:  # a browser that will not close is left to exit
            log.debug("browser close failed", exc_info=True)
        self._executor.shutdown(wait=False, cancel_futures=True)


def sweep_stamp(when: Any) -> str:
    """Folder name for a sweep's screenshots: its start in Asia/Jakarta, e.g. 20261123T1047."""
    from monitor.core.clock import to_jakarta

    return str(to_jakarta(when).strftime("%Y%m%dT%H%M%S"))
