"""Every date form Indonesian government sites print is read to the right day (and zone), and
what is not a full date (a year, a month and year, a counter) is never taken for one."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from monitor.checks.freshness.dates import find_dates, parse_datetime, part_of_range, plausible
from monitor.core.clock import JAKARTA

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=JAKARTA)


@pytest.mark.parametrize(("text", "day", "exact"), [
    ("Senin, 06 Februari 2023", "2023-02-06", "Senin, 06 Februari 2023"),
    ("diposting 06 Februari 2023 08:15 WIB oleh admin", "2023-02-06",
     "06 Februari 2023 08:15 WIB"),
    ("16:00:41, 25 Agu 2024", "2024-08-25", "25 Agu 2024"),
    ("Mei 10, 2023", "2023-05-10", "Mei 10, 2023"),
    ("Juli 06,\n 2023", "2023-07-06", "Juli 06, 2023"),
    ("06/02/2023", "2023-02-06", "06/02/2023"),
    ("12.03.2023", "2023-03-12", "12.03.2023"),
    ("02/16/2023", "2023-02-16", "02/16/2023"),
    ("Update : 2024-07-22 06:35:45", "2024-07-22", "2024-07-22 06:35:45"),
    ("Kompas.com - 02/11/2023, 21:34 WIB", "2023-11-02", "02/11/2023, 21:34 WIB"),
    ("Kamis, 02 Nov 2023 20:59 WIB", "2023-11-02", "Kamis, 02 Nov 2023 20:59 WIB"),
    ("5 Nopember 2019", "2019-11-05", "5 Nopember 2019"),
    ("17 Agt 2021", "2021-08-17", "17 Agt 2021"),
    ("May 10th, 2023", "2023-05-10", "May 10th, 2023"),
    ("Tuesday, 3 January 2023", "2023-01-03", "Tuesday, 3 January 2023"),
    ("3. Oktober 2017", "2017-10-03", "3. Oktober 2017"),
])
def test_written_forms_are_read_with_their_exact_text(text: str, day: str, exact: str) -> None:
    found = find_dates(text, NOW)
    assert [(f.day, f.text) for f in found] == [(day, exact)]


@pytest.mark.parametrize(("text", "day"), [
    ("2 hari yang lalu", "2026-11-21"),
    ("3 minggu lalu", "2026-11-02"),
    ("kemarin", "2026-11-22"),
    ("Kemarin 14:00", "2026-11-22"),
    ("5 jam yang lalu", "2026-11-23"),
    ("2 days ago", "2026-11-21"),
    ("16.58 WIB", "2026-11-23"),
])
def test_relative_forms_count_back_from_now(text: str, day: str) -> None:
    found = find_dates(text, NOW)
    assert [f.day for f in found] == [day]
    assert found[0].relative


def test_relative_forms_need_a_now() -> None:
    assert find_dates("2 hari yang lalu, kemarin, 16.58 WIB") == []


def test_a_bare_time_later_than_now_is_not_today() -> None:
    assert find_dates("20.00 WIB", NOW) == []


@pytest.mark.parametrize(("text", "hour_in_jakarta", "day"), [
    ("10 Mei 2023 10:00 WIB", 10, "2023-05-10"),
    ("10 Mei 2023 10:00 WITA", 9, "2023-05-10"),
    ("10 Mei 2023 10:00 WIT", 8, "2023-05-10"),
    ("10 Mei 2023 01:00 WITA", 0, "2023-05-10"),
    ("10 Mei 2023 00:30 WIT", 22, "2023-05-09"),
])
def test_indonesian_time_zones_shift_to_jakarta(text: str, hour_in_jakarta: int, day: str) -> None:
    (found,) = find_dates(text)
    assert found.when.hour == hour_in_jakarta
    assert found.day == day


@pytest.mark.parametrize("text", [
    "© 2026 Pemerintah Kota Bandar Lampung", "November 2026", "Pengunjung: 1.234.567",
    "Total hits 20231106", "Tahun 2023", "32 Januari 2023", "30/02/2023", "99/99/2023",
    "versi 1.2.2023a",
])
def test_what_is_not_a_full_date_is_not_read(text: str) -> None:
    assert find_dates(text, NOW) == []


@pytest.mark.parametrize(("value", "iso"), [
    ("Mon, 06 Feb 2023 08:15:00 +0700", "2023-02-06T08:15:00+07:00"),
    ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T11:00:00+07:00"),
    ("Sat, 07 Sep 02 00:00:01 EST", "2002-09-07T12:00:01+07:00"),
    ("2023-11-02T14:34:19+00:00", "2023-11-02T21:34:19+07:00"),
    ("2023-11-02T20:00:00Z", "2023-11-03T03:00:00+07:00"),
    ("2023-05-10T15:30:00.000+08:00", "2023-05-10T14:30:00+07:00"),
    ("2018-05-09", "2018-05-09T00:00:00+07:00"),
    ("2024-07-22 06:35:45", "2024-07-22T06:35:45+07:00"),
    ("06 Februari 2023", "2023-02-06T00:00:00+07:00"),
])
def test_machine_fields(value: str, iso: str) -> None:
    parsed = parse_datetime(value)
    assert parsed is not None and parsed.isoformat() == iso


@pytest.mark.parametrize("value", ["", "garbage", "9999-99-99", "2023-13-45T00:00:00Z",
                                   "\x00\xff", "Mon, 45 Foo 2023"])
def test_bad_machine_fields_give_none(value: str) -> None:
    assert parse_datetime(value) is None


def test_dates_are_returned_in_page_order_and_capped() -> None:
    text = " | ".join(f"{d:02d} Januari 2024" for d in range(1, 29))
    found = find_dates(text, NOW)
    assert [f.when.day for f in found] == list(range(1, 29))
    assert len(find_dates(text * 20, NOW, limit=50)) == 50


def test_plausible_refuses_the_future_and_pre_web_history() -> None:
    assert plausible(NOW - timedelta(days=1), NOW)
    assert not plausible(NOW + timedelta(days=2), NOW)
    assert not plausible(datetime(1945, 8, 17, tzinfo=JAKARTA), NOW)


@pytest.mark.parametrize(("text", "date", "in_range"), [
    ("Der Albergtunnel wird vom 24. April bis 2. Oktober 2017 gesperrt", "2. Oktober 2017",
     True),
    ("Pendaftaran 1 Mei 2024 - 5 Mei 2024", "1 Mei 2024", True),
    ("Pendaftaran 1 Mei 2024 - 5 Mei 2024", "5 Mei 2024", True),
    ("berlaku s.d. 30 Juni 2024", "30 Juni 2024", True),
    ("Lomba 17 Agustus 2024 sampai 20 Agustus 2024", "17 Agustus 2024", True),
    ("Kompas.com - 02/11/2023, 21:34 WIB", "02/11/2023", False),
    ("Senin, 06 Februari 2023 - 5 komentar", "06 Februari 2023", False),
    ("Diposting 06 Februari 2023 oleh admin", "06 Februari 2023", False),
])
def test_either_end_of_a_span_is_told_from_a_publication_date(
        text: str, date: str, in_range: bool) -> None:
    start = text.index(date)
    assert part_of_range(text, start, start + len(date)) is in_range
