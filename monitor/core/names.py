"""Area-name matching: people write "Tanjung Karang Pusat", Kemendagri "Tanjungkarang Pusat".

The SPEC says names match ignoring case and spaces; ``name_key`` is that rule, used by the
targets loader and by discovery.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\s\-_.'’]+")


def name_key(name: str) -> str:
    """Case- and space-insensitive key: 'Tanjung Karang Pusat' -> 'tanjungkarangpusat'."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _NON_WORD.sub("", text)


def slug(name: str) -> str:
    """File-name and URL slug: 'Tanjungkarang Pusat' -> 'tanjungkarang-pusat'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
