"""Settings: defaults, monitor.toml, then the environment (which wins); bad values and
unknown names are clear usage errors; secrets are never shown by `monitor config`."""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import CliResult

from monitor.core import settings
from monitor.core.activity import classify
from monitor.core.errors import ConfigError
from monitor.report.model import Thresholds
from monitor.store import Store


def test_environment_wins_over_monitor_toml_which_wins_over_defaults(tmp_path: Path) -> None:
    toml = tmp_path / "monitor.toml"
    toml.write_text('timeout = 7\nreports_dir = "/srv/laporan"\n', encoding="utf-8")
    config = settings.load(toml, {"MONITOR_TIMEOUT": "12.5"})
    assert config.timeout == 12.5 and config.sources["timeout"] == "MONITOR_TIMEOUT"
    assert config.reports_dir == "/srv/laporan" and config.sources["reports_dir"] == str(toml)
    assert config.db == "sqlite:///monitor.db" and config.sources["db"] == "default"


@pytest.mark.parametrize(("text", "env", "message"), [
    ("timout = 7\n", {}, "unknown setting"),
    ("timeout = [\n", {}, "not valid TOML"),
    ("", {"MONITOR_CONCURRENCY": "banyak"}, "concurrency"),
])
def test_bad_settings_are_usage_errors_naming_the_setting(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    toml = tmp_path / "monitor.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        settings.load(toml, env)


def test_monitor_config_lists_every_setting_and_hides_the_password(
    run_cli: Callable[..., object]
) -> None:
    result = run_cli("config", env={"MONITOR_SMTP_PASSWORD": "rahasia-sekali"})
    assert result.code == 0  # type: ignore[attr-defined]
    out = result.out  # type: ignore[attr-defined]
    assert "rahasia-sekali" not in out and "***" in out
    for setting in settings.SETTINGS:
        assert setting.env in out


def test_a_bad_setting_makes_a_command_exit_2(run_cli: Callable[..., object]) -> None:
    result = run_cli("export", env={"MONITOR_TIMEOUT": "lama"})
    assert result.code == 2 and "timeout" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("true", True), ("ya", True),
                                            ("0", False), ("false", False), ("", False)])
def test_yes_no_settings_read_the_words_people_write(raw: str, value: bool) -> None:
    assert settings.load(Path("/nonexistent.toml"), {"MONITOR_BROWSER": raw}).browser is value


def test_a_yes_no_setting_with_another_word_is_an_error() -> None:
    with pytest.raises(ConfigError, match="browser"):
        settings.load(Path("/nonexistent.toml"), {"MONITOR_BROWSER": "mungkin"})


def test_config_has_one_typed_attribute_per_setting_and_no_catch_all() -> None:
    """The typed attributes (what mypy checks ``config.timeout`` against) and the SETTINGS
    table list the same names with the same types: a table row without its attribute, or an
    attribute without its row, fails here. No ``__getattr__``: a misspelt setting is a mypy
    error, not an Any."""
    hints = typing.get_type_hints(settings.Config)
    declared = {name: kind for name, kind in hints.items() if name not in ("values", "sources")}
    table = {s.name: s.kind for s in settings.SETTINGS}
    assert declared == table, ("add `name: type` to Config in monitor/core/settings.py for each "
                               "Setting row (and the other way round)")
    assert "__getattr__" not in vars(settings.Config)
    config = settings.load(Path("/nonexistent.toml"), {})
    for setting in settings.SETTINGS:
        assert isinstance(getattr(config, setting.name), setting.kind), setting.name
        assert config.get(setting.name) == getattr(config, setting.name)
    with pytest.raises(AttributeError):
        config.timeout = 3


def test_thresholds_are_declared_once_in_the_settings() -> None:
    defaults = settings.DEFAULTS
    assert (defaults.aktif_days, defaults.kurang_aktif_days) == (30, 90)
    assert (defaults.cert_warn_days, defaults.unstable_pct) == (14, 90.0)
    assert Thresholds() == Thresholds(defaults.aktif_days, defaults.kurang_aktif_days,
                                      defaults.cert_warn_days, defaults.unstable_pct)
    assert classify(has_site=True, reachable=True, days_since_update=defaults.aktif_days) \
        == "aktif"
    assert classify(has_site=True, reachable=True,
                    days_since_update=defaults.kurang_aktif_days + 1) == "tidak_aktif"


BAD_VALUES = [
    ("MONITOR_TIMEOUT", "nan", "'timeout' must be a finite number"),
    ("MONITOR_TIMEOUT", "inf", "'timeout' must be a finite number"),
    ("MONITOR_TIMEOUT", "0", "'timeout' must be more than 0"),
    ("MONITOR_MAX_BODY_MB", "0", "'max_body_mb' must be more than 0"),
    ("MONITOR_MAX_BODY_MB", "-1", "'max_body_mb' must be more than 0"),
    ("MONITOR_PER_HOST", "-1", "'per_host' must be at least 1"),
    ("MONITOR_PER_HOST", "0", "'per_host' must be at least 1"),
    ("MONITOR_PER_HOST", "1.5", "'per_host' must be a whole number"),
    ("MONITOR_RETRY_PAUSE", "1e9", "'retry_pause' must be at most 120"),
    ("MONITOR_CONCURRENCY", "0", "'concurrency' must be at least 1"),
    ("MONITOR_LANG", "fr", "'lang' must be one of id, en"),
    ("MONITOR_SMTP_PORT", "70000", "'smtp_port' must be at most 65535"),
    ("MONITOR_UNSTABLE_PCT", "101", "'unstable_pct' must be at most 100"),
    ("MONITOR_SPAM_PATTERNS_FILE", "/nonexistent/judi.toml",
     "'spam_patterns_file' must name a readable file"),
    ("MONITOR_CA_BUNDLE", "/nonexistent/ca.pem", "'ca_bundle' must name a readable file"),
    ("MONITOR_KURANG_AKTIF_DAYS", "20", "'kurang_aktif_days' (20) must be at least aktif_days"),
]


def _seeded_database(tmp_path: Path, write_targets: Callable[..., Path]) -> tuple[str, Path]:
    """A database with one site already stored, and a targets.csv naming a loopback site."""
    targets = write_targets([
        {"code": "18.71", "level": "kota", "name": "Bandar Lampung",
         "url": "http://127.0.0.1:9/"}])
    db = tmp_path / "monitor.db"
    from monitor.targets.loader import load as load_targets

    Store.open(f"sqlite:///{db}").sync_targets(load_targets(targets), datetime.now(UTC))
    return f"sqlite:///{db}", targets


def _fingerprint(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.name + "*"))}


@pytest.mark.parametrize(("variable", "raw", "message"), BAD_VALUES,
                         ids=[f"{v}={r}" for v, r, _m in BAD_VALUES])
def test_a_bad_setting_stops_check_before_anything_is_fetched_or_stored(
    run_cli: Callable[..., CliResult], tmp_path: Path, write_targets: Callable[..., Path],
    variable: str, raw: str, message: str,
) -> None:
    url, targets = _seeded_database(tmp_path, write_targets)
    db = Path(url.removeprefix("sqlite:///"))
    before = _fingerprint(db)
    result = run_cli("check", "--db", url, "--targets", str(targets), env={variable: raw})
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and variable in lines[0], lines
    assert _fingerprint(db) == before
    assert not (tmp_path / "new.db").exists()
    result = run_cli("check", "--db", f"sqlite:///{tmp_path / 'new.db'}", "--targets",
                     str(targets), env={variable: raw})
    assert result.code == 2 and not (tmp_path / "new.db").exists()


def test_a_bad_value_in_monitor_toml_names_the_file(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "monitor.toml").write_text("timeout = nan\n", encoding="utf-8")
    result = run_cli("export", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.code == 2
    assert "monitor.toml: setting 'timeout' must be a finite number" in result.err


@pytest.mark.parametrize(("variable", "content", "message"), [
    ("MONITOR_SPAM_PATTERNS_FILE", "[judi\nstrong = [", "not valid TOML"),
    ("MONITOR_SPAM_PATTERNS_FILE", '[judi]\nkuat = ["slot"]\n', "[judi] kuat must be one of"),
    ("MONITOR_CA_BUNDLE", "not a certificate\n", "cannot load as PEM CA certificates"),
])
def test_files_named_by_settings_are_parsed_at_start(
    run_cli: Callable[..., CliResult], tmp_path: Path, write_targets: Callable[..., Path],
    variable: str, content: str, message: str,
) -> None:
    url, targets = _seeded_database(tmp_path, write_targets)
    db = Path(url.removeprefix("sqlite:///"))
    before = _fingerprint(db)
    bad = tmp_path / "bad-file"
    bad.write_text(content, encoding="utf-8")
    result = run_cli("check", "--db", url, "--targets", str(targets), env={variable: str(bad)})
    assert result.code == 2, result
    assert f"{variable}: setting '{variable.removeprefix('MONITOR_').lower()}'" in result.err
    assert message in result.err and _fingerprint(db) == before


def test_monitor_config_shows_what_each_setting_allows(
    run_cli: Callable[..., CliResult]
) -> None:
    out = run_cli("config").out
    assert "Allowed: more than 0, at most 600." in out  # timeout
    assert "Allowed: one of starttls, ssl, none." in out


@pytest.mark.parametrize(("args", "message"), [
    (("--timeout", "nan"), "--timeout: setting 'timeout' must be a finite number"),
    (("--timeout", "-2"), "--timeout: setting 'timeout' must be more than 0"),
    (("--concurrency", "0"), "--concurrency: setting 'concurrency' must be at least 1"),
])
def test_check_options_obey_the_settings_limits(
    run_cli: Callable[..., CliResult], tmp_path: Path, write_targets: Callable[..., Path],
    args: tuple[str, ...], message: str,
) -> None:
    url, targets = _seeded_database(tmp_path, write_targets)
    before = _fingerprint(Path(url.removeprefix("sqlite:///")))
    result = run_cli("check", "--db", url, "--targets", str(targets), *args)
    assert result.code == 2 and message in result.err, result
    assert _fingerprint(Path(url.removeprefix("sqlite:///"))) == before


@pytest.mark.parametrize(("text", "message"), [
    ("concurrency = 2.5\n", "'concurrency' must be a whole number"),
    ("concurrency = true\n", "'concurrency' must be a whole number"),
    ('smtp_security = "TLS"\n', "'smtp_security' must be one of starttls, ssl, none"),
])
def test_monitor_toml_values_of_the_wrong_kind_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    toml = tmp_path / "monitor.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{toml}: setting {message}"):
        settings.load(toml, {})


def test_words_are_read_as_people_write_them() -> None:
    config = settings.load(Path("/nonexistent.toml"), {"MONITOR_SMTP_SECURITY": " SSL ",
                                                       "MONITOR_TIMEOUT": " 7.5 "})
    assert (config.smtp_security, config.timeout) == ("ssl", 7.5)


def test_a_misspelt_environment_variable_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING", logger="monitor.core.settings"):
        config = settings.load(Path("/nonexistent.toml"), {
            "MONITOR_TIMOUT": "5", "MONITOR_CONFIG": "x.toml", "MONITOR_TEST_PG_URL": "pg"})
    assert config.timeout == 20.0
    assert [r.getMessage() for r in caplog.records] == [
        "MONITOR_TIMOUT is not a setting and is ignored; did you mean MONITOR_TIMEOUT?"]
