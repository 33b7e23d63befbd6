"""Settings in one table: each has a default and a help line.

Values come from, lowest to highest priority: the defaults below, ``monitor.toml`` (a flat
table of ``name = value``, names without the ``MONITOR_`` prefix, lower case), and the
environment (``MONITOR_<NAME>``). Command-line options win over all three. The SPEC fixes the
names of the database, targets, reports and mail settings; the rest are ours.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str
    secret: bool = False

    @property
    def env(self) -> str:
        return "MONITOR_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "sqlite:///monitor.db", "Database URL (SQLite file or postgresql+psycopg://...)."),
    Setting("targets", "targets.csv", "Path of targets.csv."),
    Setting("reports_dir", "reports", "Folder the weekly reports are written to."),
    Setting("timeout", "20", "Per-site deadline in seconds for one attempt (DNS to last byte).",
            float),
    Setting("concurrency", "20", "How many sites are fetched at once.", int),
    Setting("per_host", "2", "At most this many connections to one host at a time.", int),
    Setting("max_body_mb", "5", "Largest page accepted, in MB after decompression.", float),
    Setting("retry_pause", "2", "Seconds to wait before the one retry of a failed home page.",
            float),
    Setting("aktif_days", "30", "A site updated within this many days is 'aktif'.", int),
    Setting("kurang_aktif_days", "90",
            "Updated within this many days is 'kurang_aktif'; older is 'tidak_aktif'.", int),
    Setting("ca_bundle", "",
            "Extra CA certificates (PEM file) to trust, e.g. a local government CA."),
    Setting("lang", "id", "Report and email language: id (Bahasa Indonesia) or en."),
    Setting("smtp_host", "", "Mail server host name."),
    Setting("smtp_port", "587", "Mail server port.", int),
    Setting("smtp_security", "starttls", "starttls, ssl (implicit TLS) or none."),
    Setting("smtp_user", "", "SMTP login, when the server wants one."),
    Setting("smtp_password", "", "SMTP password (use the environment, not a committed file).",
            secret=True),
    Setting("mail_from", "", "Sender address of the report emails."),
    Setting("mail_cc", "", "';'-separated addresses copied on every report (Diskominfotik)."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings: ``values`` are converted to each setting's type."""

    values: Mapping[str, Any]
    sources: Mapping[str, str]

    def get(self, name: str) -> Any:
        return self.values[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _convert(setting: Setting, raw: object, origin: str) -> Any:
    if setting.kind is str:
        return str(raw)
    try:
        return setting.kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin}: setting {setting.name!r} must be {setting.kind.__name__}, got {raw!r}"
        ) from None


def load(
    toml_path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """Resolve every setting; an unknown name in monitor.toml is an error, not a silent typo."""
    env = os.environ if environ is None else environ
    path = toml_path or Path(env.get("MONITOR_CONFIG", "monitor.toml"))
    file_values: dict[str, object] = {}
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        unknown = sorted(set(file_values) - set(BY_NAME))
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        raw: object = setting.default
        origin = "default"
        if setting.name in file_values:
            raw, origin = file_values[setting.name], str(path)
        if setting.env in env:
            raw, origin = env[setting.env], setting.env
        values[setting.name] = _convert(setting, raw, origin)
        sources[setting.name] = origin
    return Config(values, sources)
