"""The words a regular expression cannot match without: a cheap test before the regex.

A promo pattern such as ``(?<![a-z])(?:mpo|dewa|hoki)(?:\\d{2,4}|4d)`` starts with a
lookbehind, so Python's engine tries a full match at every position of a 100 KB page (~3.5 ms
per pattern and page). Every match contains "mpo", "dewa" or "hoki", and ``word in text`` finds
that in C at memory speed. The words are read from the pattern's own parse, so an admin's
patterns (setting ``spam_patterns_file``) get the same test, and a pattern whose words cannot
be read (classes, repeats, case-insensitive) simply always runs.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

try:  # the parser behind re.compile; private, so its absence only turns the test off
    from re import _parser as parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python without it: patterns always run
    parser = None

MIN_WORD = 3  # shorter words are in most pages anyway: the test would not save anything
MAX_WORDS = 64  # alternatives multiply across groups; past this the test costs too much


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which occurs in every match of ``pattern``, or None when the pattern
    does not tell (then the caller runs the pattern itself)."""
    if parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = parser.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, TypeError, ValueError):  # compiled already: unlikely
        return None
    best: tuple[str, ...] | None = None
    for run in _literal_runs(list(parsed)):
        if min(map(len, run)) >= MIN_WORD and (best is None or min(map(len, run))
                                               > min(map(len, best))):
            best = run
    return best


def _literal_runs(items: list[tuple[Any, Any]]) -> list[tuple[str, ...]]:
    """The runs of consecutive items that each match one of a few fixed strings, each run
    as every string it can match (zero-width assertions do not break a run)."""
    runs: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ("",)
    for op, arg in items:
        if op in (parser.AT, parser.ASSERT, parser.ASSERT_NOT):
            continue
        options = _options(op, arg)
        if options is None or len(current) * len(options) > MAX_WORDS:
            if current != ("",):
                runs.append(current)
            current = ("",)
            if options is None:
                continue
        current = tuple(a + b for a, b in itertools.product(current, options))
    if current != ("",):
        runs.append(current)
    return runs


def _options(op: Any, arg: Any) -> tuple[str, ...] | None:
    """The fixed strings one item matches, or None when it is not a choice of fixed strings."""
    if op is parser.LITERAL:
        return (chr(arg),)
    if op is parser.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        if add_flags & re.IGNORECASE:
            return None
        return _whole(list(sub))
    if op is parser.BRANCH:
        found: list[str] = []
        for alternative in arg[1]:
            whole = _whole(list(alternative))
            if whole is None:
                return None
            found += whole
        return tuple(dict.fromkeys(found)) if len(found) <= MAX_WORDS else None
    return None


def _whole(items: list[tuple[Any, Any]]) -> tuple[str, ...] | None:
    """The strings a sequence matches when all of it is fixed strings, else None."""
    current: tuple[str, ...] = ("",)
    for op, arg in items:
        if op in (parser.AT, parser.ASSERT, parser.ASSERT_NOT):
            return None  # an assertion inside a group: keep it simple, no test
        options = _options(op, arg)
        if options is None or len(current) * len(options) > MAX_WORDS:
            return None
        current = tuple(a + b for a, b in itertools.product(current, options))
    return current
