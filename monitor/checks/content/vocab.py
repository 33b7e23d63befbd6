"""The gambling-spam vocabulary: loaded from TOML, compiled once, matched against page text.

The words live in ``monitor/data/judi_patterns.toml`` so an admin can read them; an admin's
own file (setting ``spam_patterns_file``) adds to them without editing the package. Text is
normalised before matching because spam hides from naive filters: NFKC folds full-width and
"mathematical bold" letters (``ｓｌｏｔ``, ``𝐬𝐥𝐨𝐭``) to ASCII, and zero-width characters
inserted inside words (``sl\u200bot``) are removed.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from monitor.checks.content.literals import required_literals
from monitor.core.errors import ConfigError

TIERS = ("promo", "topic", "weak")
_LISTS = (*TIERS, "anti", "honest", "promo_patterns")
_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff]+")
# Characters NFKC folds into ASCII letters or digits: full-width forms, mathematical
# alphanumerics, enclosed and small-capital letters, ligatures, super/subscripts.
_COMPAT = re.compile("[\u00aa\u00b2\u00b3\u00b9\u00ba\u1d00-\u1dbf\u2070-\u209f"
                     "\u2100-\u214f\u2460-\u24ff\ufb00-\ufb06\uff00-\uffef"
                     "\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SEP = r"[\s._\-]*"
T = TypeVar("T")
RECENT = 8  # texts whose scan is remembered: a page is scanned again in each plan round


def normalise(text: str) -> str:
    """Lower-case NFKC text with invisible characters dropped. Whitespace is left as it is
    (page text arrives collapsed; a space in a term matches any run of separators)."""
    if text.isascii():  # the common case skips the Unicode work
        return text.lower()
    # A page with one "©" is not ASCII: look at its few distinct non-ASCII characters
    # (0.2 ms for 23 KB) before running the two character-class scans (1.4 ms) over it all.
    odd = "".join(set(_NON_ASCII.findall(text)))
    if _COMPAT.search(odd):  # NFKC costs ~1 ms per 40 KB: only when it changes letters
        return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()
    if _INVISIBLE.search(odd):
        text = _INVISIBLE.sub("", text)
    return text.lower()


def _key(term: str) -> str:
    return re.sub(r"[\s._\-]+", "", term)


@dataclass(frozen=True)
class Hits:
    """The distinct gambling terms found in one piece of text, by tier."""

    terms: dict[str, str] = field(default_factory=dict)  # term -> tier
    first_at: int = -1  # offset of the first promo/topic match in the normalised text
    anti: str = ""  # an anti-gambling word found, if any
    anti_words: int = 0  # distinct anti-gambling words found (news of the fight has several)

    def tier(self, name: str) -> list[str]:
        return [t for t, tier in self.terms.items() if tier == name]

    @property
    def any(self) -> bool:
        return bool(self.terms)


class Vocabulary:
    """Compiled matchers for one set of word lists."""

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self.tier_of: dict[str, tuple[str, str]] = {}  # key -> (term, tier)
        for tier in reversed(TIERS):  # a term listed twice keeps its strongest tier
            for term in lists.get(tier, []):
                norm = normalise(term).strip()
                if norm:
                    self.tier_of[_key(norm)] = (norm, tier)
        self.terms_re = _alternation(t for t, _ in self.tier_of.values())
        self.terms_gate = _word_start_gate(self.terms_re)
        self.patterns = [_compile(p) for p in lists.get("promo_patterns", [])]
        # per pattern: literals one of which every match contains (None: always run it)
        self.pattern_gates = [required_literals(p) for p in self.patterns]
        self.anti_re = _alternation(normalise(w).strip() for w in lists.get("anti", []))
        self.honest_re = _alternation(normalise(w).strip() for w in lists.get("honest", []))
        self._recent: OrderedDict[tuple[str, str, bool], Any] = OrderedDict()

    def scan(self, text: str, *, normalised: bool = False) -> Hits:
        """Distinct terms in ``text`` (honest phrases blanked first). The last few texts'
        answers are remembered: the content check's plan scans the same home page in every
        plan round, and a whole page costs ~2 ms per scan even with the gates below."""
        return self._remembered(("scan", text, normalised), self._scan)

    def any_term(self, text: str) -> bool:
        """``scan(text).any``, for a yes or no: after the gates, honest phrases are blanked
        and the gates asked again, without listing every term (raw markup often holds a
        weak word such as "4d" or "jp" in a class name or script: 81 of the 142 corpus
        pages)."""
        return self._remembered(("any", text, False), self._any_term)

    def _remembered(self, key: tuple[str, str, bool], compute: Callable[[str, bool], T]) -> T:
        if (kept := self._recent.get(key)) is not None:
            self._recent.move_to_end(key)
            return cast(T, kept)
        known = compute(key[1], key[2])
        self._recent[key] = known
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return known

    def _any_term(self, text: str, _normalised: bool) -> bool:
        norm = normalise(text)
        if not self._found(norm):
            return False
        if self.honest_re is not None and self.honest_re.search(norm):
            return self._found(self.honest_re.sub(lambda m: " " * len(m.group(0)), norm))
        return True

    def _scan(self, text: str, normalised: bool) -> Hits:
        norm = text if normalised else normalise(text)
        if not self._found(norm):  # most text has no term at all: one pass and done
            return Hits()
        if self.honest_re is not None and self.honest_re.search(norm):
            norm = self.honest_re.sub(lambda m: " " * len(m.group(0)), norm)
        terms: dict[str, str] = {}
        first = -1
        for match in self.terms_re.finditer(norm) if self.terms_re is not None else ():
            term, tier = self.tier_of[_key(match.group(0))]
            terms.setdefault(term, tier)
            if tier != "weak" and first < 0:
                first = match.start()
        for pattern in self.patterns:
            for match in pattern.finditer(norm):
                terms[match.group(0)] = "promo"
                first = match.start() if first < 0 else min(first, match.start())
        anti, anti_words = "", 0
        if terms and self.anti_re is not None and (found := self.anti_re.search(norm)):
            anti = found.group(0)
            anti_words = len({m.group(0) for m in self.anti_re.finditer(norm)})
        return Hits(terms, first, anti, anti_words)

    def _found(self, norm: str) -> bool:
        """Whether any term or pattern can match: the fast no for clean pages. Measured on
        the 142 corpus pages (~113 KB each): 13.4 ms per page with the plain matchers, 2.4 ms
        with these gates (a lookbehind as a regex's first step makes Python's engine try a
        full match at every position; C-speed substring tests do not)."""
        if self.terms_gate is not None and self.terms_gate.search(f" {norm}"):
            return True
        for pattern, literals in zip(self.patterns, self.pattern_gates, strict=True):
            if literals is not None and not any(word in norm for word in literals):
                continue  # no match can exist without one of these words
            if pattern.search(norm):
                return True
        return False


def _alternation(words: Any) -> re.Pattern[str] | None:
    """One regex for many words, as a trie ("slot(?:[sep]*gacor)?..."): Python's engine
    then tests a handful of branches per position instead of every word (measured 1.1 ms vs
    3.2 ms on a 34 KB page)."""
    trie: dict[str, Any] = {}
    for word in {w for w in words if w}:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return None
    return re.compile(rf"(?<![a-z]){_trie_pattern(trie)}(?![a-z])")


def _word_start_gate(terms: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """``terms`` as "a non-letter, then a term": searched in the text with a space before
    it, it matches exactly where ``terms`` does, but its first step is a character class,
    which Python's engine scans for in C instead of trying the lookbehind everywhere
    (measured 2.8 -> 2.0 ms per corpus page)."""
    if terms is None:
        return None
    lookbehind = "(?<![a-z])"
    assert terms.pattern.startswith(lookbehind)
    return re.compile("[^a-z]" + terms.pattern[len(lookbehind):])


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [(_SEP if char == " " else re.escape(char)) + _trie_pattern(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"spam pattern {pattern!r} is not a valid regular expression: {exc}")\
            from None


def _read(path: Path | None) -> dict[str, list[str]]:
    if path is None:
        raw = resources.files("monitor").joinpath("data/judi_patterns.toml").read_text("utf-8")
        origin = "monitor/data/judi_patterns.toml"
    else:
        origin = str(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"spam_patterns_file {origin}: cannot read: {exc}") from None
    try:
        table = tomllib.loads(raw).get("judi", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    lists: dict[str, list[str]] = {}
    for name, value in table.items():
        if name not in _LISTS or not isinstance(value, list) \
                or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{origin}: [judi] {name} must be one of {', '.join(_LISTS)}"
                              " and a list of strings")
        lists[name] = value
    return lists


@functools.lru_cache(maxsize=8)
def _load(extra: str, mtime: float) -> Vocabulary:
    lists = _read(None)
    if extra:
        for name, words in _read(Path(extra)).items():
            lists[name] = [*lists.get(name, []), *words]
    return Vocabulary(lists)


def vocabulary(extra_file: str = "") -> Vocabulary:
    """The packaged vocabulary plus an admin's extra file (re-read when it changes).

    Raises ConfigError when the extra file is missing or malformed: a silent fallback would
    hide the admin's words without telling anyone."""
    mtime = 0.0
    if extra_file:
        try:
            mtime = Path(extra_file).stat().st_mtime
        except OSError as exc:
            raise ConfigError(f"spam_patterns_file {extra_file}: cannot read: {exc}") from None
    return _load(extra_file, mtime)
