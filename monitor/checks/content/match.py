"""One piece of evidence for a content flag: which flag, which rule, what text, where.

Kept apart from the rules so the spam and signature modules and the check share it without
importing each other. Plain data: findings may cross a process boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

EXCERPT = 120  # characters of context kept around a match


@dataclass(frozen=True)
class Match:
    flag: str  # judi_spam, default_page, suspended, empty, defaced
    rule: str  # e.g. "judi:hidden-block", "suspended:cpanel-url"
    url: str
    where: str  # "<title>", "meta[description]", "hidden block div#f > div.x (display:none)"
    text: str  # the exact text read (an excerpt around the match)
    terms: tuple[str, ...] = ()  # the words or signature that matched

    def summary(self) -> str:
        terms = f" [{', '.join(self.terms[:8])}]" if self.terms else ""
        return f"{self.where}{terms}: {self.text}"


def excerpt(text: str, at: int, width: int = EXCERPT) -> str:
    """``width`` characters of ``text`` around offset ``at``, marked with ... where cut."""
    if len(text) <= width:
        return text
    at = max(at, 0)
    start = max(0, min(at - width // 3, len(text) - width))
    piece = text[start:start + width].strip()
    return ("..." if start > 0 else "") + piece + ("..." if start + width < len(text) else "")
