"""Rendered reports: golden files, escaping of everything a site sent, accessibility basics.

Golden files live in tests/golden/. When a change to the reports is intended, regenerate them
with ``MONITOR_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_render.py`` and review the
diff before committing. The data SHA-256 is masked in the golden copies (it changes with any
new Result column); tests/test_report_data.py checks it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, timedelta
from pathlib import Path

import lxml.html
import pytest
import report_seed as seed

from monitor.report import build_week, write_week
from monitor.report.i18n import format_date, format_datetime, format_number
from monitor.report.render import environment, render_city, render_kecamatan, safe_href
from monitor.store import Result, Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MONITOR_UPDATE_GOLDEN") == "1"
_SHA = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("render") / "monitor.db"
    store = Store.open(f"sqlite:///{path}")
    seed.seed_week(store)
    return store


def _check_golden(name: str, html: str) -> None:
    html = _SHA.sub("<sha256>", html)
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path} was missing: written, review it and rerun")
    expected = path.read_text(encoding="utf-8")
    assert html == expected, (f"{name} differs from its golden file; if the change is "
                              "intended, rerun with MONITOR_UPDATE_GOLDEN=1 and review the diff")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_city_report_matches_golden(seeded: Store, lang: str) -> None:
    _, report = build_week(seeded, seed.YEAR, seed.WEEK, lang=lang, now=seed.NOW)
    _check_golden(f"report_city_{lang}.html", render_city(report))


def test_kecamatan_report_matches_golden(seeded: Store) -> None:
    _, report = build_week(seeded, seed.YEAR, seed.WEEK, now=seed.NOW)
    _check_golden("report_kecamatan_kedaton_id.html", render_kecamatan(report,
                                                                       report.kecamatan[0]))


def test_everything_from_a_site_renders_as_text(seeded: Store, tmp_path: Path) -> None:
    files = write_week(seeded, tmp_path, seed.YEAR, seed.WEEK, now=seed.NOW)
    for path in [files.city, *(k.path for k in files.kecamatan)]:
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), path  # reports carry no script at all
        if path != files.kecamatan[1].path:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        doc = lxml.html.fromstring(html)
        assert not doc.xpath("//script|//iframe|//*[@onerror]|//*[@onclick]")


def test_hostile_evidence_url_is_not_a_link(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    store.sync_targets([seed.KEDATON, seed.SIDODADI], seed.MONDAY)
    at = seed.MONDAY.astimezone(UTC) + timedelta(hours=1)
    sweep = store.begin_sweep(at, 1, {})
    store.save_results(sweep, [(seed.SIDODADI.code, Result(
        sweep_id=0, site_id=0, checked_at=at, url=seed.SIDODADI.url, available=True,
        content_flags=["judi_spam"], findings={"content": {"evidence": [
            {"rule": "judi_spam:link", "url": "javascript:alert(1)", "text": '"><img src=x>'},
            ["judi_spam:title", None, "</code></li><b>x</b>"], "garbage", 7]}}))])
    _, report = build_week(store, seed.YEAR, seed.WEEK, now=seed.NOW)
    html = render_kecamatan(report, report.kecamatan[0])
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//a[starts-with(@href, 'javascript')]")
    assert not doc.xpath("//img[@src='x']") and not doc.xpath("//b[text()='x']")
    assert "javascript:alert(1)" in doc.text_content()
    assert '"><img src=x>' in doc.text_content()


def test_empty_week_renders_sensibly(seeded: Store) -> None:
    _, report = build_week(seeded, seed.YEAR, 40, now=seed.NOW)
    html = render_city(report)
    assert "Belum ada data pemeriksaan untuk minggu ini." in html
    assert "Tidak ada pemeriksaan dalam periode ini." in html
    assert "Belum ada data minggu lalu untuk dibandingkan." in html
    kec = render_kecamatan(report, report.kecamatan[0])
    assert "belum diperiksa" in kec


def test_screenshot_is_embedded_only_when_it_is_an_image(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    store.sync_targets([seed.KEDATON], seed.MONDAY)
    at = seed.MONDAY.astimezone(UTC) + timedelta(hours=1)
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    sweep = store.begin_sweep(at, 1, {})
    store.save_results(sweep, [(seed.KEDATON.code, Result(
        sweep_id=0, site_id=0, checked_at=at, url=seed.KEDATON.url, available=True,
        findings={"mobile": {"screenshot": str(shot)}}))])
    _, report = build_week(store, seed.YEAR, seed.WEEK, now=seed.NOW)
    html = render_kecamatan(report, report.kecamatan[0])
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html
    shot.write_bytes(b"<svg onload=alert(1)>")
    html = render_kecamatan(report, report.kecamatan[0])
    assert "data:image" not in html and "<img" not in html


def test_tables_have_header_scopes_and_headings_are_in_order(seeded: Store) -> None:
    _, report = build_week(seeded, seed.YEAR, seed.WEEK, now=seed.NOW)
    for html in (render_city(report), render_kecamatan(report, report.kecamatan[1])):
        doc = lxml.html.fromstring(html)
        assert doc.xpath("//html/@lang") == ["id"]
        assert all(th.get("scope") in ("col", "row") for th in doc.iter("th"))
        assert len(doc.xpath("//h1")) == 1
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3")]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
        assert all(svg.get("role") == "img" and svg.get("aria-label") for svg in
                   doc.iter("svg"))


def test_autoescape_is_always_on() -> None:
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_indonesian_dates_and_numbers() -> None:
    from datetime import date, datetime

    from monitor.core.clock import JAKARTA

    assert format_date(date(2026, 11, 23), "id") == "Senin, 23 November 2026"
    assert format_date(date(2026, 3, 12), "id", weekday=False) == "12 Maret 2026"
    assert format_date(date(2026, 11, 22), "en") == "Sunday, 22 November 2026"
    # 23:30 UTC is already the next day in Jakarta
    assert format_datetime(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "id") == (
        "Senin, 23 November 2026 pukul 06.30 WIB")
    assert format_datetime(datetime(2026, 8, 17, 10, 5, tzinfo=JAKARTA), "en") == (
        "Monday, 17 August 2026 at 10:05 WIB")
    assert format_number(1234.5, "id") == "1.234,5" and format_number(1234.5, "en") == "1,234.5"
    assert format_number(100.0, "id") == "100"


def test_only_http_addresses_become_links() -> None:
    assert safe_href("https://a.go.id/x") == "https://a.go.id/x"
    assert safe_href(" JavaScript:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href(None) is None
