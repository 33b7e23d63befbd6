"""How much of a page's text is legible on a phone, estimated without a browser.

Rule (Lighthouse ``font-size`` audit, ``core/audits/seo/font-size.js``): text under 12 px is
illegible, and the page passes when at least 60% of its text (counted in characters of
visible text nodes, trimmed) is 12 px or larger.

How sizes are found: from the root's 16 px down, each element's size comes from Chrome's
default style sheet for its tag (``h6`` is 0.67em, ``small`` is ``smaller``, ``<font size=1>``
is 10 px), then the CSS rules that match it (see ``mobile_selectors``: by specificity, then
order), then its ``style`` attribute. Text hidden with ``display:none``, ``visibility:hidden``,
the ``hidden`` attribute, or inside script/style/template is not counted, as in Lighthouse.
The real-browser audit measures the same thing from computed styles and is preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from monitor.checks.mobile.css import ROOT_FONT_PX, declarations, length_px
from monitor.checks.mobile.selectors import Node, RuleIndex

LEGIBLE_PX = 12.0  # Lighthouse font-size: "12px or larger is legible"
LEGIBLE_SHARE = 0.60  # Lighthouse font-size: at least 60% of text must be legible
MAX_ELEMENTS = 20_000  # a hostile page stops being read here
SMALLER = 1 / 1.2  # Chrome: "smaller"/"larger" scale by 1.2

NOT_RENDERED = frozenset({"head", "script", "style", "noscript", "template", "title", "meta",
                          "link", "svg", "math", "iframe", "object", "embed", "canvas",
                          "select", "textarea", "video", "audio"})
TAG_EM = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67,
          "small": SMALLER, "sub": SMALLER, "sup": SMALLER, "big": 1.2}
KEYWORD_PX = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
              "large": 18.0, "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}
FONT_SIZE_ATTR_PX = {1: 10.0, 2: 13.0, 3: 16.0, 4: 18.0, 5: 24.0, 6: 32.0, 7: 48.0}
_FONT_SHORTHAND = re.compile(r"(?:^|\s)([\d.]+(?:px|pt|em|rem|%)|xx-small|x-small|small|medium|"
                             r"large|x-large|xx-large|smaller|larger)(?:/|\s|$)")


@dataclass
class TextSizes:
    """Characters of visible text by legibility, with the smallest samples as evidence."""

    total_chars: int = 0
    small_chars: int = 0
    samples: list[tuple[float, str]] = field(default_factory=list)  # (px, text) under 12 px

    @property
    def legible_share(self) -> float | None:
        if self.total_chars == 0:
            return None
        return (self.total_chars - self.small_chars) / self.total_chars

    @property
    def small_text(self) -> bool:
        share = self.legible_share
        return share is not None and share < LEGIBLE_SHARE

    def count(self, text: str | None, px: float) -> None:
        stripped = (text or "").strip()
        if not stripped:
            return
        self.total_chars += len(stripped)
        if px < LEGIBLE_PX:
            self.small_chars += len(stripped)
            if len(self.samples) < 5:
                self.samples.append((round(px, 2), " ".join(stripped.split())[:80]))


def font_size_px(value: str, parent_px: float) -> float | None:
    """A font-size value in px, relative to the parent's size; None when unreadable."""
    value = value.strip()
    if value in KEYWORD_PX:
        return KEYWORD_PX[value]
    if value == "smaller":
        return parent_px * SMALLER
    if value == "larger":
        return parent_px * 1.2
    return length_px(value, parent_px)


def _from_shorthand(value: str, parent_px: float) -> float | None:
    match = _FONT_SHORTHAND.search(value)
    return font_size_px(match.group(1), parent_px) if match else None


def _font_attr(element: Any) -> float | None:
    raw = str(element.get("size", "")).strip()
    try:
        size = int(raw) if raw[:1] not in "+-" else 3 + int(raw)
    except ValueError:
        return None
    return FONT_SIZE_ATTR_PX[min(max(size, 1), 7)]


@dataclass
class _Style:
    px: float
    visible: bool
    displayed: bool = True


def element_style(element: Any, node: Node, ancestors: frozenset[str], parent: _Style,
                  index: RuleIndex) -> _Style:
    """Font size and visibility of one element: tag default, then CSS, then style=""."""
    px = parent.px * TAG_EM.get(node.tag, 1.0)
    if node.tag == "font":
        px = _font_attr(element) or px
    style = _Style(px, parent.visible)
    if element.get("hidden") is not None:
        style.displayed = False
    decl_sets = [s.rule.decls for s in index.matching(node, ancestors)] if index else []
    inline = element.get("style")
    if inline:
        decl_sets.append(declarations(str(inline)[:2000]))
    for decls in decl_sets:
        if "font" in decls:
            style.px = _from_shorthand(decls["font"], parent.px) or style.px
        if "font-size" in decls:
            style.px = font_size_px(decls["font-size"], parent.px) or style.px
        if decls.get("display") == "none":
            style.displayed = False
        if "visibility" in decls:
            style.visible = decls["visibility"] not in ("hidden", "collapse")
    return style


def measure(document: Any, index: RuleIndex) -> TextSizes:
    """Walk the document (iteratively: hostile pages nest deeply) and size its text.

    An element's style depends only on its tag, the classes and id some selector names
    (``RuleIndex.project``), ``hidden``, ``style`` (and a ``<font>``'s ``size``), its parent's
    style and the keys of its ancestors that some selector needs (``RuleIndex.ancestor_keys``),
    so it is computed once per distinct combination: a portal's 2,000 list items cost a dict
    lookup each, not a selector match each (the walk is the static audit's main cost)."""
    relevant = index.ancestor_keys if index else frozenset()
    names = index.names if index else frozenset()
    sizes = TextSizes()
    count = sizes.count
    root = _Style(ROOT_FONT_PX, True)
    memo: dict[tuple[Any, ...], tuple[_Style, frozenset[str] | None]] = {}
    class_sets: dict[Any, frozenset[str]] = {}
    stack: list[tuple[Any, _Style, frozenset[str]]] = [(document, root, frozenset())]
    seen = 0
    while stack and seen < MAX_ELEMENTS:
        element, parent, ancestors = stack.pop()
        seen += 1
        tag = element.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if tag in NOT_RENDERED:
            continue
        get = element.get
        raw = get("class")
        classes = class_sets.get(raw)
        if classes is None:
            classes = frozenset(c for c in str(raw or "").split() if "." + c in names)
            class_sets[raw] = classes
        ident = get("id")
        if ident and "#" + ident not in names:
            ident = None
        key = (tag, classes, ident or None, get("hidden") is None, get("style"),
               get("size") if tag == "font" else None, parent.px, parent.visible, ancestors)
        known = memo.get(key)
        if known is None:
            node = Node(tag, str(ident) if ident else None, classes)
            style = element_style(element, node, ancestors, parent, index)
            # one shared set per combination: later hashes of it are cached
            known = (style, (ancestors | (node.keys() & relevant)) if style.displayed
                     else None)
            memo[key] = known
        style, chain = known
        if chain is None:  # not displayed
            continue
        if style.visible:
            text = element.text
            if text:
                count(text, style.px)
        if len(element):
            children = list(element)
            if style.visible:
                for child in children:
                    tail = child.tail
                    if tail:
                        count(tail, style.px)
            children.reverse()
            stack += [(child, style, chain) for child in children]
    return sizes
