"""Mobile-friendliness: would a resident on a phone manage this site?

Fills ``mobile_friendly``, ``mobile_score`` and ``mobile_issues`` (SPEC words). The static
audit reads the home page and up to 4 linked stylesheets (300 KB each, fetched by the sweep
within the site's deadline). When the sweep ran the real-browser audit (``--browser``,
``snapshot.browser``), its measurements replace the static guesses they cover.

Issues, and the source of each rule:

=========================  =====  ==========================================================
issue                      score  rule (source)
=========================  =====  ==========================================================
no_viewport                 -35   no ``<meta name="viewport">`` (Lighthouse ``viewport``)
viewport_not_device_width   -30   tag present but not mobile optimized: no width and no
                                  initial-scale, or ``initial-scale`` < 1 (Lighthouse
                                  ``viewport``), or a fixed pixel width (Mobile-Friendly
                                  Test "Viewport not set to device-width")
horizontal_scroll           -25   browser: ``innerWidth`` != ``outerWidth`` (Lighthouse
                                  ``content-width``) or the document scrolls sideways
fixed_width_layout          -25   static: a container wider than 360 px not undone by a
                                  media query (Mobile-Friendly Test "Content wider than
                                  screen"; see ``mobile_layout``); dropped when the browser
                                  measured no sideways scroll
small_text                  -20   under 60% of the text is 12 px or larger (Lighthouse
                                  ``font-size``; see ``mobile_text``)
plugin_content              -20   Flash/Java/Silverlight content (Lighthouse ``plugins``)
small_tap_targets           -15   browser: a target under 48x48 px whose finger area
                                  overlaps another target (Lighthouse ``tap-targets``)
viewport_blocks_zoom        -10   ``user-scalable=no`` or ``maximum-scale`` < 2 (axe-core
                                  ``meta-viewport``, WCAG 1.4.4)
no_responsive_css           -10   CSS without one width media query or responsive framework
heavy_page                  -10   HTML + CSS + above-the-fold images over 1,600 KB
                                  (Lighthouse ``total-byte-weight``: 1,600 KiB was its
                                  "good" control point through v5; images are only counted
                                  by the browser audit, which sees them load)
=========================  =====  ==========================================================

Score: 100 minus the weights of the issues found, never below 0. Verdict: mobile friendly
unless one of the blocking issues is found: the Mobile-Friendly Test's failures (viewport,
content wider than screen, text too small, incompatible plugins, clickable elements too
close). Zoom blocking, no media queries and weight lower the score only: Lighthouse passed a
page with ``maximum-scale=1`` as mobile optimized, and an unstyled page reflows by itself.
A site not reached is not judged (all three fields null/empty).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.checks.base import Evidence
from monitor.checks.mobile import viewport as vp
from monitor.checks.mobile.browser import merge as merge_browser
from monitor.checks.mobile.css import PHONE_WIDTH, StyleSheets
from monitor.checks.mobile.layout import (
    css_fixed_width,
    html_fixed_width,
    plugins,
    responsive_evidence,
)
from monitor.checks.mobile.result import Mobile
from monitor.checks.mobile.selectors import rule_index
from monitor.checks.mobile.text import LEGIBLE_SHARE, TextSizes, measure
from monitor.core.snapshot import Request, Snapshot

MAX_STYLESHEETS = 4  # brief: at most 4 linked stylesheets per site
MAX_CSS_BYTES = 300_000  # brief: each capped (a theme's main CSS is typically 50-250 KB)
TEXT_DECLS = frozenset({"font", "font-size", "display", "visibility"})  # what mobile_text reads
HEAVY_BYTES = 1_600 * 1024  # Lighthouse total-byte-weight, "good" control point (v3-v5)

WEIGHTS: dict[str, int] = {
    "no_viewport": 35, "viewport_not_device_width": 30, "horizontal_scroll": 25,
    "fixed_width_layout": 25, "small_text": 20, "plugin_content": 20,
    "small_tap_targets": 15, "viewport_blocks_zoom": 10, "no_responsive_css": 10,
    "heavy_page": 10,
}
BLOCKING = frozenset({"no_viewport", "viewport_not_device_width", "horizontal_scroll",
                      "fixed_width_layout", "small_text", "plugin_content",
                      "small_tap_targets"})


_LINKS_KEPT = 1024  # pages kept: a sweep plans up to its concurrency of sites between rounds
_links: dict[int, tuple[weakref.ref[Any], str, tuple[tuple[str, str], ...]]] = {}


def stylesheet_links(document: Any, base: str) -> list[tuple[str, str]]:
    """(absolute URL, media) of the page's stylesheets, in document order. Recent pages'
    answers are kept (by identity, through a weak reference): the mobile and content checks
    each ask for it when planning every round and again when judging, and resolving each
    link's URL is most of the cost."""
    kept = _links.get(id(document))
    if kept is not None and kept[0]() is document and kept[1] == base:
        return list(kept[2])
    out: list[tuple[str, str]] = []
    for link in document.iter("link"):
        rel = str(link.get("rel", "")).lower().split()
        href = str(link.get("href", "")).strip()
        if "stylesheet" not in rel or "alternate" in rel or not href:
            continue
        if link.get("disabled") is not None:
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme in ("http", "https") and all(u != url for u, _ in out):
            out.append((url, str(link.get("media", ""))))
    if len(_links) >= _LINKS_KEPT:
        _links.pop(next(iter(_links), 0), None)  # the oldest
    _links[id(document)] = (weakref.ref(document), base, tuple(out))
    return out


class MobileCheck:
    name = "mobile"

    def plan(self, snapshot: Snapshot) -> Sequence[Request]:
        home = snapshot.home
        if home is None or not home.ok or not home.body:
            return ()
        base = home.final_url or home.url
        links = stylesheet_links(home.document, base)[:MAX_STYLESHEETS]
        return [Request(url, max_bytes=MAX_CSS_BYTES) for url, media in links
                if media.strip().lower() != "print"]

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> Mobile:
        home = snapshot.home
        if home is None:
            return Mobile(None, None, audit="none",
                          evidence=[Evidence.of("no-url", None, "no website to judge")])
        if not home.ok or not home.body.strip():
            return Mobile(None, None, audit="none", evidence=[Evidence.of(
                "not-reached", home.final_url or home.url, "home page not usable")])
        audit = _StaticAudit(snapshot)
        return audit.merge_browser(snapshot.browser).finish()


class _StaticAudit:
    """Collects issues with their evidence; the browser's measurements override guesses."""

    def __init__(self, snapshot: Snapshot) -> None:
        assert snapshot.home is not None
        home = snapshot.home
        self.url = home.final_url or home.url
        self.document = home.document
        self.issues: dict[str, list[Evidence]] = {}
        self.notes: list[Evidence] = []
        self.result = Mobile(None, None, audit="static")
        self.sheets = self._stylesheets(snapshot)
        self.judge_viewport(vp.viewport_content(self.document), "static HTML")
        self._layout(home.text)
        self._text()
        self._plugins()
        self.result.page_bytes = len(home.body) + self.sheets.total_bytes
        self.judge_weight(self.result.page_bytes, "HTML + CSS (images: browser audit only)")

    def add(self, issue: str, rule: str, url: str | None, text: str) -> None:
        self.issues.setdefault(issue, []).append(Evidence.of(f"{issue} ({rule})", url, text))

    def _stylesheets(self, snapshot: Snapshot) -> StyleSheets:
        sheets = StyleSheets()
        links = {u: m for u, m in stylesheet_links(self.document, self.url)}
        for element in self.document.iter("style", "link"):
            if element.tag == "style":
                sheets.add(element.text_content()[:MAX_CSS_BYTES], "inline <style>",
                           str(element.get("media", "")))
                continue
            url = urljoin(self.url, str(element.get("href", "")).strip())
            if url not in links:
                continue
            fetched = snapshot.fetched(Request(url, max_bytes=MAX_CSS_BYTES))
            if fetched is not None and fetched.ok:
                sheets.add(fetched.text[:MAX_CSS_BYTES], url, links[url])
                self.result.css_read.append(url)
            else:
                self.result.css_missing.append(url)
        return sheets

    def judge_viewport(self, content: str | None, where: str) -> None:
        for issue in ("no_viewport", "viewport_not_device_width", "viewport_blocks_zoom"):
            self.issues.pop(issue, None)
        parsed = vp.parse(content)
        self.result.viewport = content
        if not parsed.present:
            self.add("no_viewport", "lighthouse:viewport", self.url,
                     f"no <meta name=\"viewport\"> in the {where}: phones lay the page out "
                     "980 px wide and shrink it")
            return
        shown = f'<meta name="viewport" content="{content}">'
        if not parsed.mobile_optimized:
            self.add("viewport_not_device_width", "lighthouse:viewport", self.url,
                     shown + (" " + "; ".join(parsed.warnings) if parsed.warnings else ""))
        elif parsed.fixed_width is not None and parsed.fixed_width > PHONE_WIDTH:
            self.add("viewport_not_device_width", "mobile-friendly-test:viewport", self.url,
                     shown + " (fixed pixel width)")
        block = parsed.zoom_block
        if block is not None:
            self.add("viewport_blocks_zoom", f"axe:meta-viewport {block}", self.url, shown)

    def _layout(self, html: str) -> None:
        for found in css_fixed_width(self.sheets) + html_fixed_width(self.document, self.url):
            self.add("fixed_width_layout", found.rule, found.source, found.text)
        if self.result.css_missing:
            self.notes.append(Evidence.of("css-not-read", self.result.css_missing[0],
                                          "stylesheet not fetched; responsive CSS unknown"))
        elif (self.sheets.rules or self.sheets.media_queries or self.result.css_read) \
                and responsive_evidence(self.sheets, self.document, html) is None:
            self.add("no_responsive_css", "mobile:media-queries", self.url,
                     f"{len(self.sheets.sources)} stylesheet(s), no width media query, "
                     "no responsive framework")

    def _text(self) -> None:
        index = rule_index(r for r in self.sheets.applying() if TEXT_DECLS & r.decls.keys())
        self.judge_text(measure(self.document, index), "static estimate")

    def judge_text(self, sizes: TextSizes, how: str) -> None:
        self.issues.pop("small_text", None)
        self.result.legible_share = sizes.legible_share
        if sizes.small_text:
            share = sizes.legible_share or 0.0
            samples = "; ".join(f"{px}px '{text}'" for px, text in sizes.samples[:3])
            self.add("small_text", "lighthouse:font-size", self.url,
                     f"{share:.0%} of {sizes.total_chars} characters are 12px or larger "
                     f"(needs {LEGIBLE_SHARE:.0%}; {how}): {samples}")

    def _plugins(self) -> None:
        for found in plugins(self.document, self.url):
            self.add("plugin_content", found.rule, found.source, found.text)

    def judge_weight(self, total: int, what: str) -> None:
        self.issues.pop("heavy_page", None)
        if total > HEAVY_BYTES:
            self.add("heavy_page", "lighthouse:total-byte-weight", self.url,
                     f"{total / 1024:.0f} KB of {what} > {HEAVY_BYTES // 1024} KB")

    def merge_browser(self, browser: Mapping[str, Any] | None) -> _StaticAudit:
        """Replace static guesses with what Chromium measured (see module docstring)."""
        if not browser:
            return self
        if browser.get("error"):
            self.result.browser_error = str(browser["error"])[:300]
            self.notes.append(Evidence.of("browser-failed", self.url, self.result.browser_error))
            return self
        merge_browser(self, browser)
        return self

    def finish(self) -> Mobile:
        issues = sorted(self.issues, key=lambda i: -WEIGHTS[i])
        self.result.mobile_issues = issues
        self.result.mobile_score = max(0, 100 - sum(WEIGHTS[i] for i in issues))
        self.result.mobile_friendly = not BLOCKING.intersection(issues)
        self.result.evidence = [e for i in issues for e in self.issues[i]] + self.notes
        if not issues:
            self.result.evidence.insert(0, Evidence.of(
                "mobile:ok", self.url, f"viewport {self.result.viewport!r}; no issue found "
                f"({self.result.audit} audit)"))
        return self.result
