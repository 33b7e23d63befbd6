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

from monitor.core.errors import ConfigError


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
    Setting("screenshots_dir", "screenshots",
            "Folder for the phone screenshots taken by `monitor check --browser`."),
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
    Setting("browser", "false",
            "Also audit mobile-friendliness in Chromium on every sweep (as --browser; "
            "for cron and monitor serve).", bool),
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
    Setting("spam_patterns_file", "",
            "Extra gambling-spam words (TOML, same tables as monitor/data/judi_patterns.toml),"
            " added to the built-in ones."),
    Setting("discover_city_domain", "bandarlampungkota.go.id",
            "`monitor discover`: the city's domain, {domain} in the patterns (data README)."),
    Setting("discover_portals",
            "https://bandarlampungkota.go.id/ https://kelurahan.bandarlampungkota.go.id/",
            "`monitor discover`: space-separated portal pages whose links are crawled."),
    Setting("discover_kelurahan_portal", "kelurahan.bandarlampungkota.go.id",
            "`monitor discover`: host of the shared kelurahan portal (/<slug>_<page> pages)."),
    Setting("discover_kecamatan_patterns", "kecamatan{slug}.{domain} kec-{slug}.{domain} "
            "{slug}.{domain}",
            "`monitor discover`: kecamatan addresses to try; {slug} tanjungkarangpusat, "
            "{dashed} tanjungkarang-pusat, {snake} tanjungkarang_pusat; no scheme: HTTPS, "
            "then HTTP."),
    Setting("discover_kelurahan_patterns", "kelurahan.{domain}/{snake}_sejarah "
            "kelurahan{slug}.{domain} {slug}.{domain}",
            "`monitor discover`: kelurahan addresses to try (placeholders as above)."),
    Setting("discover_crawl_pages", "40",
            "`monitor discover`: at most this many portal pages are crawled.", int),
    Setting("discover_crawl_depth", "1",
            "`monitor discover`: link hops followed from each portal page (1: the pages it "
            "links to).", int),
    Setting("discover_host_requests", "200",
            "`monitor discover`: at most this many requests to one host in a run.", int),
    Setting("discover_timeout", "10",
            "`monitor discover`: deadline in seconds for one address (DNS to last byte).", float),
    Setting("discover_time_limit", "300",
            "`monitor discover`: the whole run stops asking after this many seconds.", float),
    Setting("discover_concurrency", "8",
            "`monitor discover`: how many addresses are fetched at once.", int),
    Setting("outbox_dir", "outbox",
            "`monitor email --dry-run` writes the messages here as .eml files instead."),
    Setting("sweep_schedule", "0 */6 * * *",
            "`monitor serve`: when to sweep, a crontab line in Asia/Jakarta time (every 6 h)."),
    Setting("report_schedule", "0 7 * * mon",
            "`monitor serve`: when to write and email the weekly report (Monday 07:00 WIB)."),
    Setting("retention_schedule", "30 3 * * *",
            "`monitor serve`: when to prune old results (daily 03:30 WIB)."),
    Setting("misfire_grace", "3600",
            "`monitor serve`: seconds a job may start late (after a suspend or a long job) "
            "before that run is skipped.", int),
    Setting("job_timeout", "10800",
            "`monitor serve`: a job still running after this many seconds is stopped.", float),
    Setting("stop_grace", "30",
            "Seconds a stopping `monitor serve` waits for the running job to stop cleanly.",
            float),
    Setting("retention_days", "120",
            "Results older than this are thinned to one sweep per week (weekly evidence kept).",
            int),
    Setting("admin_password", "",
            "Password of the `monitor admin` page; required when it listens beyond 127.0.0.1.",
            secret=True),
    # verdicts (monitor.verdicts.limits cites the sources of the defaults)
    Setting("cert_warn_days", "14",
            "A certificate expiring within this many days is a reason for action.", int),
    Setting("unstable_pct", "90",
            "A site up in fewer than this % of a period's sweeps is 'unstable'.", float),
    # sweep cost (monitor.sweep.validators)
    Setting("http_cache_dir", "http-cache",
            "Folder keeping feeds, sitemaps, API answers and stylesheets with their ETag/"
            "Last-Modified, so the next sweep asks only if they changed; empty: off."),
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


_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def _convert(setting: Setting, raw: object, origin: str) -> Any:
    if setting.kind is str:
        return str(raw)
    if setting.kind is bool:  # bool("0") is True: read the words people write instead
        word = str(raw).strip().lower()
        if isinstance(raw, bool) or word in _TRUE | _FALSE:
            return raw if isinstance(raw, bool) else word in _TRUE
        raise ConfigError(f"{origin}: setting {setting.name!r} must be true or false, "
                          f"got {raw!r}")
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
