"""`monitor report` as a user runs it (SPEC: --db, --week, --out, --lang; exit statuses)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import report_seed as seed
from conftest import CliResult

from monitor.core.chromium import CHROMIUM
from monitor.core.clock import JAKARTA, last_complete_week
from monitor.store import Store

Run = Callable[..., CliResult]


def test_report_for_a_week_writes_city_kecamatan_and_exports(
        run_cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    seed.seed_week(Store.open(sqlite_url))
    out = tmp_path / "laporan"
    result = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--out", str(out))
    assert result.code == 0, result
    folder = out / "2026-W47"
    names = sorted(p.name for p in folder.iterdir())
    html = ["index.html", "kecamatan-kedaton.html", "kecamatan-tanjungkarang-pusat.html"]
    # SPEC: an A4 PDF beside every HTML report when Chromium is installed, else said once
    pdfs = [n.replace(".html", ".pdf") for n in html] if Path(CHROMIUM).exists() else []
    assert names == sorted(["data.json", "export.csv", "export.json", *html, *pdfs])
    if not pdfs:
        assert result.err.count("PDF") == 1
    assert str(folder / "index.html") in result.out
    assert 'lang="id"' in (folder / "index.html").read_text(encoding="utf-8")


def test_english_and_reports_dir_from_the_environment(
        run_cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    seed.seed_week(Store.open(sqlite_url))
    result = run_cli("report", "--week", "2026-W47", "--lang", "en",
                     env={"MONITOR_DB": sqlite_url, "MONITOR_REPORTS_DIR": str(tmp_path / "r"),
                          "MONITOR_REPORT_PDF": "false"})
    assert result.code == 0, result
    html = (tmp_path / "r" / "2026-W47" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html and "Weekly Website Report" in html


def test_default_week_is_the_last_complete_one(run_cli: Run, sqlite_url: str,
                                               tmp_path: Path) -> None:
    Store.open(sqlite_url)
    result = run_cli("report", "--db", sqlite_url, "--out", str(tmp_path / "r"),
                     env={"MONITOR_REPORT_PDF": "false"})
    assert result.code == 0, result
    assert "tidak punya pemeriksaan sama sekali" in result.err  # an empty week is said
    year, week = last_complete_week(datetime.now(UTC))
    index = tmp_path / "r" / f"{year}-W{week:02d}" / "index.html"
    assert "Belum ada data pemeriksaan" in index.read_text(encoding="utf-8")


def test_bad_week_or_language_is_a_usage_error(run_cli: Run, sqlite_url: str) -> None:
    for args in (["--week", "2026-47"], ["--week", "2026-W54"], ["--lang", "jv"]):
        result = run_cli("report", "--db", sqlite_url, *args)
        assert result.code == 2, (args, result)
    assert "2026 has no ISO week 54" in run_cli("report", "--db", sqlite_url, "--week",
                                                "2026-W54").err


def test_unwritable_reports_folder_is_a_usage_error(run_cli: Run, sqlite_url: str,
                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    Store.open(sqlite_url)  # an existing (empty) database
    result = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--out", str(blocker))
    assert result.code == 2 and "cannot create" in result.err, result


def test_unfinished_and_thin_weeks_are_said(run_cli: Run, sqlite_url: str,
                                           tmp_path: Path) -> None:
    seed.seed_week(Store.open(sqlite_url), sweeps=3)
    env = {"MONITOR_REPORT_PDF": "false"}
    result = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--out",
                     str(tmp_path / "r"), env=env)
    assert result.code == 0, result
    assert "hanya punya 3 pemeriksaan (kurang dari 7)" in result.err
    year, week = datetime.now(UTC).astimezone(JAKARTA).isocalendar()[:2]
    result = run_cli("report", "--db", sqlite_url, "--week", f"{year}-W{week:02d}", "--out",
                     str(tmp_path / "r"), env=env)
    assert result.code == 0 and "belum selesai" in result.err, result
    full = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--lang", "en",
                   "--out", str(tmp_path / "r"), env=env)
    assert "only 3 sweeps" in full.err


def test_without_chromium_the_html_is_written_and_that_is_said_once(
        run_cli: Run, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.report import pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda *a: None)
    seed.seed_week(Store.open(sqlite_url))
    result = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--out",
                     str(tmp_path / "r"))
    assert result.code == 0, result
    assert result.err.count("PDF tidak dibuat") == 1 and "Chromium" in result.err
    folder = tmp_path / "r" / "2026-W47"
    assert list(folder.glob("*.pdf")) == [] and (folder / "index.html").is_file()
