"""Dataclasses as the plain data the store keeps: what ``dataclasses.asdict`` gives, cheaper.

A sweep turns every check's finding and every fetch attempt into JSON-ready dicts: thousands
per minute. ``asdict`` deep-copies each leaf value through ``copy.deepcopy``; strings,
numbers and None are immutable and need no copy, so only other values take that road.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

_FIELDS: dict[type, tuple[str, ...]] = {}


def as_plain(obj: Any) -> dict[str, Any]:
    """``dataclasses.asdict(obj)``, without its deep copy of every string and number (for a
    check's finding it cost ~0.4 ms per site, a third of the check's own time;
    tests/test_checks_plain.py compares both on every corpus page)."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
    return {name: _plain_value(getattr(obj, name)) for name in names}


# Exact types: a str subclass such as lxml's "smart string" keeps its whole page alive, so it
# is copied as asdict copies it. Dates and times are immutable too: asdict's deep copy of one
# (every fetch attempt's start) cost ~20 us for an equal object.
_ATOMS = (str, int, float, bool, type(None), datetime.datetime, datetime.date,
          datetime.timedelta)


def _plain_value(value: Any) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        return [_plain_value(v) for v in value]
    if kind is dict:
        return {_plain_value(k): _plain_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_plain(value)
    if kind is tuple:
        return tuple(_plain_value(v) for v in value)
    return dataclasses.asdict(_Box(value))["value"]  # anything else: exactly as asdict


@dataclasses.dataclass
class _Box:
    value: Any
