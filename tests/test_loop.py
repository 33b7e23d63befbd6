"""Sweeps run on uvloop by default (monitor.sweep.loop, setting event_loop), on asyncio's own
loop when asked, and on asyncio's with a warning where uvloop cannot be imported, so a sweep
never fails for want of it."""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest

from monitor.sweep.loop import run


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_uvloop_by_default_and_asyncio_on_request() -> None:
    assert run(_loop_module()).startswith("uvloop")
    assert run(_loop_module(), "asyncio").startswith("asyncio")


def test_without_uvloop_the_sweep_runs_on_asyncio_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop now raises ImportError
    with caplog.at_level(logging.WARNING, logger="monitor.sweep.loop"):
        assert run(_loop_module()).startswith("asyncio")
    assert "uvloop is not installed" in caplog.text


def test_the_setting_takes_only_the_two_loops() -> None:
    from monitor.core.errors import ConfigError
    from monitor.core.settings import load

    assert load(environ={"MONITOR_EVENT_LOOP": "AsyncIO"}).event_loop == "asyncio"
    with pytest.raises(ConfigError, match="event_loop"):
        load(environ={"MONITOR_EVENT_LOOP": "trio"})
