"""The gambling vocabulary's fast "no": the gates that skip the full matchers on clean text
must never hide a term or a promo pattern, for the packaged words and for an admin's own."""

from __future__ import annotations

import re
from pathlib import Path

import fleet_content
import pytest

from monitor.checks.content.literals import required_literals
from monitor.checks.content.vocab import Hits, Vocabulary, vocabulary

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SPAM_TEXTS = [
    "Daftar SLOT88 sekarang", "main di mpo500 hari ini", "olympus1000 gacor",
    "zeus35 maxwin", "togel4d resmi", "pola gacor hari ini", "(slot gacor)", "88slot",
    "dewa4d", "sl\u200bot gacor", "ｓｌｏｔ ｇａｃｏｒ", "judi-online", "x toto4d y",
    "Pelayanan slot waktu antrian", "slot waktu pelayanan, slot gacor juga",
]


def _plain(vocab: Vocabulary, text: str) -> Hits:
    """The answer without the gates and without remembering (the reference)."""
    found = vocab._found

    def ungated(norm: str) -> bool:
        if vocab.terms_re is not None and vocab.terms_re.search(norm):
            return True
        return any(p.search(norm) for p in vocab.patterns)

    vocab._found = ungated  # type: ignore[method-assign]
    try:
        return vocab._scan(text, False)
    finally:
        vocab._found = found  # type: ignore[method-assign]


def _texts() -> list[str]:
    pages = [p.read_text("utf-8", "replace") for p in sorted(CORPUS.glob("*/*.html"))]
    scripted = [getattr(fleet_content, name) for name in dir(fleet_content)
                if name.isupper() and isinstance(getattr(fleet_content, name), str)]
    return pages + scripted + SPAM_TEXTS


def test_the_gates_give_the_same_answer_as_the_full_matchers_on_every_page() -> None:
    vocab = vocabulary("")
    texts = _texts()
    assert len(texts) > 150
    flagged = 0
    for text in texts:
        expected = _plain(vocab, text)
        assert vocab.scan(text) == expected, text[:200]
        assert vocab.any_term(text) == expected.any, text[:200]
        flagged += expected.any
    assert flagged >= 40  # the comparison covered pages with terms, not only clean ones


def test_an_admins_patterns_are_gated_only_when_their_words_are_known(tmp_path: Path) -> None:
    extra = tmp_path / "words.toml"
    extra.write_text("[judi]\npromo_patterns = ['(?:cuan|hoki)[a-z]{0,3}\\d{3}', "
                     "'sl[o0]t\\d+', '(?i)JACKPOT\\d{2}']\n", encoding="utf-8")
    vocab = vocabulary(str(extra))
    gates = dict(zip((p.pattern for p in vocab.patterns), vocab.pattern_gates, strict=True))
    assert gates["(?:cuan|hoki)[a-z]{0,3}\\d{3}"] == ("cuan", "hoki")
    assert gates["sl[o0]t\\d+"] is None  # a character class: always run
    assert gates["(?i)JACKPOT\\d{2}"] is None  # case-insensitive: always run
    for text in ["menang cuanbet777", "sl0t12", "JACKPOT88 hari ini"]:
        assert vocab.scan(text).tier("promo"), text
        assert vocab.any_term(text)


@pytest.mark.parametrize(("pattern", "words"), [
    (r"abc\d+", ("abc",)),
    (r"(?:ab|cd)ef", ("abef", "cdef")),
    (r"(?<![a-z])(?:mpo|dewa)\d{2}", ("mpo", "dewa")),
    (r"(slot|judi)[- ]?(\d+)", ("slot", "judi")),
    (r"x+y", None),
    (r"ab", None),  # too short to save anything
    (r"(?:abc)?def", ("def",)),  # an optional part is not required
])
def test_required_words_are_read_from_the_pattern(pattern: str, words: tuple[str, ...] | None,
                                                  ) -> None:
    assert required_literals(re.compile(pattern)) == words
    if words is not None:
        # every word listed really is in a match of the pattern
        for word in words:
            assert any(word in m for m in _samples(pattern)), word


def _samples(pattern: str) -> list[str]:
    compiled = re.compile(pattern)
    candidates = ["abc1", "abef", "cdef", "mpo12", "dewa99", "slot-7", "judi 12"]
    return [m.group(0) for c in candidates if (m := compiled.search(c))]


def _normalise_everywhere(text: str) -> str:
    """The reference: both character-class scans over the whole text, always."""
    import unicodedata

    from monitor.checks.content.vocab import _COMPAT, _INVISIBLE

    if _COMPAT.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE.sub("", text).lower()


def test_normalising_only_what_needs_it_changes_nothing() -> None:
    """normalise() looks at a page's distinct non-ASCII characters first and skips the
    whole-text scans when none of them needs folding or dropping."""
    from monitor.checks.content.vocab import normalise

    tricky = ["© 2026 Kelurahan", "ｓｌｏｔ ｇａｃｏｒ ©", "sl\u200bot\u00ad gacor ©",
              "𝐬𝐥𝐨𝐭 𝐠𝐚𝐜𝐨𝐫", "Ünïcode – “kutip”", "ﬁle ① ²", "plain ascii"]
    for text in _texts() + tricky:
        assert normalise(text) == _normalise_everywhere(text), text[:100]
