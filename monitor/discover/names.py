"""Which areas a piece of text names: "Kecamatan Tanjung Karang Pusat", "Kel. Sidodadi".

Discovery must never propose the wrong area's site, so matching is by whole words and the
longest name wins: "Kelurahan Sukarame Baru" names Sukarame Baru, not Sukarame. Names match
ignoring case and spaces (the SPEC's rule, ``names.name_key``), so "Tanjungkarang" and
"Tanjung Karang", "Telukbetung" and "Teluk Betung" are one name. A level word just before the
name ("Kecamatan", "Kec.", "Kelurahan", "Kel.", "Camat", "Lurah") says which level is meant:
ten names of Kota Bandar Lampung are both a kecamatan and a kelurahan (Kedaton, Sukarame...,
see ../shared/data/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.core.names import slug
from monitor.targets.loader import Target

LEVEL_WORDS = {
    "kecamatan": "kecamatan", "kec": "kecamatan", "camat": "kecamatan",
    "kelurahan": "kelurahan", "kel": "kelurahan", "lurah": "kelurahan",
}
# Abbreviations people write inside names ("Tj. Karang", "Tlk. Betung", "Sukarame 2").
WORD_ALIASES = {"tj": "tanjung", "tg": "tanjung", "tlk": "teluk", "2": "ii", "3": "iii"}
# Whole-name spellings that differ by more than spaces (data README: "Tanjung Seneng").
NAME_ALIASES = {"tanjungsenang": ("tanjungseneng",)}
MAX_NAME_WORDS = 6
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Area:
    """A kecamatan or kelurahan that discovery may look for or must not confuse."""

    code: str
    level: str
    name: str
    kecamatan: str
    key: str

    @property
    def label(self) -> str:
        return f"{self.level.capitalize()} {self.name}"

    @property
    def compact(self) -> str:
        """Host-label form: 'tanjungkarangpusat'."""
        return slug(self.name).replace("-", "")


@dataclass(frozen=True)
class Mention:
    """One name found in a text: ``level`` is the level word before it, if any."""

    key: str
    level: str | None
    text: str  # exactly as written, level word included

    def names(self, area: Area) -> bool:
        return self.key == area.key and self.level in (None, area.level)


def area_key(name: str) -> str:
    """The matching key of a name: words joined after aliasing ('Tj. Karang' = 'tanjungkarang')."""
    return "".join(WORD_ALIASES.get(w, w) for w in _words(name))


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [m.group(0) for m in _WORD.finditer(folded)]


class AreaIndex:
    """Every kecamatan and kelurahan of targets.csv, by matching key (the city row is left
    out: every page of the city's domain names the city)."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.areas = [Area(t.code, t.level, t.name, t.kecamatan, area_key(t.name))
                      for t in targets if t.level in ("kecamatan", "kelurahan")]
        self.by_key: dict[str, list[Area]] = {}
        self._keys: dict[str, str] = {}  # spelling variant -> key
        for area in self.areas:
            self.by_key.setdefault(area.key, []).append(area)
            self._keys[area.key] = area.key
            for variant in NAME_ALIASES.get(area.key, ()):
                self._keys[variant] = area.key
        self.by_code = {a.code: a for a in self.areas}

    def key_of(self, compact: str) -> str | None:
        """The area key a run of letters spells, if any ('tanjungseneng' -> 'tanjungsenang')."""
        return self._keys.get(compact)

    def shared_name(self, area: Area) -> bool:
        """Whether another area has the same name (then a bare name cannot tell them apart)."""
        return len(self.by_key.get(area.key, ())) > 1

    def mentions(self, text: str) -> list[Mention]:
        """Names in ``text``, longest match first at each word, with any level word before."""
        folded = unicodedata.normalize("NFKC", text)
        spans = [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD.finditer(folded)]
        words = [WORD_ALIASES.get(w, w) for _, _, w in spans]
        found: list[Mention] = []
        i = 0
        while i < len(words):
            end = self._longest(words, i)
            if end is None:
                i += 1
                continue
            key = self._keys["".join(words[i:end])]
            level = LEVEL_WORDS.get(words[i - 1]) if i > 0 else None
            start = spans[i - 1][0] if level else spans[i][0]
            found.append(Mention(key, level, folded[start:spans[end - 1][1]]))
            i = end
        return found

    def _longest(self, words: list[str], i: int) -> int | None:
        for end in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            if "".join(words[i:end]) in self._keys:
                return end
        return None

    def label_match(self, label: str) -> tuple[str | None, str] | None:
        """A host label or path segment read as an area: 'kecamatankedaton' ->
        ('kecamatan', 'kedaton'), 'kec-kedaton' -> ('kecamatan', ...), 'sidodadi' ->
        (None, 'sidodadi'). Level prefixes are tried longest first."""
        compact = "".join(_words(label.replace("_", " ")))
        if key := self.key_of(compact):
            return None, key
        for prefix in sorted(LEVEL_WORDS, key=len, reverse=True):
            if compact.startswith(prefix) and (key := self.key_of(compact[len(prefix):])):
                return LEVEL_WORDS[prefix], key
        return None
