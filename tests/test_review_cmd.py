"""`monitor inactive` and `monitor review` as an admin runs them: output, filters, exit codes,
and hostile text that must not reach a terminal or a spreadsheet as commands."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from review_seed import DOWN, SITES, UP_AKTIF, healthy_week, stale

from monitor.store import Store

TKP, SIDODADI, GOTONG = "18.71.02", "18.71.01.1001", "18.71.02.1001"
HOSTILE = dict(UP_AKTIF, content_flags=["defaced"], findings={"content": {"evidence": [
    {"rule": "defacement", "url": "https://gotongroyong.example.test/",
     "text": "=HYPERLINK(\"http://evil.test\") \x1b[2J[bold red]hacked by x[/]"}]}})

Run = Callable[..., Any]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    healthy_week(Store.open(url), {SIDODADI: DOWN, TKP: stale(120), GOTONG: HOSTILE},
                 now=datetime.now(UTC))
    return url


def inactive_json(run_cli: Run, db: str, *args: str) -> list[dict[str, Any]]:
    result = run_cli("inactive", "--db", db, "--format", "json", *args)
    assert result.code == 0, result
    data: list[dict[str, Any]] = json.loads(result.out)
    return data


def test_inactive_lists_sites_worst_first_as_json(run_cli: Run, db: str) -> None:
    data = inactive_json(run_cli, db)
    assert [(d["code"], d["reasons"][0]) for d in data] == [
        (GOTONG, "defaced"), (SIDODADI, "down_week"), (TKP, "tidak_aktif"),
        ("18.71.01.1002", "no_site")]
    stale = data[2]["details"][0]
    assert stale["evidence"][0]["text"].startswith("https://x.example.test/feed")
    assert (stale["wording"], stale["severity"]) == ("p_stale", 50)
    assert stale["summary"] == ("Situs tidak aktif: terakhir diperbarui 1 Januari 2026 (120 "
                                "hari lalu)")
    assert stale["action"] == "Unggah berita kegiatan kecamatan."
    assert [d["rank"] for d in data] == sorted(d["rank"] for d in data)
    assert data[0]["review_status"] is None


def test_inactive_filters_by_kecamatan_ignoring_case_and_spaces(run_cli: Run, db: str) -> None:
    assert [d["code"] for d in inactive_json(run_cli, db, "--kecamatan", "TANJUNG karang pusat")
            ] == [GOTONG, TKP]
    result = run_cli("inactive", "--db", db, "--kecamatan", "Atlantis")
    assert result.code == 2 and "Atlantis" in result.err


def test_review_is_recorded_kept_and_shown_in_the_list(run_cli: Run, db: str) -> None:
    first = run_cli("review", TKP, "--db", db, "--status", "dihubungi", "--note",
                    "Telepon operator", "--by", "dina")
    assert first.code == 0 and "dihubungi" in first.out
    assert run_cli("review", TKP, "--db", db, "--status", "dalam_perbaikan", "--note",
                   "Sedang diperbaiki", "--by", "budi").code == 0
    shown = next(d for d in inactive_json(run_cli, db) if d["code"] == TKP)
    assert (shown["review_status"], shown["review_note"], shown["review_by"]) == (
        "dalam_perbaikan", "Sedang diperbaiki", "budi")
    hist = run_cli("review", TKP, "--db", db)
    assert hist.code == 0
    lines = hist.out.splitlines()
    assert len(lines) == 2 and "dalam_perbaikan" in lines[0] and "Telepon operator" in lines[1]


@pytest.mark.parametrize("args", [
    ("99.99", "--status", "selesai", "--note", "x"),
    (TKP, "--status", "beres", "--note", "x"),
    (TKP, "--status", "selesai"),
    (TKP, "--status", "selesai", "--note", "  "),
    ("99.99",),
])
def test_bad_review_commands_exit_2(run_cli: Run, db: str, args: tuple[str, ...]) -> None:
    result = run_cli("review", *args, "--db", db)
    assert result.code == 2, result
    assert run_cli("review", TKP, "--db", db).out == ""  # nothing recorded


def test_csv_neutralises_formulas_and_terminal_escapes(run_cli: Run, db: str) -> None:
    result = run_cli("inactive", "--db", db, "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    hostile = next(r for r in rows if r["code"] == GOTONG)
    assert hostile["reasons"] == "defaced"
    assert "\x1b" not in result.out
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert "HYPERLINK" in hostile["evidence"]


def test_table_shows_hostile_text_literally(run_cli: Run, db: str) -> None:
    store = Store.open(db)
    renamed = [replace(t, name="[bold red]Gotong[/] \x1b[2J") if t.code == GOTONG else t
               for t in SITES]
    store.sync_targets(renamed, datetime.now(UTC))
    result = run_cli("inactive", "--db", db)
    assert result.code == 0
    assert "\x1b" not in result.out
    assert "[bold red]Gotong[/]" in result.out  # printed, not interpreted as markup
    assert "4 situs perlu tindakan" in result.out  # the language setting (default id)
    # defaced first, then down all week, then tidak_aktif
    assert (result.out.index("Gotong") < result.out.index("Sidodadi")
            < result.out.index(f" {TKP} "))


def test_days_must_be_positive(run_cli: Run, db: str) -> None:
    result = run_cli("inactive", "--db", db, "--days", "0")
    assert result.code == 2 and "--days" in result.err


@pytest.mark.parametrize("columns", ["60", "80", "200"])
def test_inactive_table_never_cuts_the_code(run_cli: Run, db: str, columns: str) -> None:
    result = run_cli("inactive", "--db", db, env={"COLUMNS": columns})
    assert result.code == 0, result
    for code in (TKP, SIDODADI, GOTONG):
        assert code in result.out  # whole, never "18.71.02.10…"
    assert "Tidak aktif" in result.out and "situs perlu tindakan" in result.out
