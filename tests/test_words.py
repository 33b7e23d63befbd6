"""The one wording catalogue (core.words): every id in both languages with the same
placeholders, and every id a template or module names exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from monitor.core.words import MONTHS, STRINGS, format_datetime, t

PACKAGE = Path(__file__).resolve().parents[1] / "monitor"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_id_with_the_same_placeholders() -> None:
    assert set(STRINGS["id"]) == set(STRINGS["en"])
    for key, text in STRINGS["id"].items():
        assert _fields(text) == _fields(STRINGS["en"][key]), key


def test_every_id_used_in_code_and_templates_exists() -> None:
    """The period evidence packs keep their own table (``report/period/words.py``): their
    templates (``period_*.html``, ``_period_*.html``) are checked against it."""
    from monitor.report.period.words import STRINGS as PERIOD

    used = set()
    pattern = re.compile(r"""(?:\bt\([a-z_.]+, |_\()["']([a-z0-9_]+)["']""")
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]:
        used |= {(m.group(1), path.name) for m in pattern.finditer(path.read_text())}
    missing = [(key, name) for key, name in used
               if key not in (PERIOD if name.lstrip("_").startswith("period_") else STRINGS)["id"]
               and not key.endswith("_")]
    assert missing == []
    assert any(name.startswith("_period_") for _, name in used)  # the packs were read


def test_the_period_packs_table_has_both_languages_with_the_same_placeholders() -> None:
    from monitor.report.period.words import STRINGS as PERIOD

    assert set(PERIOD["id"]) == set(PERIOD["en"])
    for key, text in PERIOD["id"].items():
        assert _fields(text) == _fields(PERIOD["en"][key]), key


def test_month_names_and_times_as_people_write_them() -> None:
    from datetime import datetime

    from monitor.core.clock import JAKARTA

    assert MONTHS["id"][10] == "November"
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=JAKARTA)
    assert format_datetime(friday, "id") == "Jumat, 27 November 2026 pukul 09.00 WIB"
    assert t("id", "no_such_id") == "no_such_id"  # an unknown id shows itself, never crashes
