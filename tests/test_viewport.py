"""The viewport tag read as Lighthouse and axe-core read it: every case of the shared corpus
(``corpus/mobile/viewport_cases.json``) gets the verdict the file expects."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest
import shared_paths

from monitor.checks.mobile import viewport

CASES = json.loads((shared_paths.CORPUS / "mobile"
                    / "viewport_cases.json").read_text(encoding="utf-8"))
LIGHTHOUSE = (CASES["computed_artifact_cases"] + CASES["audit_cases"]
              + CASES["smoke_test_cases"])
AXE = CASES["axe_meta_viewport_zoom_cases"]["cases"]


def _content(case: dict[str, Any]) -> str | None:
    return case["content"] if case.get("has_viewport_tag", True) else None


@pytest.mark.parametrize("case", LIGHTHOUSE, ids=lambda c: f"{c['content']}")
def test_lighthouse_viewport_cases(case: dict[str, Any]) -> None:
    parsed = viewport.parse(_content(case))
    expected = case.get("expected_viewport_audit_pass")
    if expected is not None:
        assert parsed.mobile_optimized is expected, case["reason"]
    warnings = case.get("expected_parser_warnings")
    if warnings == []:
        assert parsed.warnings == []
    elif warnings:
        assert parsed.warnings[:len(warnings)] == warnings


def test_every_lighthouse_case_with_a_verdict_is_checked() -> None:
    judged = [c for c in LIGHTHOUSE if c.get("expected_viewport_audit_pass") is not None]
    assert len(judged) >= 18


@pytest.mark.parametrize("case", AXE, ids=lambda c: c["content"])
def test_axe_zoom_cases(case: dict[str, Any]) -> None:
    options = case["options"]
    minimum = options["scaleMinimum"] if isinstance(options, dict) else 2.0
    reason = viewport.axe_zoom_block(case["content"], minimum)
    assert (reason is None) is case["expected_zoom_allowed"], case["reason"]
    if "expected_failure_data" in case:
        assert reason == case["expected_failure_data"]


def test_fixed_pixel_width_is_reported_even_though_lighthouse_passed_it() -> None:
    parsed = viewport.parse("width=1024")
    assert parsed.mobile_optimized  # Lighthouse: a width is a width
    assert parsed.fixed_width == 1024.0  # Mobile-Friendly Test: not device-width
    assert viewport.parse("width=device-width").fixed_width is None


def test_first_viewport_tag_is_the_one_read() -> None:
    doc = lxml.html.document_fromstring(
        '<html><head><meta name="ViewPort" content="width=device-width">'
        '<meta name="viewport" content="width=1200"></head><body>x</body></html>')
    assert viewport.viewport_content(doc) == "width=device-width"
    empty = lxml.html.document_fromstring("<html><head></head><body>x</body></html>")
    assert viewport.viewport_content(empty) is None


def test_hostile_content_is_capped_and_never_raises() -> None:
    parsed = viewport.parse("width=device-width," + "=,;" * 500_000)
    assert parsed.mobile_optimized
    assert len(parsed.content) <= 1000
    assert viewport.parse("initial-scale=99999").valid["initial-scale"] == 10.0
