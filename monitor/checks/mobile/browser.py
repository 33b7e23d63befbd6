"""Merge the real-browser measurements (``snapshot.browser``) into the mobile audit.

What the browser knows better, and so replaces: the viewport tag as it is after the page's
scripts ran (a script may set it on load), the share of text under 12 px from computed
styles, sideways scrolling (Lighthouse ``content-width``), failing tap targets (Lighthouse
``tap-targets``, computed in ``mobile_taps``) and the bytes of HTML, CSS and above-the-fold
images as received. A static ``fixed_width_layout`` is kept only when the browser saw the page
scroll sideways (then it explains why); otherwise some later CSS made it fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from monitor.checks.mobile.result import Mobile
from monitor.checks.mobile.text import TextSizes


class Audit(Protocol):
    """The static audit as the browser's figures amend it (``check.Audit``).

    A protocol, so this module needs nothing from ``check`` and the two do not import
    each other.
    """

    url: str
    result: Mobile
    issues: dict[str, Any]

    def add(self, issue: str, rule: str, url: str | None, text: str) -> None: ...
    def judge_viewport(self, content: str | None, where: str) -> None: ...
    def judge_text(self, sizes: TextSizes, how: str) -> None: ...
    def judge_weight(self, total: int, what: str) -> None: ...

SCROLL_SLACK_PX = 1  # sub-pixel rounding is not a sideways scroll


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def merge(audit: Audit, browser: Mapping[str, Any]) -> None:
    audit.result.audit = "browser"
    audit.result.screenshot = browser.get("screenshot")
    audit.result.measured = {
        key: browser.get(key) for key in ("final_url", "inner_width", "outer_width",
                                          "scroll_width", "tap_targets", "tap_failure_count",
                                          "weight", "elapsed_s")}
    audit.result.measured["tap_failures"] = [
        str(f[0]) for f in (browser.get("tap_failures") or [])[:20]]
    live = browser.get("viewport_content")
    audit.judge_viewport(str(live) if live is not None else None, "page after load (browser)")
    _scroll(audit, browser)
    text = browser.get("text") or {}
    sizes = TextSizes(_int(text.get("total_chars")), _int(text.get("small_chars")),
                      [(float(px), str(t)) for px, t in (text.get("samples") or [])[:5]])
    audit.judge_text(sizes, "measured in Chromium")
    _taps(audit, browser)
    weight = browser.get("weight") or {}
    total = sum(_int(v) for v in weight.values())
    if total:
        audit.result.page_bytes = total
        audit.judge_weight(total, "HTML + CSS + above-the-fold images (browser)")


def _scroll(audit: Audit, browser: Mapping[str, Any]) -> None:
    inner, outer = _int(browser.get("inner_width")), _int(browser.get("outer_width"))
    scroll, client = _int(browser.get("scroll_width")), _int(browser.get("client_width"))
    # Lighthouse content-width: innerWidth must equal outerWidth (a page zoomed in or out
    # to fit fails too); and nothing may scroll sideways past the layout viewport.
    wider = abs(inner - outer) > SCROLL_SLACK_PX or scroll > max(client, inner) + SCROLL_SLACK_PX
    if wider and outer:
        audit.add("horizontal_scroll", "lighthouse:content-width", browser.get("final_url"),
                  f"layout is {max(inner, scroll)}px wide on a {outer}px phone screen "
                  f"(innerWidth {inner}, outerWidth {outer}, scrollWidth {scroll})")
    else:
        audit.issues.pop("fixed_width_layout", None)


def _taps(audit: Audit, browser: Mapping[str, Any]) -> None:
    failures = browser.get("tap_failures") or []
    if not failures:
        return
    count = _int(browser.get("tap_failure_count")) or len(failures)
    for target, other, width, height, ratio in failures[:3]:
        audit.add("small_tap_targets", "lighthouse:tap-targets", browser.get("final_url"),
                  f"'{target}' is {width}x{height}px (< 48x48) and a finger on it covers "
                  f"'{other}' ({ratio:.0%} overlap); {count} of "
                  f"{_int(browser.get('tap_targets'))} targets fail")
