"""`monitor export` keeps the SPEC's fields, order, types and formats exactly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from monitor.report.export import FIELDS
from monitor.store import Result, Store
from monitor.targets.loader import Target

SPEC_FIELDS = [
    "code", "level", "name", "kecamatan", "url", "checked_at", "available", "status_code",
    "error", "response_ms", "final_url", "https", "cert_days_left", "last_update",
    "last_update_source", "last_update_evidence", "days_since_update", "activity",
    "mobile_friendly", "mobile_score", "mobile_issues", "content_flags",
]
WHEN = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)


def seed(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    targets = [
        Target("18.71", "kota", "Kota Bandar Lampung", "", "https://kota.example.test/", ()),
        Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "", ()),
        Target("18.71.01.1006", "kelurahan", "Sidodadi", "Kedaton",
               "https://sidodadi.example.test/", ()),
    ]
    store.sync_targets(targets, WHEN)
    sweep = store.begin_sweep(WHEN, 3, {})
    store.save_results(sweep, [
        ("18.71", Result(sweep_id=0, site_id=0, checked_at=WHEN, available=True, status_code=200,
                         response_ms=123.4, final_url="https://kota.example.test/", https=True,
                         cert_days_left=40, activity="aktif", last_update="2026-11-18",
                         mobile_issues=["no_viewport", "small_text"],
                         content_flags=["judi_spam"])),
        ("18.71.01", Result(sweep_id=0, site_id=0, checked_at=WHEN, error="no_site",
                            activity="tidak_ada_situs")),
    ])
    store.finish_sweep(sweep, WHEN)


def test_json_fields_order_and_types(sqlite_url: str, run_cli: Callable[..., object]) -> None:
    seed(sqlite_url)
    result = run_cli("export", "--db", sqlite_url, "--format", "json")
    assert result.code == 0  # type: ignore[attr-defined]
    records = json.loads(result.out)  # type: ignore[attr-defined]
    assert list(FIELDS) == SPEC_FIELDS
    assert [list(r) for r in records] == [SPEC_FIELDS] * 3
    kota, kecamatan, never = records
    assert kota["checked_at"] == "2026-11-20T10:30:00+07:00"  # Asia/Jakarta offset
    assert kota["available"] is True and kota["status_code"] == 200
    assert kota["mobile_issues"] == ["no_viewport", "small_text"]
    assert kecamatan["error"] == "no_site" and kecamatan["checked_at"] is None
    assert kecamatan["activity"] == "tidak_ada_situs" and kecamatan["available"] is None
    # a site with a URL that no sweep has reached yet
    assert never["checked_at"] is None and never["activity"] == "tidak_diketahui"


def test_csv_joins_lists_and_writes_to_a_file(
    sqlite_url: str, run_cli: Callable[..., object], tmp_path: object
) -> None:
    seed(sqlite_url)
    out = f"{tmp_path}/export.csv"
    assert run_cli("export", "--db", sqlite_url, "--format", "csv", "--output", out).code == 0  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(Path(out).read_text(encoding="utf-8"))))
    assert list(rows[0]) == SPEC_FIELDS
    assert rows[0]["mobile_issues"] == "no_viewport;small_text"
    assert rows[0]["available"] == "true" and rows[0]["content_flags"] == "judi_spam"
    assert rows[1]["available"] == "" and rows[1]["error"] == "no_site"


def test_unwritable_output_is_a_usage_error(sqlite_url: str,
                                            run_cli: Callable[..., object]) -> None:
    seed(sqlite_url)
    result = run_cli("export", "--db", sqlite_url, "--output", "/no/such/dir/x.json")
    assert result.code == 2 and "--output" in result.err  # type: ignore[attr-defined]


def test_sites_lists_every_target_with_its_last_status(
    sqlite_url: str, run_cli: Callable[..., object]
) -> None:
    seed(sqlite_url)
    result = run_cli("sites", "--db", sqlite_url)
    assert result.code == 0  # type: ignore[attr-defined]
    lines = {line.split()[0]: line for line in result.out.splitlines()[1:]}  # type: ignore[attr-defined]
    assert "dapat diakses 200 123 ms" in lines["18.71"]  # the language setting: id
    assert "Belum punya situs" in lines["18.71.01"]
    assert "belum diperiksa" in lines["18.71.01.1006"]
    english = run_cli("sites", "--db", sqlite_url, env={"MONITOR_LANG": "en"})
    assert "no website" in english.out.lower()  # type: ignore[attr-defined]


def test_sites_on_a_narrow_terminal_prints_one_block_per_site_with_the_whole_code(
    sqlite_url: str, run_cli: Callable[..., object]
) -> None:
    seed(sqlite_url)
    result = run_cli("sites", "--db", sqlite_url, env={"COLUMNS": "60"})
    out = result.out  # type: ignore[attr-defined]
    assert "18.71.01.1006  " in out and "  Status terakhir: belum diperiksa" in out
    assert all(len(line) <= 60 or "://" in line for line in out.splitlines())


def seed_hostile(sqlite_url: str) -> None:
    """A site whose name and evidence start like spreadsheet formulas (the evidence is page
    text from a site we do not trust), and an expired certificate (a negative number)."""
    store = Store.open(sqlite_url)
    store.sync_targets([Target("18.71", "kota", "=HYPERLINK(\"http://evil.test\",\"klik\")", "",
                               "https://kota.example.test/", ())], WHEN)
    sweep = store.begin_sweep(WHEN, 1, {})
    store.save_results(sweep, [
        ("18.71", Result(sweep_id=0, site_id=0, checked_at=WHEN, available=True, status_code=200,
                         https=True, cert_days_left=-3, activity="aktif",
                         last_update="2026-11-18", last_update_source="text",
                         last_update_evidence="@SUM(1+1)*cmd|' /C calc'!A0",
                         final_url="https://kota.example.test/",
                         mobile_issues=["-bad"], content_flags=[]))])
    store.finish_sweep(sweep, WHEN)


def _assert_no_formulas(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text
    for row in rows:
        for name, cell in row.items():
            if name != "cert_days_left":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil.test\",\"klik\")"
    assert rows[0]["last_update_evidence"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows[0]["mobile_issues"] == "'-bad"
    assert rows[0]["cert_days_left"] == "-3"  # a number stays a number


def test_csv_export_neutralises_formulas(sqlite_url: str,
                                         run_cli: Callable[..., object]) -> None:
    seed_hostile(sqlite_url)
    result = run_cli("export", "--db", sqlite_url, "--format", "csv")
    assert result.code == 0, result  # type: ignore[attr-defined]
    _assert_no_formulas(result.out)  # type: ignore[attr-defined]


def test_report_folder_export_csv_neutralises_formulas(
    sqlite_url: str, run_cli: Callable[..., object], tmp_path: Path
) -> None:
    seed_hostile(sqlite_url)
    result = run_cli("report", "--db", sqlite_url, "--week", "2026-W47", "--out",
                     str(tmp_path / "laporan"))
    assert result.code == 0, result  # type: ignore[attr-defined]
    exported = next((tmp_path / "laporan").rglob("export.csv"))
    _assert_no_formulas(exported.read_text(encoding="utf-8"))
