"""A small, forgiving CSS reader for the static mobile audit: only what the audit needs.

Why not a full CSS engine: the audit runs on every site of every sweep and must cost a few
milliseconds. It keeps, per rule, the selector, the declarations the audit reads (font size,
width, min/max width, display, visibility) and the media query it sits in, and it answers
"would this media query apply on a 360 px wide phone?". Anything it cannot read (odd at-rules,
hacks, broken braces) is skipped, never raised: CSS comes from sites we do not trust.

Selector matching (see ``mobile_text``) looks only at each selector's last compound
(``div#main .content`` -> ``.content``): a deliberate approximation, good enough to find the
rules that set a body or wrapper width or a class's font size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PHONE_WIDTH = 360.0  # CSS px: the phone the audit imagines (brief; Moto G4-like Lighthouse default)
ROOT_FONT_PX = 16.0  # browsers' default medium font size, what 1em means in a media query
MAX_RULES = 20_000  # a hostile or huge stylesheet stops being read here

WANTED = ("font", "width", "min-width", "max-width", "display", "visibility")
_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_TOKEN = re.compile(r"[{};]")
_WIDTH_FEATURE = re.compile(r"\b(min|max)-(device-)?width\s*:\s*([\d.]+)\s*(px|em|rem)?", re.I)
_SKIP_AT = ("@font-face", "@keyframes", "@-webkit-keyframes", "@-moz-keyframes", "@page",
            "@counter-style", "@property", "@font-feature-values", "@viewport",
            "@-ms-viewport")


@dataclass(frozen=True)
class Rule:
    selector: str  # one selector of a comma list, whitespace-normalised
    decls: dict[str, str]  # wanted property -> value (lower case, !important stripped)
    media: str  # the enclosing media query text ("" for none)
    source: str  # stylesheet URL or "inline <style>"
    order: int  # position in the cascade (later wins at equal specificity)


_PARSED_KEPT = 256  # sheets kept, the inline ones of a few themes included
_PARSED_MAX_CHARS = 3_000_000  # and at most this much of their text
_ParsedKey = tuple[str, str, str, int]  # text, source, media, rules before it
_parsed: dict[_ParsedKey, tuple[tuple[Rule, ...], tuple[tuple[str, str], ...]]] = {}
_parsed_chars = 0


def _keep(key: _ParsedKey, value: tuple[tuple[Rule, ...], tuple[tuple[str, str], ...]]) -> None:
    global _parsed_chars
    if len(key[0]) > _PARSED_MAX_CHARS // 4:
        return
    while _parsed and (len(_parsed) >= _PARSED_KEPT
                       or _parsed_chars + len(key[0]) > _PARSED_MAX_CHARS):
        oldest = next(iter(_parsed))
        del _parsed[oldest]
        _parsed_chars -= len(oldest[0])
    _parsed[key] = value
    _parsed_chars += len(key[0])


@dataclass
class StyleSheets:
    """Everything read from a page's CSS."""

    rules: list[Rule] = field(default_factory=list)
    media_queries: list[tuple[str, str]] = field(default_factory=list)  # (query, source)
    sources: list[str] = field(default_factory=list)
    total_bytes: int = 0

    def add(self, text: str, source: str, media: str = "") -> None:
        """Read one stylesheet (inline or fetched) into the cascade, in document order.

        What a sheet adds is kept for the next page that has the same sheet at the same place
        in its cascade (the city's kelurahan pages share one portal's theme CSS, 50-250 KB,
        ~30 ms to read each time, and its inline styles); rules are immutable, so they are
        shared, and so is their ``selectors.rule_index``."""
        self.sources.append(source)
        self.total_bytes += len(text)
        key = (text, source, media, len(self.rules))
        kept = _parsed.get(key)
        if kept is not None:
            self.rules += kept[0]
            self.media_queries += kept[1]
            return
        rules, queries = len(self.rules), len(self.media_queries)
        _Reader(self, _COMMENT.sub(" ", text), source).block(0, media)
        _keep(key, (tuple(self.rules[rules:]), tuple(self.media_queries[queries:])))

    def applying(self, width: float = PHONE_WIDTH) -> list[Rule]:
        """Rules whose media query applies on a phone ``width`` CSS px wide (each distinct
        query judged once: a theme's thousands of rules share a few dozen)."""
        verdicts: dict[str, bool] = {}
        out = []
        for rule in self.rules:
            applies = verdicts.get(rule.media)
            if applies is None:
                applies = verdicts[rule.media] = media_applies(rule.media, width)
            if applies:
                out.append(rule)
        return out


class _Reader:
    """Walks braces with a regex (fast on 300 KB files) rather than char by char."""

    def __init__(self, sheets: StyleSheets, text: str, source: str) -> None:
        self.sheets, self.text, self.source = sheets, text, source

    def block(self, pos: int, media: str) -> int:
        """Read rules from ``pos`` until the matching ``}`` (or the end); return the end."""
        text = self.text
        start = pos
        for match in _TOKEN.finditer(text, pos):
            if match.start() < start:
                continue
            char = match.group(0)
            prelude = text[start:match.start()].strip()
            if char == ";":  # a statement at-rule such as @import or @charset
                start = match.end()
            elif char == "}":
                return match.end()
            else:
                start = self._open(prelude, match.end(), media)
            if len(self.sheets.rules) >= MAX_RULES:
                return len(text)
        return len(text)

    def _open(self, prelude: str, body: int, media: str) -> int:
        low = prelude.lower()
        if low.startswith("@media"):
            query = prelude[6:].strip()
            self.sheets.media_queries.append((query, self.source))
            combined = f"{media} and {query}" if media else query
            return self.block(body, combined)
        if low.startswith(("@supports", "@layer", "@container", "@document", "@-moz-document",
                           "@scope", "@starting-style")):
            return self.block(body, media)
        end = self.text.find("}", body)
        end = len(self.text) if end < 0 else end
        if not low.startswith(_SKIP_AT) and not low.startswith("@"):
            self._rule(prelude, self.text[body:end], media)
        return end + 1

    def _rule(self, prelude: str, body: str, media: str) -> None:
        if not any(name in body for name in WANTED):
            return
        decls = declarations(body)
        if not decls:
            return
        for selector in prelude.split(","):
            selector = " ".join(selector.split())
            if selector:
                self.sheets.rules.append(Rule(selector, decls, media, self.source,
                                              len(self.sheets.rules)))


def declarations(body: str) -> dict[str, str]:
    """The wanted declarations of a rule body or a style="" attribute."""
    out: dict[str, str] = {}
    for item in body.split(";"):
        name, colon, value = item.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        if name in WANTED or name == "font-size":
            out[name] = value.replace("!important", "").strip().lower()
    return out


def media_applies(media: str, width: float = PHONE_WIDTH) -> bool:
    """Would this media query list apply on a screen ``width`` px wide? Unknown: yes."""
    if not media.strip():
        return True
    return any(_one_query_applies(q, width) for q in media.split(","))


def _one_query_applies(query: str, width: float) -> bool:
    low = query.strip().lower()
    if re.match(r"^(only\s+)?print\b", low) or re.match(r"^(only\s+)?speech\b", low):
        return False
    if low.startswith("not "):
        return True  # rare in practice; do not guess
    for kind, _device, number, unit in _WIDTH_FEATURE.findall(low):
        limit = float(number) * (ROOT_FONT_PX if unit in ("em", "rem") else 1.0)
        if kind == "min" and width < limit:
            return False
        if kind == "max" and width > limit:
            return False
    return True


def is_responsive_query(query: str) -> bool:
    """A media query that adapts layout to the screen width (not print, not colour scheme)."""
    return bool(_WIDTH_FEATURE.search(query)) or "orientation" in query.lower()


def length_px(value: str, parent_px: float = ROOT_FONT_PX) -> float | None:
    """A CSS length in px (em/% relative to ``parent_px``); None for auto, calc, vw, etc."""
    match = re.match(r"^\s*(-?[\d.]+)\s*(px|pt|em|rem|%|vw|in|cm|mm)?\s*$", value)
    if not match:
        return None
    try:
        number = float(match.group(1))
    except ValueError:
        return None
    unit = match.group(2) or "px"
    if number != 0 and match.group(2) is None:
        return None  # a unitless non-zero length is invalid CSS
    scale = {"px": 1.0, "pt": 4 / 3, "em": parent_px, "rem": ROOT_FONT_PX,
             "%": parent_px / 100, "vw": PHONE_WIDTH / 100, "in": 96.0, "cm": 96 / 2.54,
             "mm": 96 / 25.4}[unit]
    return number * scale
