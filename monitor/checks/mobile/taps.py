"""Tap targets too small and too close: Lighthouse's ``tap-targets`` rule as pure geometry.

Rule (Lighthouse ``core/audits/seo/tap-targets.js``, removed in v12 but still the clearest
written rule): a target is *too small* when none of its client rects is at least 48x48 CSS px.
A too-small target *fails* when a 48x48 "finger" centred on it covers another target more than
25% as much as it covers the target itself (``MAX_ACCEPTABLE_OVERLAP_SCORE_RATIO``), except
when one target's rects lie wholly inside the other's or both link to the same URL. The audit
passes only with no failing target. The browser gathers the targets and their client rects
(``monitor/sweep/browser.py``); this module only does the arithmetic, so it is tested without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_SIZE = 48.0  # Lighthouse MINIMUM_TAP_TARGET_SIZE (CSS px), also the finger size
MAX_OVERLAP_RATIO = 0.25  # Lighthouse MAX_ACCEPTABLE_OVERLAP_SCORE_RATIO

Rect = tuple[float, float, float, float]  # left, top, width, height


@dataclass(frozen=True)
class Target:
    label: str  # what a person can find on the page: text, or data-gathered-target
    href: str | None
    rects: tuple[Rect, ...]


@dataclass(frozen=True)
class Failure:
    target: str
    overlapping: str
    size: tuple[float, float]  # the target's largest rect, width x height
    ratio: float


def _area(a: Rect, b: Rect) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def _inside(inner: Rect, outer: Rect) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5
            and inner[0] + inner[2] <= outer[0] + outer[2] + 0.5
            and inner[1] + inner[3] <= outer[1] + outer[3] + 0.5)


def _all_inside(a: Target, b: Target) -> bool:
    return all(any(_inside(r, o) for o in b.rects) for r in a.rects)


def too_small(target: Target) -> bool:
    return not any(w >= MIN_SIZE and h >= MIN_SIZE for _x, _y, w, h in target.rects)


def _finger(rect: Rect) -> Rect:
    cx, cy = rect[0] + rect[2] / 2, rect[1] + rect[3] / 2
    return (cx - MIN_SIZE / 2, cy - MIN_SIZE / 2, MIN_SIZE, MIN_SIZE)


def _score(finger: Rect, target: Target) -> float:
    return max((_area(finger, r) for r in target.rects), default=0.0)


def _same_link(a: Target, b: Target) -> bool:
    """Lighthouse: two http(s) links to the same URL do the same thing when mis-tapped."""
    return a.href is not None and a.href.startswith(("http://", "https://")) and a.href == b.href


def _touch(a: Rect, b: Rect, slack: float = 1.0) -> bool:
    return (a[0] <= b[0] + b[2] + slack and b[0] <= a[0] + a[2] + slack
            and a[1] <= b[1] + b[3] + slack and b[1] <= a[1] + a[3] + slack)


def _union(a: Rect, b: Rect) -> Rect:
    left, top = min(a[0], b[0]), min(a[1], b[1])
    right, bottom = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (left, top, right - left, bottom - top)


def simplify(rects: Sequence[Rect]) -> tuple[Rect, ...]:
    """Lighthouse rect-helpers: drop rects inside another, merge touching ones, so the
    finger goes to the centre of what a person sees as one target."""
    merged = [r for r in rects if r[2] > 0 and r[3] > 0]
    changed = True
    while changed and len(merged) > 1:
        changed = False
        for i, a in enumerate(merged):
            for j in range(i + 1, len(merged)):
                if _touch(a, merged[j]):
                    merged[i] = _union(a, merged.pop(j))
                    changed = True
                    break
            if changed:
                break
    return tuple(merged)


def failures(targets: Sequence[Target], limit: int = 2000) -> list[Failure]:
    """The failing targets (each reported once, with its worst overlap)."""
    targets = [Target(t.label, t.href, simplify(t.rects)) for t in targets[:limit]]
    targets = [t for t in targets if t.rects]
    out = []
    for target in targets:
        if not too_small(target):
            continue
        worst: tuple[float, Target] | None = None
        for rect in target.rects:
            finger = _finger(rect)
            own = _area(finger, rect)
            if own <= 0:
                continue
            for other in targets:
                if (other is target or _same_link(target, other)
                        or _all_inside(target, other) or _all_inside(other, target)):
                    continue
                ratio = _score(finger, other) / own
                if ratio > MAX_OVERLAP_RATIO and (worst is None or ratio > worst[0]):
                    worst = (ratio, other)
        if worst is not None:
            biggest = max(target.rects, key=lambda r: r[2] * r[3])
            out.append(Failure(target.label, worst[1].label,
                               (round(biggest[2], 1), round(biggest[3], 1)),
                               round(worst[0], 2)))
    return out


def from_plain(items: Sequence[Any]) -> list[Target]:
    """Targets from the browser's JSON (hostile pages: anything malformed is dropped)."""
    out = []
    for item in items:
        try:
            rects = tuple((float(r[0]), float(r[1]), float(r[2]), float(r[3]))
                          for r in list(item.get("rects") or ())[:20])
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            continue
        href = item.get("href")
        out.append(Target(str(item.get("label", ""))[:120], str(href) if href else None, rects))
    return out
