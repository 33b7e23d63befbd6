"""One article page is dated in htmldate's order (permalink, metadata, byline, markup, then
text), published or modified as asked, and the dates of other posts, spans and sidebars are
not taken for the article's. htmldate runs only when no markup of ours dated the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import lxml.html
import pytest

from monitor.checks.freshness import article as freshness_article
from monitor.checks.freshness.article import article_date, url_date
from monitor.core.clock import JAKARTA

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=JAKARTA)
META = ('<meta property="article:published_time" content="2023-02-06T08:15:00+07:00">'
        '<meta property="article:modified_time" content="2024-03-01T09:00:00+07:00">')


def doc(head: str = "", body: str = "") -> Any:
    return lxml.html.document_fromstring(
        f"<html><head>{head}</head><body>{body}<p>{'isi berita ' * 40}</p></body></html>")


def day(page: Any, url: str = "https://x.example/berita", *, original: bool = True,
        fallback: bool = False) -> tuple[str | None, str | None]:
    found = article_date(page, url, NOW, original=original, fallback=fallback)
    return (found.day, found.source) if found else (None, None)


def test_published_or_modified_metadata_as_asked() -> None:
    assert day(doc(META)) == ("2023-02-06", "meta")
    assert day(doc(META), original=False) == ("2024-03-01", "meta")


def test_a_permalink_day_comes_first_as_in_htmldate() -> None:
    page = doc(META)
    assert day(page, "https://x.example/2017/7/12/judul-berita") == ("2017-07-12", "url")


def test_the_byline_is_read_before_the_text_and_the_sidebar_is_not_the_article() -> None:
    body = ('<div class="post-meta">Oleh admin, 8.5.12</div>'
            '<p>Rapat 17 Agustus 2011 membahas banyak hal penting untuk warga kelurahan.</p>')
    assert day(doc(body=body)) == ("2012-05-08", "text")
    sidebar = ('<aside class="widget recent-posts"><span class="post-date">09/09/2019</span>'
               '</aside><div class="entry-date">27/09/2016</div>')
    assert day(doc(body=sidebar)) == ("2016-09-27", "text")


def test_an_updated_label_in_the_byline_serves_the_modified_date() -> None:
    body = ('<div class="byline">Terbit 06 Februari 2023</div>'
            '<div class="date">Diperbarui 01 Maret 2024</div>')
    assert day(doc(body=body), original=False) == ("2024-03-01", "text")


def test_the_end_of_a_span_is_an_event_not_the_publication() -> None:
    body = "<h2>Jalan ditutup vom 24. April bis 2. Oktober 2017</h2>"
    assert day(doc(body=body)) == (None, None)


def test_a_month_permalink_vetoes_a_contradicting_text_date() -> None:
    body = "<h3>1. Juni 2010</h3><h3>3. Dezember 2011</h3>"
    assert day(doc(body=body), "https://x.example/news/2011/12/judul/") == ("2011-12-03",
                                                                           "text")


def test_unix_stamps_give_the_oldest_for_original_and_newest_for_updated() -> None:
    body = '<abbr data-utime="1507453920">a</abbr><abbr data-utime="1507287600">b</abbr>'
    assert day(doc(body=body)) == ("2017-10-06", "time")
    assert day(doc(body=body), original=False) == ("2017-10-08", "time")


def test_htmldate_runs_only_when_no_markup_of_ours_dates_the_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake(page: Any, url: str, *, original: bool) -> None:
        calls.append(url)

    monkeypatch.setattr(freshness_article, "htmldate_fallback", fake)
    assert day(doc(META), fallback=True) == ("2023-02-06", "meta")
    assert calls == []
    assert day(doc(body="<p>Ditulis 5 Mei 2021</p>"), fallback=True) == ("2021-05-05", "text")
    assert calls == ["https://x.example/berita"]


def test_htmldate_dates_prose_that_our_label_rule_refuses() -> None:
    prose = ("<p>" + "Kelurahan mengadakan kerja bakti bersama warga pada hari Minggu, "
             "tanggal 5 Mei 2021, di sepanjang jalan utama dan saluran air. " * 3 + "</p>")
    assert day(doc(body=prose)) == (None, None)
    found = day(doc(body=prose), fallback=True)
    assert found == ("2021-05-05", "htmldate")


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x.example/2024/07/22/lomba-17-agustus/", "2024-07-22"),
    ("https://x.example/2024/07/22", "2024-07-22"),
    ("https://x.example/2031/07/22/dari-masa-depan/", None),
    ("https://x.example/2024/13/40/bukan-tanggal/", None),
    ("https://x.example/profil/", None),
])
def test_permalink_dates(url: str, expected: str | None) -> None:
    found = url_date(url, NOW)
    assert (found.day if found else None) == expected
