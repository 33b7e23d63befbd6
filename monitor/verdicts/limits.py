"""The limits the verdicts apply, read from the settings (``monitor.core.settings``).

Defaults and their sources: ``aktif_days`` 30 and ``kurang_aktif_days`` 90 (the SPEC's
activity words); ``cert_warn_days`` 14 (Let's Encrypt renews at 30 days left and warns by mail
from 20, so 14 means renewal has failed); ``unstable_pct`` 90 (up in fewer than 90 % of the
sweeps: residents will have met the site down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from monitor.core.settings import DEFAULTS


class Settings(Protocol):
    """``monitor.core.settings.Config`` or a plain mapping of setting values."""

    def get(self, name: str, /) -> Any: ...


@dataclass(frozen=True)
class Limits:
    aktif_days: int = DEFAULTS.aktif_days
    kurang_aktif_days: int = DEFAULTS.kurang_aktif_days
    cert_warn_days: int = DEFAULTS.cert_warn_days
    unstable_pct: float = DEFAULTS.unstable_pct

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Limits:
        """The limits from the settings; a setting that is not there keeps its default."""
        base = cls()
        if settings is None:
            return base

        def read(name: str) -> Any:
            try:
                value = settings.get(name)
            except KeyError:
                value = None
            return getattr(base, name) if value is None else value

        return cls(aktif_days=int(read("aktif_days")),
                   kurang_aktif_days=int(read("kurang_aktif_days")),
                   cert_warn_days=int(read("cert_warn_days")),
                   unstable_pct=float(read("unstable_pct")))
