"""targets.csv: the shipped file is complete and valid; every kind of bad row is refused with
file:line:field, exit status 2, and the database is left exactly as it was."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import shared_paths

from monitor.core.errors import TargetsError
from monitor.core.names import name_key
from monitor.store import Store
from monitor.targets.loader import load, parse

ROOT = Path(__file__).resolve().parent.parent
WILAYAH = shared_paths.DATA / "wilayah.csv"

GOOD = [
    {"code": "18.71.01", "level": "kecamatan", "name": "Kedaton", "kecamatan": "Kedaton",
     "url": "https://kedaton.example.test/", "email": "camat@kedaton.example.test"},
    {"code": "18.71.01.1006", "level": "kelurahan", "name": "Sidodadi", "kecamatan": "Kedaton",
     "url": "", "email": "lurah@sidodadi.example.test;staf@sidodadi.example.test"},
]


def test_shipped_targets_cover_every_area_of_the_city() -> None:
    targets = load(ROOT / "targets.csv")
    levels = [t.level for t in targets]
    assert (levels.count("kota"), levels.count("kecamatan"), levels.count("kelurahan")) == (
        1, 20, 126)
    if WILAYAH.exists():
        with WILAYAH.open(encoding="utf-8") as f:
            official = {r["code"]: r for r in csv.DictReader(f)}
        assert {t.code for t in targets} == set(official)
        for t in targets:
            # only addresses seen in public sources; never invented
            assert t.url == official[t.code]["known_url"]
            assert name_key(t.name) == name_key(official[t.code]["name"])


def test_names_match_ignoring_case_and_spaces() -> None:
    text = ("code,level,name,kecamatan,url,email\n"
            "1,kecamatan,Tanjungkarang Pusat,Tanjung Karang Pusat,,\n"
            "2,kelurahan,Gotong Royong,tanjung karang pusat,,\n")
    targets = parse(text)
    assert targets[1].kecamatan == "Tanjungkarang Pusat"


BAD_ROWS: list[tuple[str, dict[str, str], str]] = [
    ("unknown level", {"level": "desa"}, "level"),
    ("duplicate code", {"code": "18.71.01"}, "code"),
    ("malformed url", {"url": "kedaton dot go dot id"}, "url"),
    ("ftp url", {"url": "ftp://kedaton.example.test/"}, "url"),
    ("malformed email", {"email": "camat at kedaton"}, "email"),
    ("header injection in email", {"email": "a@b.test\nBcc: x@evil.test"}, "email"),
    ("kelurahan without kecamatan row", {"kecamatan": "Atlantis"}, "kecamatan"),
    ("empty name", {"name": ""}, "name"),
    ("empty code", {"code": ""}, "code"),
    ("unclosed IPv6 bracket", {"url": "http://[::1"}, "url"),
    ("not an IP in brackets", {"url": "http://[zz]/"}, "url"),
    ("port out of range", {"url": "http://kedaton.example.test:99999/"}, "url"),
    ("login in url", {"url": "http://user:pass@kedaton.example.test/"}, "url"),
    ("user in url", {"url": "https://admin@kedaton.example.test/"}, "url"),
    ("285-character name", {"name": "Kelurahan " * 28 + "Ujung"}, "name"),
    ("2001-character url", {"url": "https://kedaton.example.test/" + "a" * 1972}, "url"),
    ("41-character code", {"code": "1" * 41}, "code"),
    ("long email list", {"email": ";".join(f"staf{i}@sidodadi.example.test" for i in range(50))},
     "email"),
    ("same report file as Kedaton", {"level": "kecamatan", "name": "KEDATON!",
                                     "kecamatan": "KEDATON!"}, "name"),
    ("same name as Kedaton", {"level": "kecamatan", "name": "Ke Daton", "kecamatan": "Ke Daton"},
     "name"),
    ("kecamatan name without a letter", {"level": "kecamatan", "name": "!!!",
                                         "kecamatan": "!!!"}, "name"),
]


@pytest.mark.parametrize(("why", "change", "field"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_row_exits_2_naming_file_line_field_and_database_is_unchanged(
    why: str, change: dict[str, str], field: str,
    write_targets: Callable[..., Path], run_cli: Callable[..., object], sqlite_url: str,
) -> None:
    good = write_targets(GOOD, "good.csv")
    first = run_cli("check", "--targets", str(good), "--db", sqlite_url, "--timeout", "1")
    assert first.code == 0, first  # type: ignore[attr-defined]
    before = Store.open(sqlite_url).latest_results()

    bad_row = {**GOOD[1], "code": "18.71.01.1099", **change}
    bad = write_targets([*GOOD, bad_row], "bad.csv")
    result = run_cli("check", "--targets", str(bad), "--db", sqlite_url)
    assert result.code == 2  # type: ignore[attr-defined]
    assert f"{bad}:4: {field}:" in result.err  # type: ignore[attr-defined]

    after = Store.open(sqlite_url).latest_results()
    assert [(s.code, s.url, r.id if r else None) for s, r in after] == [
        (s.code, s.url, r.id if r else None) for s, r in before]


def test_every_bad_row_is_reported_not_just_the_first(write_targets: Callable[..., Path]) -> None:
    rows = [*GOOD, {**GOOD[1], "code": "x1", "level": "rw"},
            {**GOOD[1], "code": "x2", "email": "nope"}]
    with pytest.raises(TargetsError) as info:
        load(write_targets(rows))
    assert len(info.value.problems) == 2
    assert ":4: level:" in info.value.problems[0] and ":5: email:" in info.value.problems[1]


def test_wrong_header_and_invalid_utf8_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("kode,tingkat\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"t.csv:1: header"):
        load(path)
    path.write_bytes(b"code,level,name,kecamatan,url,email\n1,kota,Kota \xff,,,\n")
    with pytest.raises(TargetsError, match=r"t.csv:2: file: not valid UTF-8"):
        load(path)
    with pytest.raises(TargetsError, match="cannot read"):
        load(tmp_path / "missing.csv")


def test_malformed_urls_name_file_line_and_field_not_internal_error(
    write_targets: Callable[..., Path], run_cli: Callable[..., object], tmp_path: Path
) -> None:
    bad = write_targets([*GOOD, {**GOOD[1], "code": "x1", "url": "http://[::1"}])
    result = run_cli("check", "--targets", str(bad), "--db", f"sqlite:///{tmp_path / 'n.db'}")
    assert result.code == 2, result  # type: ignore[attr-defined]
    assert f"{bad}:4: url: 'http://[::1' is not a valid URL" in result.err  # type: ignore
    assert "internal error" not in result.err  # type: ignore[attr-defined]
    assert not (tmp_path / "n.db").exists()


def test_one_city_row_at_most() -> None:
    text = ("code,level,name,kecamatan,url,email\n"
            "18.71,kota,Bandar Lampung,,,\n"
            "18.72,kota,Metro,,,\n")
    with pytest.raises(TargetsError) as info:
        parse(text, "t.csv")
    assert info.value.problems == [
        "t.csv:3: level: a second kota row (the city is on line 2); there is one city"]


def test_kecamatan_report_file_names_are_unique_and_short() -> None:
    targets = parse("code,level,name,kecamatan,url,email\n"
                    "1,kecamatan,Tanjungkarang Pusat,Tanjungkarang Pusat,,\n"
                    "2,kecamatan,Tanjungkarang Barat,Tanjungkarang Barat,,\n")
    assert len(targets) == 2
    with pytest.raises(TargetsError) as info:
        parse("code,level,name,kecamatan,url,email\n"
              "1,kecamatan,Kedaton,Kedaton,,\n"
              "2,kecamatan,KEDATON!,KEDATON!,,\n", "t.csv")
    assert info.value.problems == ["t.csv:3: name: kecamatan 'KEDATON!' has the same report "
                                   "file name (kedaton) as 'Kedaton' on line 2"]


def test_an_alert_urls_column_and_other_extra_columns_are_accepted() -> None:
    targets = parse("code,level,name,kecamatan,url,email,alert_urls,catatan\n"
                    "1,kecamatan,Kedaton,Kedaton,,,tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/12345678;json://127.0.0.1/x,ok\n")
    assert [t.code for t in targets] == ["1"]
    with pytest.raises(TargetsError, match=r"t.csv:2: alert_urls: is 4001 characters long"):
        parse("code,level,name,kecamatan,url,email,alert_urls\n"
              f"1,kecamatan,Kedaton,Kedaton,,,{'x' * 4001}\n", "t.csv")
