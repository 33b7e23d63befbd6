"""The sweep's collector settings (monitor/sweep/collector.py) hold only while sweeps run:
the process gets its own back, even when two sweeps overlap or one fails."""

from __future__ import annotations

import gc

import pytest

from monitor.sweep.collector import SWEEP_THRESHOLD, calm_collector


def test_overlapping_sweeps_restore_the_process_settings() -> None:
    before = gc.get_threshold()
    with calm_collector():
        assert gc.get_threshold() == SWEEP_THRESHOLD
        assert gc.get_freeze_count() > 0  # what was alive at the start is never scanned
        with calm_collector():
            assert gc.get_threshold() == SWEEP_THRESHOLD
        assert gc.get_threshold() == SWEEP_THRESHOLD  # the outer sweep still runs
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failed_sweep_restores_them_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), calm_collector():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
