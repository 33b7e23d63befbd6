"""Every setting is documented in the README, with its default (datasette's test_docs idea):
`monitor config` lists them, the README is where an operator reads about them first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.cli.config_cmd import markdown_row, markdown_table
from monitor.core.settings import SETTINGS, Setting

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_setting_is_in_the_readme_settings_table(setting: Setting) -> None:
    rows = [line for line in README.splitlines() if line.startswith(f"| `{setting.env}` |")]
    assert rows, f"README.md: add a row for {setting.env} to the Settings table"
    default = f"`{setting.default}`" if setting.default else "(empty)"
    assert rows[0].split(" | ")[1] == default, f"README.md: {setting.env} default is {default}"
    assert rows[0] == markdown_row(setting), (
        f"README.md: the {setting.env} row differs from the declaration: paste the output of "
        "`monitor config --markdown` over the Settings table")


def test_readme_settings_table_is_monitor_config_markdown_in_the_same_order() -> None:
    lines = README.splitlines()
    start = lines.index(markdown_table()[0])
    assert lines[start:start + len(markdown_table())] == markdown_table()


def test_readme_table_names_no_setting_that_does_not_exist() -> None:
    documented = set(re.findall(r"^\| `(MONITOR_[A-Z_]+)` \|", README, re.M))
    assert documented == {s.env for s in SETTINGS}


def test_readme_first_command_installs_and_runs_the_demo() -> None:
    first = re.search(r"```sh\n(.+?)\n```", README, re.S)
    assert first and first.group(1).endswith("monitor demo") and "pip install" in first.group(1)
