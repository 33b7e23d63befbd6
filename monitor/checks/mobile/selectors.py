"""Match CSS rules to lxml elements, cheaply and approximately.

Why approximate: the static audit needs "which rules set this element's font size or
display", thousands of times per page, in a few milliseconds. Rules are indexed by the id,
class or tag of their selector's last compound; a candidate then has its last compound checked
exactly and its descendant compounds against the set of ids, classes and tags of all the
element's ancestors (order and the ``>`` child step are not checked; ``+``/``~`` sibling
combinators are not followed: only the last compound counts). Results are memoised per
(element signature, ancestor set): a page's 2,000 links share a few dozen signatures.
Dynamic pseudo-classes (``:hover``, ``:focus``, ``::before``...) never match, since they
are not the page at rest.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from monitor.checks.mobile.css import Rule

_DYNAMIC = re.compile(r":(hover|focus|active|visited|focus-within|focus-visible|target|"
                      r"checked|before|after|first-letter|first-line|placeholder|selection|"
                      r"-webkit-|-moz-|-ms-)", re.I)
_COMBINATOR = re.compile(r"\s*([>+~])\s*|\s+")
_PART = re.compile(r"([#.]?)(-?[A-Za-z_][\w-]*|\*)")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_PSEUDO = re.compile(r"::?[\w-]+(\([^)]*\))?")


@dataclass(frozen=True)
class Compound:
    tag: str | None
    id: str | None
    classes: frozenset[str]

    def matches(self, node: Node) -> bool:
        return ((self.tag is None or self.tag == node.tag)
                and (self.id is None or self.id == node.id)
                and self.classes <= node.classes)

    def keys(self) -> frozenset[str]:
        out = {"." + c for c in self.classes}
        if self.tag:
            out.add(self.tag)
        if self.id:
            out.add("#" + self.id)
        return frozenset(out)


@dataclass(frozen=True)
class Node:
    """What selectors look at for one element (kept on the ancestor stack)."""

    tag: str
    id: str | None
    classes: frozenset[str]

    def keys(self) -> frozenset[str]:
        out = {"." + c for c in self.classes}
        out.add(self.tag)
        if self.id:
            out.add("#" + self.id)
        return frozenset(out)


@dataclass(frozen=True)
class Selector:
    rule: Rule
    compounds: tuple[Compound, ...]  # left to right
    descendant_only: bool  # False when a sibling combinator makes ancestors unreliable
    ancestor_keys: frozenset[str]  # every key the earlier compounds need among ancestors
    specificity: tuple[int, int, int, int]  # ids, classes, tags, order
    names: frozenset[str]  # the keys of all its compounds


def compile_compound(text: str) -> Compound | None:
    if "[" in text:
        text = _ATTRIBUTE.sub("", text)  # attribute selectors: ignored (match any)
    if ":" in text:
        text = _PSEUDO.sub("", text)  # structural pseudo-classes: ignored
    tag: str | None = None
    ident: str | None = None
    classes: set[str] = set()
    pos = 0
    for match in _PART.finditer(text):
        if match.start() != pos:
            return None  # something we cannot read
        pos = match.end()
        kind, name = match.groups()
        if kind == "#":
            ident = name
        elif kind == ".":
            classes.add(name)
        elif name != "*":
            tag = name.lower()
    if pos != len(text):
        return None
    return Compound(tag, ident, frozenset(classes))


def compile_selector(rule: Rule) -> Selector | None:
    parsed = _parse_selector(rule.selector)
    if parsed is None:
        return None
    compounds, siblings, needed, (ids, classes, tags), names = parsed
    return Selector(rule, compounds, not siblings, needed, (ids, classes, tags, rule.order),
                    names)


@lru_cache(maxsize=50_000)  # sites sharing a theme (the kelurahan portal) share selectors
def _parse_selector(text: str) -> tuple[tuple[Compound, ...], bool, frozenset[str],
                                        tuple[int, int, int], frozenset[str]] | None:
    if ":" in text and _DYNAMIC.search(text):
        return None
    parts = [p for p in _COMBINATOR.split(text) if p]
    compounds = []
    siblings = False
    for part in parts:
        if part in "+~" and len(part) == 1:
            siblings = True
            continue
        if part == ">":
            continue
        compound = compile_compound(part)
        if compound is None:
            return None
        compounds.append(compound)
    if not compounds:
        return None
    ids = sum(c.id is not None for c in compounds)
    classes = sum(len(c.classes) for c in compounds)
    tags = sum(c.tag is not None for c in compounds)
    needed = frozenset().union(*(c.keys() for c in compounds[:-1])) if not siblings \
        else frozenset()
    names = frozenset().union(*(c.keys() for c in compounds))
    return tuple(compounds), siblings, needed, (ids, classes, tags), names


class RuleIndex:
    """Rules indexed by the key of their last compound, for quick per-element lookup."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        # last-compound key -> one key its ancestors must have ("" for none) -> selectors
        self._by_key: dict[str, dict[str, list[Selector]]] = defaultdict(
            lambda: defaultdict(list))
        self._memo: dict[tuple[Node, frozenset[str]], list[Selector]] = {}
        needed: set[str] = set()
        names: set[str] = set()
        for rule in rules:
            selector = compile_selector(rule)
            if selector is None:
                continue
            last = selector.compounds[-1]
            if last.id is not None:
                key = "#" + last.id
            elif last.classes:
                key = "." + min(last.classes)
            else:
                key = last.tag or "*"
            self._by_key[key][_rarest(selector.ancestor_keys)].append(selector)
            needed |= selector.ancestor_keys
            names |= selector.names
        self.ancestor_keys = frozenset(needed)
        """Every key some selector needs among ancestors: the only ancestor keys ``matching``
        can tell apart, so a walk may keep just these (fewer distinct sets to memoise)."""
        self.names = frozenset(names)
        """Every ``.class`` and ``#id`` (and tag) some selector names: an element's other
        classes and ids change no match, so a walk may drop them (``text.measure``)."""

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def matching(self, node: Node, ancestor_keys: frozenset[str]) -> list[Selector]:
        """Selectors matching ``node`` under ancestors with these keys, by specificity."""
        memo_key = (node, ancestor_keys)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        keys = ["*", node.tag] + ["." + c for c in node.classes]
        if node.id:
            keys.append("#" + node.id)
        found = []
        for key in keys:
            by_ancestor = self._by_key.get(key)
            if not by_ancestor:
                continue
            for ancestor in ("", *ancestor_keys):
                for selector in by_ancestor.get(ancestor, ()):
                    if (selector.compounds[-1].matches(node)
                            and selector.ancestor_keys <= ancestor_keys):
                        found.append(selector)
        found.sort(key=lambda s: s.specificity)
        if len(self._memo) < 50_000:
            self._memo[memo_key] = found
        return found


_INDEXES_KEPT = 4  # each holds its memo of matches (at most 50,000)
_indexes: dict[tuple[int, ...], tuple[tuple[Rule, ...], RuleIndex]] = {}


def rule_index(rules: Iterable[Rule]) -> RuleIndex:
    """``RuleIndex(rules)``, shared by pages whose rules are the very same objects (what
    ``StyleSheets`` read of a shared theme is shared): compiling a theme's thousands of
    selectors is then done once, and the index's memo of matches is already warm."""
    kept_rules = tuple(rules)
    key = tuple(map(id, kept_rules))
    kept = _indexes.get(key)
    if kept is not None:  # the kept rules are held here, so these ids are still theirs
        return kept[1]
    index = RuleIndex(kept_rules)
    if len(_indexes) >= _INDEXES_KEPT:
        _indexes.pop(next(iter(_indexes), key), None)  # the oldest
    _indexes[key] = (kept_rules, index)
    return index


def _rarest(keys: frozenset[str]) -> str:
    """The ancestor key that filters best: an id, else a class, else a tag ("" if none)."""
    if not keys:
        return ""
    return min(keys, key=lambda k: (0 if k[0] == "#" else 1 if k[0] == "." else 2, k))


def node_of(element: Any) -> Node:
    """The selector view of an lxml element."""
    get = element.get
    classes = frozenset(str(get("class", "") or "").split())
    ident = get("id")
    return Node(str(getattr(element, "tag", "")).lower(), str(ident) if ident else None,
                classes)
