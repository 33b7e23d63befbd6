"""What the mobile and freshness checks keep between calls to save CPU (parsed stylesheets,
compiled rule indexes, stylesheet links, feed reads, one style per element signature) never
changes an answer: pages sharing a theme still get their own verdicts, a changed response is
read again, and the shortcut searches find exactly what the plain ones find. (The CPU saved
is measured in benchmarks/checks.py and benchmarks/mobile.py, not here.)"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import lxml.html
import pytest

from monitor.checks.freshness import check as freshness_check
from monitor.checks.freshness import kept
from monitor.checks.freshness.check import FreshnessCheck
from monitor.checks.freshness.sources import feed_url
from monitor.checks.mobile.check import MobileCheck, stylesheet_links
from monitor.checks.mobile.css import StyleSheets
from monitor.checks.mobile.layout import FRAMEWORK, framework_match
from monitor.checks.mobile.result import Mobile
from monitor.checks.mobile.selectors import RuleIndex, rule_index
from monitor.checks.mobile.text import measure
from monitor.core.snapshot import Fetched, Snapshot

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
THEME = ("".join(f".c{i} a {{ font-size: {12 + i % 5}px; width: {i}px }}\n" for i in range(400))
         + ".tiny, .tiny a { font-size: 9px }\n#wrap { width: 1000px }\n"
         + "@media (max-width: 600px) { #wrap { width: auto } }\n")
WORDS = "Pelayanan administrasi kependudukan kelurahan berjalan seperti biasa. " * 3


def page(body: str, head: str = "") -> bytes:
    return ('<html><head><meta name="viewport" content="width=device-width">'
            f'<link rel="stylesheet" href="/theme.css">{head}</head>'
            f'<body><div id="wrap">{body}</div></body></html>').encode()


def snapshot(html: bytes, url: str, css: str = THEME) -> Snapshot:
    home = Fetched(url, final_url=url, status_code=200,
                   headers={"content-type": "text/html"}, body=html)
    snap = Snapshot("s", "kelurahan", "s", "K", url, NOW, home=home)
    for request in MobileCheck().plan(snap):
        snap.extra[request.key] = Fetched(request.url, request.url, 200,
                                          {"content-type": "text/css"}, css.encode())
    return snap


def mobile(snap: Snapshot) -> Mobile:
    return MobileCheck().run(snap, {})


def test_pages_sharing_a_theme_keep_their_own_verdicts() -> None:
    small = page(f'<p class="tiny">{WORDS}</p><p>Kontak</p>')
    fine = page(f"<p>{WORDS}</p><p class='tiny'>Kontak</p>")
    first = mobile(snapshot(small, "http://a.test/"))
    other = mobile(snapshot(fine, "http://b.test/"))
    again = mobile(snapshot(small, "http://a.test/"))
    assert "small_text" in first.mobile_issues
    assert "small_text" not in other.mobile_issues
    assert dataclasses.asdict(again) == dataclasses.asdict(first)
    # the theme's #wrap is undone by its media query on both
    assert "fixed_width_layout" not in first.mobile_issues + other.mobile_issues


def test_a_kept_stylesheet_is_the_same_cascade_and_moves_with_its_position() -> None:
    one, two, three = StyleSheets(), StyleSheets(), StyleSheets()
    one.add(THEME, "http://t.test/theme.css")
    two.add(THEME, "http://t.test/theme.css")
    three.add("p { font-size: 20px }", "inline <style>")
    three.add(THEME, "http://t.test/theme.css")
    assert two.rules == one.rules and two.rules[0] is one.rules[0]  # read once, shared
    assert two.media_queries == one.media_queries == [("(max-width: 600px)",
                                                       "http://t.test/theme.css")]
    assert [r.order for r in three.rules[1:]] == [r.order + 1 for r in one.rules]
    assert [r.selector for r in three.rules[1:]] == [r.selector for r in one.rules]
    assert three.total_bytes == len(THEME) + len("p { font-size: 20px }")


def test_a_shared_rule_index_is_the_index_of_those_rules() -> None:
    sheets = StyleSheets()
    sheets.add(THEME, "http://t.test/theme.css")
    rules = sheets.applying()
    assert rule_index(rules) is rule_index(list(rules))
    doc = lxml.html.document_fromstring(page('<p class="c3"><a>satu dua</a></p>'
                                             f'<div class="tiny">{WORDS}</div>').decode())
    shared, fresh = measure(doc, rule_index(rules)), measure(doc, RuleIndex(rules))
    assert (shared.total_chars, shared.small_chars, shared.samples) == \
        (fresh.total_chars, fresh.small_chars, fresh.samples)
    assert shared.small_chars == len(WORDS.strip())


def test_ids_and_classes_no_rule_names_do_not_change_a_size() -> None:
    """The walk computes one style per element signature, ignoring the classes and ids no
    selector names; the ones a selector names still count, in descendant position too."""
    sheets = StyleSheets()
    sheets.add("#x7 { font-size: 10px } .a.b { font-size: 11px } .box .in { font-size: 9px }",
               "inline <style>")
    rows = "".join(f'<p id="u{i}" class="z{i} a">baris {i}</p>' for i in range(30))
    html = (f'<html><body>{rows}<p id="x7">tujuh</p><p class="b a c">ab</p>'
            '<div class="box"><div><span class="in">dalam</span></div></div>'
            '<span class="in">luar</span></body></html>')
    sizes = measure(lxml.html.document_fromstring(html), rule_index(sheets.applying()))
    assert sizes.samples == [(10.0, "tujuh"), (11.0, "ab"), (9.0, "dalam")]
    assert sizes.small_chars == len("tujuh") + len("ab") + len("dalam")
    assert sizes.total_chars == sum(len(f"baris {i}") for i in range(30)) + len(
        "tujuhabdalamluar")


@pytest.mark.parametrize("text", [
    "", "nothing here", "class='COL-MD-4'", "x col-6 col-xs-12", "prefix bootstrapper",
    "abootstrap", "a:hover md:flex", "ſm:x then md:Y", "K uk-grid", "İ tailwind",
    "emoji \U0001F600 then W3-Container", "col- col-xs- col-lg-٣", "navbar-TOGGLER",
    "sm: md:1 lg:a", "é" * 50 + "Foundation", "-" * 1000 + "pure-u-1-2",
])
def test_framework_shortcut_finds_what_the_regex_finds(text: str) -> None:
    expected, found = FRAMEWORK.search(text), framework_match(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.span(), found.group(0)) == (expected.span(), expected.group(0))


def test_stylesheet_links_belong_to_their_document_and_base() -> None:
    one = lxml.html.document_fromstring('<html><head><link rel="stylesheet" href="a.css">'
                                        "</head></html>")
    two = lxml.html.document_fromstring('<html><head><link rel="stylesheet" href="b.css">'
                                        "</head></html>")
    assert stylesheet_links(one, "http://x.test/") == [("http://x.test/a.css", "")]
    assert stylesheet_links(two, "http://x.test/") == [("http://x.test/b.css", "")]
    assert stylesheet_links(one, "http://y.test/d/") == [("http://y.test/d/a.css", "")]
    links = stylesheet_links(one, "http://x.test/")
    links.clear()  # a caller's copy: what is kept is not changed
    assert stylesheet_links(one, "http://x.test/") == [("http://x.test/a.css", "")]


def feed(days: list[int]) -> bytes:
    items = "".join(f"<item><pubDate>{(NOW - timedelta(days=d)):%a, %d %b %Y %H:%M:%S +0000}"
                    "</pubDate></item>" for d in days)
    return f"<rss><channel>{items}</channel></rss>".encode()


def freshness_snapshot(feed_body: bytes) -> Snapshot:
    url = "http://f.test/"
    html = ('<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
            f"</head><body><p>{WORDS}</p></body></html>").encode()
    home = Fetched(url, url, 200, {"content-type": "text/html"}, html)
    snap = Snapshot("s", "kelurahan", "s", "K", url, NOW, home=home)
    snap.extra["http://f.test/feed/"] = Fetched("http://f.test/feed/", "http://f.test/feed/",
                                                200, {}, feed_body)
    return snap


def test_a_feed_is_read_once_per_response_and_again_when_it_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[bytes] = []
    real = freshness_check.READERS["feed"]

    def counting(fetched: Fetched, now: datetime) -> Any:
        reads.append(fetched.body)
        return real(fetched, now)

    monkeypatch.setitem(freshness_check.READERS, "feed", counting)
    check = FreshnessCheck()
    snap = freshness_snapshot(feed([3, 10]))
    check.plan(snap)
    first = check.run(snap, {})
    assert len(reads) == 1 and first.last_update == (NOW - timedelta(days=3)).date().isoformat()
    snap.extra["http://f.test/feed/"] = Fetched("http://f.test/feed/", "http://f.test/feed/",
                                                200, {}, feed([1]))
    second = check.run(snap, {})
    assert len(reads) == 2 and second.last_update == (NOW - timedelta(days=1)).date().isoformat()
    snap.extra["http://f.test/feed/"].body = feed([2])  # the same response, changed
    third = check.run(snap, {})
    assert len(reads) == 3 and third.last_update == (NOW - timedelta(days=2)).date().isoformat()
    later = dataclasses.replace(snap, taken_at=NOW + timedelta(days=400))
    check.run(later, {})  # another moment: read again (what is plausible depends on it)
    assert len(reads) == 4


def test_a_home_page_links_are_read_once_per_response(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(doc: Any, base: str, wordpress: bool) -> str | None:
        calls.append(base)
        return feed_url(doc, base, wordpress)

    monkeypatch.setattr(kept, "feed_url", counting)
    check = FreshnessCheck()
    snap = freshness_snapshot(feed([2]))
    assert [r.url for r in check.plan(snap)] == []  # the feed is in, and it dates the site
    check.plan(snap)
    assert check.run(snap, {}).last_update_source == "feed"
    assert calls == ["http://f.test/"]
    moved = Fetched("http://f.test/", "http://g.test/", 200, {}, snap.home.body if snap.home
                    else b"")
    assert check.plan(dataclasses.replace(snap, home=moved)) != []  # its feed is elsewhere
    assert calls == ["http://f.test/", "http://g.test/"]
