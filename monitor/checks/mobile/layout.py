"""Static layout rules: fixed-width pages, no responsive CSS, and plugin content.

* ``fixed_width_layout`` (Mobile-Friendly Test "Content wider than screen"; Lighthouse
  ``content-width``): a ``width`` or ``min-width`` wider than the 360 px phone on ``html``,
  ``body``, a table or a wrapper-like element (tag ``div``/``main``/``section``/... or a
  class/id such as ``wrapper``, ``container``, ``page``), in a rule that applies on a phone,
  not capped by ``max-width`` in the same rule and not undone by a later rule for the same
  element that applies on a phone (a ``@media (max-width: ...)`` block setting ``width:auto``,
  a percentage, or a ``max-width``). Also ``<table width="800">`` and ``style="width:980px"``
  on such elements, which no stylesheet media query can undo.
* ``no_responsive_css``: the page has CSS but not one media query on the screen width (in
  ``<style>``, fetched stylesheets or ``<link media>``) and no responsive framework
  (Bootstrap, Foundation, Bulma, Tailwind, W3.CSS, Pure, Materialize, UIkit class names or
  file names). A page with no CSS at all is not flagged: unstyled HTML reflows to any width.
* ``plugin_content``: Lighthouse's ``plugins`` audit (``core/audits/seo/plugins.js``):
  ``<applet>``, or an ``<embed>``/``<object>`` whose type is Flash, Java or Silverlight, whose
  URL ends in .swf/.flv/.class/.xap, or whose source ``<param>`` does. Phones cannot run them.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from monitor.checks.mobile.css import PHONE_WIDTH, Rule, StyleSheets, is_responsive_query

CONTAINER_TAGS = frozenset({"html", "body", "table", "div", "main", "section", "header",
                            "footer", "nav", "article", "center", "form", "iframe"})
_WRAPPER_NAME = re.compile(r"wrap|container|page|site|layout|main|content|outer|inner|body|"
                           r"header|footer|frame|global|center|shell|canvas", re.I)
_ABSOLUTE = re.compile(r"^\s*([\d.]+)\s*(px|pt|em|rem|in|cm|mm)\s*$")
_UNIT_PX = {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "in": 96.0, "cm": 96 / 2.54,
            "mm": 96 / 25.4}
FRAMEWORK = re.compile(r"\b(col-(xs|sm|md|lg|xl)-\d+|container-fluid|navbar-toggle(r)?|"
                       r"bootstrap|foundation|bulma|tailwind|w3-(row|col|container)|"
                       r"pure-u-|materialize|uk-grid|(sm|md|lg):[a-z])", re.I)
_FRAMEWORK_STARTS = (b"col-", b"container-fluid", b"navbar-toggle", b"bootstrap",
                     b"foundation", b"bulma", b"tailwind", b"w3-", b"pure-u-", b"materialize",
                     b"uk-grid", b"sm:", b"md:", b"lg:")
"""How every FRAMEWORK match begins (lower case)."""
_CASE_SPECIAL = ("\u0130", "\u0131", "\u017f", "\u212a")
"""The only non-ASCII characters a case-insensitive ASCII letter matches (Python ``re``
docs: İ ı ſ K); \u0130 is also the only one whose ``lower()`` is longer."""
PLUGIN_TYPES = frozenset({"application/x-shockwave-flash", "application/x-java-applet",
                          "application/x-java-bean", "application/x-silverlight",
                          "application/x-silverlight-2"})
PLUGIN_EXTENSIONS = frozenset({"swf", "flv", "class", "xap"})
SOURCE_PARAMS = frozenset({"code", "movie", "source", "src"})


@dataclass(frozen=True)
class Finding:
    """One static layout problem, with what was read and where."""

    rule: str
    source: str | None
    text: str


def fixed_px(value: str) -> float | None:
    """An absolute CSS length in px (em as 16 px); None for auto, %, vw, calc()..."""
    match = _ABSOLUTE.match(value)
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None


@lru_cache(maxsize=20_000)  # pages sharing a theme share its selectors
def _is_container(selector: str) -> bool:
    last = re.split(r"[\s>+~]+", selector.strip())[-1]
    tag = re.match(r"^[a-zA-Z][\w-]*", last)
    if tag and tag.group(0).lower() in CONTAINER_TAGS:
        return True
    names = re.findall(r"[#.]([\w-]+)", last)
    return any(_WRAPPER_NAME.search(name) for name in names)


def _too_wide(rule: Rule) -> tuple[str, float] | None:
    for prop in ("min-width", "width"):
        px = fixed_px(rule.decls.get(prop, ""))
        if px is not None and px > PHONE_WIDTH:
            cap = rule.decls.get("max-width", "")
            cap_px = fixed_px(cap)
            if cap.endswith(("%", "vw")) or (cap_px is not None and cap_px <= PHONE_WIDTH):
                return None
            return prop, px
    return None


def _undoes(rule: Rule) -> bool:
    """Does this rule make its element fit a phone (width auto/%/small, or a max-width)?"""
    width = rule.decls.get("width")
    if width is not None:
        px = fixed_px(width)
        if px is None or px <= PHONE_WIDTH:
            return True
    cap = rule.decls.get("max-width")
    if cap is not None:
        px = fixed_px(cap)
        if px is None or px <= PHONE_WIDTH:
            return True
    return False


@lru_cache(maxsize=20_000)
def _last_compound(selector: str) -> str:
    return re.split(r"[\s>+~]+", selector.strip())[-1]


def css_fixed_width(sheets: StyleSheets) -> list[Finding]:
    """Wide container rules that apply on a phone and are not undone later."""
    applying = sheets.applying()
    found: list[Finding] = []
    undone_until: dict[str, int] | None = None  # last compound -> last rule that undoes it
    for position, rule in enumerate(applying):
        if not _is_container(rule.selector):
            continue
        wide = _too_wide(rule)
        if wide is None:
            continue
        if undone_until is None:  # once, not a scan of every later rule per wide rule
            undone_until = {_last_compound(r.selector): at
                            for at, r in enumerate(applying) if _undoes(r)}
        if undone_until.get(_last_compound(rule.selector), -1) > position:
            continue
        prop, px = wide
        found.append(Finding("fixed-width-css", rule.source,
                             f"{rule.selector} {{ {prop}: {rule.decls[prop]} }}"
                             + (f" in @media {rule.media}" if rule.media else "")
                             + f" ({px:.0f}px > {PHONE_WIDTH:.0f}px phone)"))
        if len(found) == 5:
            break
    return found


_STYLE_WIDTH = tuple(re.compile(rf"(?:^|;|\s){prop}\s*:\s*([^;]+)")
                     for prop in ("min-width", "width"))


def html_fixed_width(document: Any, url: str | None) -> list[Finding]:
    """``<table width=800>`` and ``style="width: 980px"`` on containers."""
    found = []
    for element in document.iter("table", "body", "div", "center", "main", "section",
                                 "iframe", "td"):
        get = element.get
        raw = get("width")
        if raw is not None:
            raw = str(raw).strip()
            if raw.isdigit() and float(raw) > PHONE_WIDTH and element.tag != "td":
                found.append(Finding("fixed-width-html", url,
                                     f'<{element.tag} width="{raw}">'))
        style = get("style")
        if style is not None:
            style = str(style)[:500].lower()
        if style and "width" in style:  # else neither pattern below can match
            for pattern in _STYLE_WIDTH:
                match = pattern.search(style)
                px = fixed_px(match.group(1)) if match else None
                if px is not None and px > PHONE_WIDTH and "max-width" not in style:
                    found.append(Finding("fixed-width-html", url,
                                         f'<{element.tag} style="{style.strip()[:120]}">'))
                    break
        if len(found) >= 5:
            break
    return found


def responsive_evidence(sheets: StyleSheets, document: Any, html: str) -> str | None:
    """What shows the page adapts to the screen (a media query or a framework), or None."""
    for query, source in sheets.media_queries:
        if is_responsive_query(query):
            return f"@media {query[:120]} ({source})"
    for link in document.iter("link"):
        media = str(link.get("media", ""))
        if is_responsive_query(media):
            return f'<link media="{media[:120]}">'
    match = framework_match(html[:500_000])
    if match:
        return f"responsive framework: {match.group(0)}"
    return None


def framework_match(text: str) -> re.Match[str] | None:
    """``FRAMEWORK.search(text)``, without running the regex at every position: a
    case-insensitive alternation costs ~150 ns a character (75 ms on a 500 KB page with no
    framework). A match can only begin where one of ``_FRAMEWORK_STARTS`` does, so those
    places are tried in order. They are found in the text as ASCII bytes (one byte per
    character, "?" for any other, so positions line up), lower-cased: other characters never
    match an ASCII letter, except four, for which the regex runs as before."""
    if not text.isascii() and any(char in text for char in _CASE_SPECIAL):
        return FRAMEWORK.search(text)
    low = text.encode("ascii", "replace").lower()
    heap = [(at, start) for start in _FRAMEWORK_STARTS if (at := low.find(start)) != -1]
    heapq.heapify(heap)
    tried = -1
    while heap:
        at, start = heapq.heappop(heap)
        if at != tried:
            tried = at
            match = FRAMEWORK.match(text, at)
            if match:
                return match
        following = low.find(start, at + 1)
        if following != -1:
            heapq.heappush(heap, (following, start))
    return None


def plugins(document: Any, url: str | None) -> list[Finding]:
    """Lighthouse's plugins audit over embed/object/applet."""
    found = []
    for element in document.iter("applet", "embed", "object"):
        tag = str(element.tag)
        if tag == "applet" or _plugin_element(element):
            attrs = " ".join(f'{k}="{v}"' for k, v in list(element.attrib.items())[:4])
            found.append(Finding("lighthouse:plugins", url, f"<{tag} {attrs}>"))
        if len(found) >= 5:
            break
    return found


def _plugin_element(element: Any) -> bool:
    kind = str(element.get("type", "")).lower()
    if kind in PLUGIN_TYPES or kind.startswith("application/x-java-applet"):
        return True
    urls = [str(element.get("src") or element.get("data") or element.get("code") or "")]
    for param in element.iter("param"):
        if str(param.get("name", "")).lower() in SOURCE_PARAMS:
            urls.append(str(param.get("value", "")))
    return any(_extension(u) in PLUGIN_EXTENSIONS for u in urls if u)


def _extension(url: str) -> str:
    path = urlsplit(url.strip()).path if "://" in url else url.split("?")[0]
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""
