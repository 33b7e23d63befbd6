"""Settings in one table: each has a default, the values it allows and a help line.

Values come from, lowest to highest priority: the defaults below, ``monitor.toml`` (a flat
table of ``name = value``, names without the ``MONITOR_`` prefix, lower case), and the
environment (``MONITOR_<NAME>``). Command-line options win over all three. The SPEC fixes the
names of the database, targets, reports and mail settings; the rest are ours.

To add a setting: a ``Setting(...)`` row at the end of ``SETTINGS`` (type, default, allowed
range, help) *and* a typed attribute of the same name on ``Config``, so that ``config.name``
is checked by mypy (a misspelt setting fails the type check). ``tests/test_settings.py``
fails when the two disagree; ``config.get("name")`` also works, untyped. The README table is
``monitor config --markdown`` (``tests/test_settings_docs.py`` compares them).
"""

from __future__ import annotations

import difflib
import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from monitor.core.errors import ConfigError
from monitor.core.setting import Setting

__all__ = ["BY_NAME", "DEFAULTS", "SETTINGS", "Config", "Setting", "load"]

log = logging.getLogger(__name__)

NOT_SETTINGS = ("MONITOR_CONFIG", "MONITOR_TEST_", "MONITOR_UPDATE_GOLDEN")
"""Environment variables that are ours but not settings (prefixes): never warned about."""

SETTINGS: tuple[Setting, ...] = (
    Setting("db", "sqlite:///monitor.db", "Database URL (SQLite file or postgresql+psycopg://...)."),
    Setting("targets", "targets.csv", "Path of targets.csv."),
    Setting("reports_dir", "reports", "Folder the weekly reports are written to."),
    Setting("screenshots_dir", "screenshots",
            "Folder for the phone screenshots taken by `monitor check --browser`."),
    Setting("timeout", "20", "Per-site deadline in seconds for one attempt (DNS to last byte).",
            float, above=0, max=600),
    # 150: the city's 147 targets all at once, so a sweep takes about its slowest site's
    # deadline (12.5 s at timeout 5, against 27.5 s with 20); CPU is not the limit at this size
    Setting("concurrency", "150", "How many sites are fetched at once.", int, min=1, max=5000),
    # 6: what a browser opens to one host for one page view; a site alone on its host gets its
    # home page and extras side by side (sweep/foresight.py), the shared portal 6 at a time
    Setting("per_host", "6", "At most this many connections to one host at a time.", int,
            min=1, max=100),
    Setting("max_body_mb", "5", "Largest page accepted, in MB after decompression.", float,
            above=0, max=1000),
    Setting("retry_pause", "2", "Seconds to wait before the one retry of a failed home page.",
            float, min=0, max=120),
    Setting("aktif_days", "30", "A site updated within this many days is 'aktif'.", int,
            min=1, max=3650),
    Setting("kurang_aktif_days", "90",
            "Updated within this many days is 'kurang_aktif'; older is 'tidak_aktif'.", int,
            min=1, max=3650),
    Setting("browser", "false",
            "Also audit mobile-friendliness in Chromium on every sweep (as --browser; "
            "for cron and monitor serve).", bool),
    Setting("ca_bundle", "",
            "Extra CA certificates (PEM file) to trust, e.g. a local government CA.", path=True),
    Setting("lang", "id", "Report and email language: id (Bahasa Indonesia) or en.",
            choices=("id", "en")),
    Setting("smtp_host", "", "Mail server host name."),
    Setting("smtp_port", "587", "Mail server port.", int, min=1, max=65535),
    Setting("smtp_security", "starttls", "starttls, ssl (implicit TLS) or none.",
            choices=("starttls", "ssl", "none")),
    Setting("smtp_user", "", "SMTP login, when the server wants one."),
    Setting("smtp_password", "", "SMTP password (use the environment, not a committed file).",
            secret=True),
    Setting("mail_from", "", "Sender address of the report emails."),
    Setting("mail_cc", "", "';'-separated addresses copied on every report (Diskominfotik)."),
    Setting("spam_patterns_file", "",
            "Extra gambling-spam words (TOML, same tables as monitor/data/judi_patterns.toml),"
            " added to the built-in ones.", path=True),
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
            "`monitor discover`: at most this many portal pages are crawled.", int,
            min=0, max=10000),
    Setting("discover_crawl_depth", "1",
            "`monitor discover`: link hops followed from each portal page (1: the pages it "
            "links to).", int, min=0, max=5),
    Setting("discover_host_requests", "200",
            "`monitor discover`: at most this many requests to one host in a run.", int,
            min=1, max=100000),
    Setting("discover_timeout", "10",
            "`monitor discover`: deadline in seconds for one address (DNS to last byte).", float,
            above=0, max=600),
    Setting("discover_time_limit", "300",
            "`monitor discover`: the whole run stops asking after this many seconds.", float,
            above=0, max=86400),
    Setting("discover_concurrency", "8",
            "`monitor discover`: how many addresses are fetched at once.", int,
            min=1, max=500),
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
            "before that run is skipped.", int, min=1, max=7 * 86400),
    Setting("job_timeout", "10800",
            "`monitor serve`: a job still running after this many seconds is stopped.", float,
            above=0, max=7 * 86400),
    Setting("stop_grace", "30",
            "Seconds a stopping `monitor serve` waits for the running job to stop cleanly.",
            float, min=0, max=3600),
    Setting("retention_days", "120",
            "Results older than this are thinned to one sweep per week (weekly evidence kept).",
            int, min=1, max=36500),
    Setting("admin_password", "",
            "Password of the `monitor admin` page; required when it listens beyond 127.0.0.1.",
            secret=True),
    # -- settings: limits the reports judge by, and the mail run's retry budget ---------------
    Setting("cert_warn_days", "14",
            "A certificate expiring within this many days is a problem in the reports "
            "(Let's Encrypt renews at 30 days left: 14 means renewal has failed).", int,
            min=0, max=365),
    Setting("unstable_pct", "90",
            "A site up in fewer than this percentage of the week's checks is 'unstable'.", float,
            min=0, max=100),
    Setting("smtp_retry_budget", "300",
            "`monitor email`: seconds one run may spend waiting to retry refused or failed "
            "messages in total; what is left is sent by the next run.", float, min=0, max=86400),
    # -- alerts (monitor/alerts): after each sweep, one message per change of state --
    Setting("alert_urls", "",
            "Space-separated Apprise URLs (tgram://, json://, mailto://...) that receive "
            "every alert (Diskominfotik); `monitor config` shows ***.", secret=True),
    Setting("alert_email", "false",
            "true: alerts also go by the SMTP settings to the site's and its kecamatan's "
            "email addresses.", bool),
    Setting("alert_down_sweeps", "2",
            "A site is down after this many failed sweeps in a row (one lost sweep is no "
            "outage).", int, min=1, max=100),
    Setting("alert_cert_days", "14",
            "Alert when the TLS certificate expires within this many days.", int, min=0, max=365),
    Setting("alert_reminder_days", "3",
            "Remind every this many days while a problem lasts (0: never).", float, min=0,
            max=365),
    Setting("alert_quiet_hours", "",
            "e.g. 22-06: alerts wait out these hours (Asia/Jakarta); hacked-site alerts "
            "never wait."),
    Setting("alert_digest", "false",
            "true: one daily digest per channel instead of single alerts (hacked-site alerts "
            "still go at once).", bool),
    Setting("alert_digest_hour", "7",
            "With alert_digest: the first sweep from this hour (Asia/Jakarta) sends the "
            "day's digest.", int, min=0, max=23),
    Setting("alert_send_timeout", "5",
            "Seconds all alert channels together may take after a sweep; a channel still "
            "busy is tried again at the next sweep.", float, above=0, max=120),
    # address safety (sweep): private networks a public site may still lead to
    Setting("trusted_networks", "",
            "Space-separated private networks (CIDR, e.g. `10.20.0.0/16`) that a public site "
            "may redirect to: the city's own servers when its DNS answers with internal "
            "addresses. Other loopback, private, link-local and metadata addresses are "
            "refused."),
    # -- period evidence packs (monthly / yearly) --
    Setting("period_schedule", "0 7 1 * *",
            "`monitor serve`: when to write and email last month's evidence pack (the 1st, "
            "07:00 WIB); empty disables it."),
    Setting("period_recipients", "",
            "';'-separated addresses that receive the monthly evidence pack (Diskominfotik)."),
    # sweep robustness: every sweep ends, in bounded memory
    Setting("inflight_mb", "256",
            "Response bodies a sweep holds in memory at once, in MB: past its first 128 KB a "
            "site waits for room (bounds memory whatever sites send).", float, min=16,
            max=65536),
    Setting("stall_timeout", "300",
            "A sweep that stores no result for this many seconds is stopped and marked "
            "incomplete, exit status 1 (never less than what one slow site may take).", float,
            min=1, max=86400),
    Setting("offloop_timeout", "60",
            "Seconds to judge one big page (over 600 KB) in the sweep's worker process; past "
            "it the worker is replaced and that page's checks are recorded as failed.", float,
            min=1, max=3600),
    Setting("db_retry", "30",
            "Seconds a sweep keeps retrying a lost database connection (e.g. a PostgreSQL "
            "restart) before it gives up.", float, min=0, max=3600),
    # sweep cost (monitor.sweep.validators)
    Setting("http_cache_dir", "http-cache",
            "Folder keeping feeds, sitemaps, API answers and stylesheets with their ETag/"
            "Last-Modified, so the next sweep asks only if they changed; empty: off."),
    # reports and email (readers: camat on a phone, offices filing PDFs)
    Setting("report_pdf", "true",
            "Also print every report as an A4 PDF with Chromium (when installed).", bool),
    Setting("mail_reply_to", "",
            "Reply-To of the report emails: where a camat's reply goes (the Diskominfotik "
            "desk)."),
    Setting("contact_desk", "Diskominfotik Kota Bandar Lampung",
            "Whom readers of the reports and emails contact (the desk's name)."),
    Setting("contact_phone", "",
            "The desk's phone or WhatsApp number, printed in reports and emails."),
    Setting("browser_audit", "daily",
            "Chromium phone audit and screenshot: off, daily (the first sweep of each day, "
            "when Chromium is installed) or every (every sweep).",
            choices=("off", "daily", "every")),
    Setting("event_loop", "uvloop",
            "The sweep's event loop: uvloop (less CPU per request; asyncio's own loop where "
            "uvloop is not installed) or asyncio.", choices=("uvloop", "asyncio")),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


class Config:
    """Resolved settings: one typed attribute per row of SETTINGS (same name, same type:
    ``tests/test_settings.py`` checks), plus ``values`` (all of them, by name, for code that
    passes them on, e.g. to the checks) and ``sources`` (where each value came from)."""

    db: str
    targets: str
    reports_dir: str
    screenshots_dir: str
    timeout: float
    concurrency: int
    per_host: int
    max_body_mb: float
    retry_pause: float
    aktif_days: int
    kurang_aktif_days: int
    browser: bool
    ca_bundle: str
    lang: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    mail_from: str
    mail_cc: str
    spam_patterns_file: str
    discover_city_domain: str
    discover_portals: str
    discover_kelurahan_portal: str
    discover_kecamatan_patterns: str
    discover_kelurahan_patterns: str
    discover_crawl_pages: int
    discover_crawl_depth: int
    discover_host_requests: int
    discover_timeout: float
    discover_time_limit: float
    discover_concurrency: int
    outbox_dir: str
    sweep_schedule: str
    report_schedule: str
    retention_schedule: str
    misfire_grace: int
    job_timeout: float
    stop_grace: float
    retention_days: int
    admin_password: str
    cert_warn_days: int
    unstable_pct: float
    smtp_retry_budget: float
    alert_urls: str
    alert_email: bool
    alert_down_sweeps: int
    alert_cert_days: int
    alert_reminder_days: float
    alert_quiet_hours: str
    alert_digest: bool
    alert_digest_hour: int
    alert_send_timeout: float
    trusted_networks: str
    period_schedule: str
    period_recipients: str
    inflight_mb: float
    stall_timeout: float
    offloop_timeout: float
    db_retry: float
    http_cache_dir: str
    report_pdf: bool
    mail_reply_to: str
    contact_desk: str
    contact_phone: str
    browser_audit: str
    event_loop: str

    values: Mapping[str, Any]
    sources: Mapping[str, str]

    def __init__(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
        set_ = object.__setattr__
        set_(self, "values", MappingProxyType(dict(values)))
        set_(self, "sources", MappingProxyType(dict(sources)))
        for name, value in values.items():
            set_(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"settings are read-only ({name})")

    def get(self, name: str) -> Any:
        """A setting by name (untyped; ``config.name`` is the typed way)."""
        return self.values[name]


def _check_together(values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """Rules between settings: each alone may be fine and the pair still make no sense."""
    if values["kurang_aktif_days"] < values["aktif_days"]:
        raise ConfigError(
            f"{sources['kurang_aktif_days']}: setting 'kurang_aktif_days' "
            f"({values['kurang_aktif_days']}) must be at least aktif_days "
            f"({values['aktif_days']}, from {sources['aktif_days']})")


def _read_toml(path: Path) -> dict[str, object]:
    try:
        file_values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    unknown = sorted(set(file_values) - set(BY_NAME))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return file_values


def _warn_unknown(env: Mapping[str, str]) -> None:
    """A misspelt variable (``MONITOR_TIMOUT``) would be ignored in silence: say so. Only a
    warning, since the environment is shared with other programs."""
    known = {s.env for s in SETTINGS}
    for name in sorted(env):
        if name.startswith("MONITOR_") and name not in known \
                and not name.startswith(NOT_SETTINGS):
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            log.warning("%s is not a setting and is ignored%s", name, hint)


def load(
    toml_path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """Resolve and check every setting; an unknown name in monitor.toml is an error, not a
    silent typo, and a value a setting does not allow names the setting and its source."""
    env = os.environ if environ is None else environ
    _warn_unknown(env)
    path = toml_path or Path(env.get("MONITOR_CONFIG", "monitor.toml"))
    file_values = _read_toml(path) if path.exists() else {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        raw: object = setting.default
        origin = "default"
        if setting.name in file_values:
            raw, origin = file_values[setting.name], str(path)
        if setting.env in env:
            raw, origin = env[setting.env], setting.env
        values[setting.name] = setting.convert(raw, origin)
        sources[setting.name] = origin
    _check_together(values, sources)
    return Config(values, sources)


DEFAULTS: Config = Config(
    {s.name: s.convert(s.default, "default") for s in SETTINGS},
    {s.name: "default" for s in SETTINGS},
)
"""Every setting at its default: where code needs a limit without a Config (a dataclass
default, a test), it reads it here, so 30/90 days are written once, in SETTINGS."""
