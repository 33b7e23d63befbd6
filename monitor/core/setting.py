"""One setting: its name, default, help, type and the values it allows.

A value that is not allowed stops the command at start, before anything is fetched or stored,
with one line naming the setting and where the value came from (``MONITOR_TIMEOUT``, a
``monitor.toml`` path, or ``default``): a NaN timeout or a negative page limit used to be
accepted silently and made every site look down, or hung a sweep.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from monitor.core.errors import ConfigError

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


@dataclass(frozen=True)
class Setting:
    """A row of the SETTINGS table. ``kind`` is str, int, float or bool.

    Allowed values: ``min``/``max`` bound numbers (inclusive; ``above`` is an exclusive lower
    bound, for "more than 0"); ``finite`` refuses NaN and infinity (floats only, on by
    default); ``choices`` lists the allowed words (compared case-insensitively, stored lower
    case); ``path=True`` means a non-empty value must name a readable file.
    """

    name: str
    default: str
    help: str
    kind: type = str
    secret: bool = False
    min: float | None = None
    max: float | None = None
    above: float | None = None
    finite: bool = True
    choices: tuple[str, ...] = ()
    path: bool = False

    @property
    def env(self) -> str:
        return "MONITOR_" + self.name.upper()

    def allowed(self) -> str:
        """The allowed values in words, for `monitor config` and the README."""
        parts: list[str] = []
        if self.choices:
            parts.append("one of " + ", ".join(self.choices))
        if self.above is not None:
            parts.append(f"more than {_number(self.above)}")
        if self.min is not None:
            parts.append(f"at least {_number(self.min)}")
        if self.max is not None:
            parts.append(f"at most {_number(self.max)}")
        if self.path:
            parts.append("empty or a readable file")
        if self.kind is bool:
            parts.append("true or false")
        return ", ".join(parts)

    def convert(self, raw: object, origin: str) -> Any:
        """``raw`` (a string from the environment, or a TOML value) as this setting's type,
        checked against what it allows; a ConfigError names the setting and ``origin``."""
        value = self._typed(raw, origin)
        problem = self._problem(value)
        if problem:
            raise ConfigError(f"{origin}: setting {self.name!r} {problem}, got {raw!r}")
        return value

    def _typed(self, raw: object, origin: str) -> Any:
        if self.kind is bool:  # bool("0") is True: read the words people write instead
            word = str(raw).strip().lower()
            if isinstance(raw, bool):
                return raw
            if word in _TRUE | _FALSE:
                return word in _TRUE
            raise ConfigError(f"{origin}: setting {self.name!r} must be true or false, "
                              f"got {raw!r}")
        if self.kind is str:
            text = str(raw)
            return text.strip().lower() if self.choices else text
        try:
            if isinstance(raw, bool) or (self.kind is int and isinstance(raw, float)):
                raise ValueError  # TOML `true` or 2.5 for a count: refuse, do not guess
            return self.kind(str(raw).strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError, OverflowError):
            word = "a whole number" if self.kind is int else "a number"
            raise ConfigError(f"{origin}: setting {self.name!r} must be {word}, "
                              f"got {raw!r}") from None

    def _problem(self, value: Any) -> str:
        if self.choices and value not in self.choices:
            return "must be one of " + ", ".join(self.choices)
        if self.path and value and not os.access(value, os.R_OK):
            return "must name a readable file"
        if self.path and value and os.path.isdir(value):
            return "must name a file, not a folder"
        if self.kind not in (int, float):
            return ""
        if self.kind is float and self.finite and not math.isfinite(value):
            return "must be a finite number"
        if self.above is not None and not value > self.above:
            return f"must be more than {_number(self.above)}"
        if self.min is not None and value < self.min:
            return f"must be at least {_number(self.min)}"
        if self.max is not None and value > self.max:
            return f"must be at most {_number(self.max)}"
        return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
