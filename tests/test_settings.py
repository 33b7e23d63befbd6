"""Settings: defaults, monitor.toml, then the environment (which wins); bad values and
unknown names are clear usage errors; secrets are never shown by `monitor config`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.core import settings
from monitor.core.errors import ConfigError


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
