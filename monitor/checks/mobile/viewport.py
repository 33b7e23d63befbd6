"""The viewport ``<meta>`` tag, read the way Lighthouse and axe-core read it.

Why two readings: Lighthouse's ``viewport`` audit asks "is this page laid out for a phone?"
and axe-core's ``meta-viewport`` rule asks "can a resident still pinch-zoom?". They parse the
same content string with slightly different rules, so both are kept here, each cited.

* Lighthouse (``core/computed/viewport-meta.js``, parsing with npm ``metaviewport-parser``):
  the page is *mobile optimized* when a viewport tag exists, ``initial-scale`` is not a number
  below 1, and either ``width`` or a truthy ``initial-scale`` is set. Unknown keys and bad
  values only produce warnings. Lighthouse reads the first ``<meta name="viewport">``.
* axe-core (``lib/checks/mobile/meta-viewport-scale-evaluate.js``, option ``scaleMinimum``
  2): zoom is blocked by ``user-scalable=no`` or a ``user-scalable`` number in (-1, 1), or by
  ``maximum-scale`` below 2 (``yes`` counts as 1; a negative value is ignored).
* Google's Mobile-Friendly Test also reported "Viewport not set to device-width" for a fixed
  pixel width (e.g. ``width=1024``), which Lighthouse let pass; we report it as
  ``fixed_width`` so the check can flag ``viewport_not_device_width``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# metaviewport-parser: the properties it knows; Lighthouse also accepts these iOS/Chrome ones.
KNOWN = frozenset({"width", "height", "initial-scale", "minimum-scale", "maximum-scale",
                   "user-scalable", "shrink-to-fit", "viewport-fit", "interactive-widget"})
SCALE_KEYS = frozenset({"initial-scale", "minimum-scale", "maximum-scale"})
AXE_SCALE_MINIMUM = 2.0  # axe-core meta-viewport.json option scaleMinimum
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)")
_MAX_CONTENT = 1000  # a hostile page may put megabytes in one attribute


@dataclass
class Viewport:
    """The parsed viewport tag (``present`` False when the page has none)."""

    present: bool
    content: str = ""
    valid: dict[str, Any] = field(default_factory=dict)
    invalid_properties: dict[str, str] = field(default_factory=dict)
    invalid_values: dict[str, str] = field(default_factory=dict)

    @property
    def mobile_optimized(self) -> bool:
        """Lighthouse's isMobileOptimized (viewport-meta.js)."""
        if not self.present:
            return False
        scale = self.valid.get("initial-scale")
        if isinstance(scale, float) and scale < 1:
            return False
        return bool(self.valid.get("width")) or bool(scale)

    @property
    def fixed_width(self) -> float | None:
        """A pixel ``width`` wider than a phone (Mobile-Friendly Test: not device-width)."""
        width = self.valid.get("width")
        return width if isinstance(width, float) else None

    @property
    def zoom_block(self) -> str | None:
        """Why axe-core says zoom is blocked (``user-scalable=no``/``maximum-scale``), or None."""
        return axe_zoom_block(self.content) if self.present else None

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.invalid_properties:
            out.append(f"Invalid properties found: {_js_obj(self.invalid_properties)}")
        if self.invalid_values:
            out.append(f"Invalid values found: {_js_obj(self.invalid_values)}")
        return out


def _js_obj(values: dict[str, str]) -> str:
    return "{" + ",".join(f'"{k}":"{v}"' for k, v in values.items()) + "}"


def _scale_value(raw: str) -> float | None:
    """metaviewport-parser / CSS Device Adaptation translation of a scale value."""
    low = raw.lower()
    if low == "yes":
        return 1.0
    if low == "no":
        return 0.1
    if low in ("device-width", "device-height"):
        return 10.0
    match = _NUMBER.match(low)
    if not match:
        return None
    return min(max(float(match.group(0)), 0.1), 10.0)


def _value(key: str, raw: str) -> Any:
    """A property's parsed value, or None when the value is invalid."""
    low = raw.lower()
    if key in SCALE_KEYS:
        return _scale_value(low)
    if key in ("width", "height"):
        if low in ("device-width", "device-height"):
            return low
        match = _NUMBER.match(low)
        return min(max(float(match.group(0)), 1.0), 10000.0) if match else None
    if key == "user-scalable":
        if low in ("yes", "no"):
            return low
        match = _NUMBER.match(low)
        return float(match.group(0)) if match else None
    return low  # shrink-to-fit, viewport-fit, interactive-widget: any value


def parse(content: str | None) -> Viewport:
    """Parse a viewport content string (None: the page has no viewport tag)."""
    if content is None:
        return Viewport(False)
    content = content[:_MAX_CONTENT]
    viewport = Viewport(True, content)
    for item in re.split(r"[,;]", content):
        if "=" not in item:
            continue
        key, raw = (part.strip() for part in item.split("=", 1))
        key = key.lower()
        if key not in KNOWN:
            viewport.invalid_properties[key] = raw
            continue
        value = _value(key, raw)
        if value is None:
            viewport.invalid_values[key] = raw
        else:
            viewport.valid[key] = value
    return viewport


def axe_zoom_block(content: str, scale_minimum: float = AXE_SCALE_MINIMUM) -> str | None:
    """axe-core meta-viewport-scale: 'user-scalable=no', 'maximum-scale' or None (zoom ok)."""
    props: dict[str, str] = {}
    for item in re.split(r"[;,]", content[:_MAX_CONTENT]):
        key, _, value = item.strip().partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if not key or not value:
            continue
        if key == "maximum-scale" and value == "yes":
            value = "1"
        if key == "maximum-scale" and (_float(value) or 0.0) < 0:
            continue  # axe ignores a negative maximum-scale
        props[key] = value
    scalable = props.get("user-scalable")
    if scalable is not None:
        number = _float(scalable)
        if scalable == "no" or (number is not None and -1 < number < 1):
            return "user-scalable=no"
    maximum = _float(props.get("maximum-scale", ""))
    if maximum is not None and maximum < scale_minimum:
        return "maximum-scale"
    return None


def _float(text: str) -> float | None:
    """JavaScript parseFloat: the leading number, or None (NaN)."""
    match = _NUMBER.match(text.strip())
    return float(match.group(0)) if match else None


def viewport_content(document: Any) -> str | None:
    """The first ``<meta name="viewport">`` content of an lxml document (Lighthouse's pick)."""
    for meta in document.iter("meta"):
        if str(meta.get("name", "")).strip().lower() == "viewport":
            return str(meta.get("content", ""))
    return None
