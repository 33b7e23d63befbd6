"""Content health (issue 5): hacked, placeholder, suspended, empty and defaced sites.

Unit tests judge hand-made snapshots (fast, one rule at a time); the fleet tests at the end
sweep the scripted sites of tests/fleet_content.py, and the real Indonesian pages of the
shared corpus, through `monitor check` and `monitor export` as an operator would.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import shared_paths
from cli_sweep import sweep_and_export
from fleet_content import (
    CONTENT_FLAGS,
    SPAM_LANDING,
    content_sites,
    kelurahan_page,
)

from monitor.checks.content.check import CRAWLER_UA, ContentCheck, ContentHealth, crawler_request
from monitor.checks.content.profiles import PHONE_UA
from monitor.checks.content.vocab import vocabulary
from monitor.core.errors import ConfigError
from monitor.core.snapshot import Fetched, Snapshot
from monitor.demo.fleet import Fleet, FleetSite, Page

URL = "https://sukarame.bandarlampungkota.go.id/"
CORPUS_ID = shared_paths.CORPUS / "id"
CHECK = ContentCheck()
Swept = tuple[dict[str, Any], dict[str, Any], Fleet]  # export records, findings, the fleet


def fetched(html: str | bytes, status: int = 200, url: str = URL,
            content_type: str = "text/html; charset=utf-8",
            redirects: list[tuple[int, str]] | None = None) -> Fetched:
    body = html.encode() if isinstance(html, str) else html
    return Fetched(url=url, final_url=url, status_code=status,
                   headers={"content-type": content_type}, body=body,
                   redirects=redirects or [])


def snapshot(home: Fetched | None, crawler: Fetched | None = None) -> Snapshot:
    snap = Snapshot("18.71.01.1001", "kelurahan", "Sukarame", "Sukarame", URL,
                    datetime.now(UTC), home=home)
    if crawler is not None:
        snap.extra[crawler_request(URL).key] = crawler
    return snap


def judge(html: str | bytes, status: int = 200, options: dict[str, Any] | None = None,
          **kwargs: Any) -> ContentHealth:
    return CHECK.run(snapshot(fetched(html, status, **kwargs)), options or {})


def rules(finding: ContentHealth) -> set[str]:
    return {m.rule for m in finding.matches}


# -- judi_spam: honest pages ---------------------------------------------------------------

def test_slot_waktu_pelayanan_is_not_spam() -> None:
    page = kelurahan_page(body="<p>Ambil slot antrian online. Slot waktu pelayanan 08.00. "
                               "Daftar slot antrian di loket; slot vaksin tersedia.</p>")
    assert judge(page).flags == []


def test_news_against_gambling_is_not_spam() -> None:
    page = kelurahan_page(body="""<h2>Satgas berantas judi online</h2><p>Polisi menangkap
    bandar togel; warga diminta waspada slot online dan situs judi.</p>
    <a href="https://news.example/polisi-tangkap-bandar-togel-dan-judi-online-di-kedaton">
    Polisi tangkap bandar togel dan judi online di Kedaton</a>""")
    assert judge(page).flags == []


def test_one_gambling_word_is_never_enough() -> None:
    assert judge(kelurahan_page(body="<p>Lomba burung gacor di lapangan Enggal.</p>")).flags \
        == []
    hidden_menu = kelurahan_page(body='<div style="display:none"><a href="/poker">Poker '
                                      'club RW 02</a></div>')
    assert judge(hidden_menu).flags == []


def test_honest_words_in_hidden_tabs_are_not_spam() -> None:
    tabs = kelurahan_page(body="""<div class="tab" style="display:none"><h3>Bansos</h3><p>BLT
    disalurkan tanpa potongan; buat akun pro di aplikasi antrian.</p></div>
    <div class="tab" style="display:none"><h3>Berita</h3><p>Polres ungkap kasus judi online
    dan togel di Teluk Betung.</p></div>""")
    assert judge(tabs).flags == []


def test_own_site_links_with_gambling_words_are_not_foreign_spam() -> None:
    page = kelurahan_page(body='<a href="/berita/bahaya-slot-online">Slot online</a>')
    assert judge(page).flags == []


# -- judi_spam: hacked pages -----------------------------------------------------------------

def test_hidden_block_of_spam_links_is_flagged_with_its_place_and_text() -> None:
    page = kelurahan_page(footer='<div id="ft" style="display: none">'
                                 '<a href="https://x.example/">slot gacor</a> '
                                 '<a href="https://y.example/">togel online</a></div>')
    finding = judge(page)
    assert finding.flags == ["judi_spam"]
    hidden = next(m for m in finding.matches if m.rule == "judi:hidden-block")
    assert "display:none" in hidden.where and "div#ft" in hidden.where
    assert "slot gacor" in hidden.text and "slot gacor" in hidden.terms
    assert hidden.url == URL
    assert "judi:foreign-link" in rules(finding)
    assert any(e.rule == "judi:hidden-block" and "slot gacor" in e.text
               for e in finding.evidence)


@pytest.mark.parametrize("style", [
    "position:absolute;left:-9999px", "font-size:0px", "font-size: 1px", "visibility:hidden",
    "height:0;overflow:hidden", "text-indent:-5000px",
])
def test_every_hiding_trick_is_seen(style: str) -> None:
    page = kelurahan_page(body=f'<p style="{style}">situs slot gacor maxwin hari ini</p>')
    finding = judge(page)
    assert finding.flags == ["judi_spam"]
    assert "judi:hidden-block" in rules(finding)


def test_hiding_by_a_class_rule_in_a_style_block_is_seen() -> None:
    page = kelurahan_page(head="<style>.seo-x { position: absolute; left: -9999px }</style>",
                          body='<div class="seo-x">bocoran rtp slot gacor</div>')
    hidden = next(m for m in judge(page).matches if m.rule == "judi:hidden-block")
    assert ".seo-x" in hidden.where


def test_obfuscated_spam_is_still_read() -> None:
    page = kelurahan_page(body='<div hidden>ｓｌｏｔ ｇａｃｏｒ and s\u200blot88</div>')
    finding = judge(page)
    assert finding.flags == ["judi_spam"]
    assert {"slot gacor", "slot88"} <= set(finding.matches[0].terms)


def test_visible_spam_link_to_another_site() -> None:
    page = kelurahan_page(footer='<a href="https://hoki.example/">Slot88</a>')
    finding = judge(page)
    assert finding.flags == ["judi_spam"]
    link = next(m for m in finding.matches if m.rule == "judi:foreign-link")
    assert "https://hoki.example/" in link.text and "Slot88" in link.text


def test_spam_in_title_or_meta() -> None:
    finding = judge(kelurahan_page(title="Kelurahan Sukarame | SLOT GACOR Maxwin"))
    assert finding.flags == ["judi_spam"]
    assert finding.matches[0].where == "<title>"
    meta = judge(kelurahan_page(head='<meta name="keywords" content="rtp live, slot gacor">'))
    assert [m.where for m in meta.matches] == ["meta[keywords]"]


def test_whole_landing_page() -> None:
    finding = judge(SPAM_LANDING)
    assert finding.flags == ["judi_spam"]
    assert {"judi:title-meta", "judi:page-text"} <= rules(finding)


def test_redirect_to_a_gambling_domain() -> None:
    target = "https://slotgacor-maxwin.example/"
    finding = CHECK.run(snapshot(fetched("<html><body>Selamat datang</body></html>",
                                         url=target, redirects=[(302, target)])), {})
    assert finding.flags == ["judi_spam"]
    assert finding.matches[0].rule == "judi:redirect" and target in finding.matches[0].text


def test_admin_can_add_words(tmp_path: Path) -> None:
    extra = tmp_path / "judi_extra.toml"
    extra.write_text('[judi]\npromo = ["kasino kilat"]\n', encoding="utf-8")
    page = kelurahan_page(body='<div style="display:none">kasino kilat</div>')
    assert judge(page).flags == []
    assert judge(page, options={"spam_patterns_file": str(extra)}).flags == ["judi_spam"]


def test_a_broken_admin_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[judi]\npromo = "not a list"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml"):
        vocabulary(str(bad))
    with pytest.raises(ConfigError, match="cannot read"):
        vocabulary(str(tmp_path / "missing.toml"))


# -- cloaking ------------------------------------------------------------------------------

def test_plan_asks_for_the_page_as_a_phone_from_google_and_as_googlebot() -> None:
    """At most two extra requests, neither following redirects; asked once."""
    snap = snapshot(fetched(kelurahan_page()))
    wanted = list(CHECK.plan(snap))
    assert [(r.url, r.user_agent) for r in wanted] == [(URL, PHONE_UA), (URL, CRAWLER_UA)]
    assert dict(wanted[0].headers) == {"Referer": "https://www.google.com/"}
    assert not any(r.follow for r in wanted)
    for request in wanted:
        snap.extra[request.key] = fetched(kelurahan_page())
    assert list(CHECK.plan(snap)) == []
    assert list(CHECK.plan(snapshot(fetched("down", status=503)))) == []


def test_spam_shown_only_to_crawlers_is_cloaking() -> None:
    snap = snapshot(fetched(kelurahan_page()), crawler=fetched(SPAM_LANDING))
    finding = CHECK.run(snap, {})
    assert finding.flags == ["judi_spam"] and finding.cloaked
    cloak = finding.matches[0]
    assert cloak.rule == "judi:cloaking" and "Googlebot" in cloak.where
    assert "slot" in cloak.text.lower()


def test_same_honest_page_for_crawlers_is_clean() -> None:
    snap = snapshot(fetched(kelurahan_page()), crawler=fetched(kelurahan_page()))
    finding = CHECK.run(snap, {})
    assert finding.flags == [] and not finding.cloaked and finding.crawler_status == 200


def test_a_clean_page_is_compared_with_the_crawler_view_about_once_a_day() -> None:
    """Sweeps every 6 hours do not pay four identical Googlebot fetches a day; a page with
    any gambling word is compared every sweep."""
    from datetime import timedelta

    from monitor.core.snapshot import PreviousFinding

    def plan_after(hours: float, html: str) -> list[str]:
        snap = snapshot(fetched(html))
        checked = (snap.taken_at - timedelta(hours=hours)).isoformat()
        snap.previous["content"] = PreviousFinding(snap.taken_at - timedelta(hours=6),
                                                   {"crawler_checked_at": checked})
        return [r.user_agent or "" for r in CHECK.plan(snap)]

    # the phone arriving from Google is asked every sweep (one request), Googlebot daily
    assert plan_after(6, kelurahan_page()) == [PHONE_UA]
    assert plan_after(25, kelurahan_page()) == [PHONE_UA, CRAWLER_UA]
    assert plan_after(6, kelurahan_page(body="<p>Bonus slot gacor hari ini</p>")) \
        == [PHONE_UA, CRAWLER_UA]
    # the time of the last comparison is carried forward while no new one is made
    snap = snapshot(fetched(kelurahan_page()))
    snap.previous["content"] = PreviousFinding(snap.taken_at, {"crawler_checked_at": "x"})
    assert CHECK.run(snap, {}).crawler_checked_at == "x"
    snap.extra[crawler_request(URL).key] = fetched(kelurahan_page())
    assert CHECK.run(snap, {}).crawler_checked_at == snap.taken_at.isoformat()


# -- placeholders, suspension, defacement, empty ----------------------------------------------

@pytest.mark.parametrize("name", ["default_nginx", "default_apache", "default_iis",
                                  "default_litespeed", "default_index_of",
                                  "default_wordpress", "default_coming_soon", "defaced",
                                  "empty_page"])
def test_signature_pages(name: str) -> None:
    site = next(s for s in content_sites() if s.name == name)
    route = site.routes["/"]
    assert isinstance(route, Page)
    finding = judge(route.body if isinstance(route.body, str) else route.body.decode())
    assert finding.flags == CONTENT_FLAGS[name]
    assert finding.matches and all(m.text for m in finding.matches)


def test_suspension_page_is_read_even_with_403() -> None:
    body = ("<html><head><title>Website Ditangguhkan</title></head><body><h1>Akun hosting "
            "ini telah ditangguhkan</h1><p>Hubungi Rumahweb.</p></body></html>")
    finding = judge(body, status=403)
    assert finding.flags == ["suspended"]
    provider = next(m for m in finding.matches if m.rule == "suspended:provider")
    assert "rumahweb" in provider.terms


def test_cpanel_suspended_page_by_its_address() -> None:
    url = URL + "cgi-sys/suspendedpage.cgi"
    finding = CHECK.run(snapshot(fetched("<html><body>Suspended</body></html>", url=url,
                                         redirects=[(302, url)])), {})
    assert finding.flags == ["suspended"]
    assert finding.matches[0].rule == "suspended:cpanel-url"


def test_a_wordpress_site_with_real_posts_is_not_fresh() -> None:
    posts = "".join(f'<article class="post hentry"><h2>Kegiatan {i}</h2><p>Isi kegiatan.</p>'
                    "</article>" for i in range(3))
    page = (f"<html><body>{posts}<article class='post hentry'><h2>Hello world!</h2><p>Welcome "
            "to WordPress. This is your first post. Edit or delete it.</p></article></body></html>")
    assert judge(page).flags == []


def test_placeholder_words_in_a_full_page_are_not_a_placeholder() -> None:
    page = kelurahan_page(body="<h2>Layanan surat online segera hadir</h2>" + "<p>Isi.</p>" * 5
                          + "<p>" + "Informasi kegiatan kelurahan. " * 60 + "</p>")
    assert judge(page).flags == []


def test_news_about_a_defacement_is_not_a_defacement() -> None:
    page = kelurahan_page(body="<h2>Situs dinas diretas, muncul tulisan hacked by</h2>"
                          + "<p>" + "Tim Diskominfotik memulihkan situs tersebut. " * 80 + "</p>")
    assert judge(page).flags == []


@pytest.mark.parametrize("page", [
    '<html><body><div id="root"></div><script src="/app.js"></script></body></html>',
    '<html><body><img src="/spanduk.jpg" alt=""></body></html>',
    '<html><head><meta http-equiv="refresh" content="0; url=/portal"></head><body></body></html>',
])
def test_pages_that_render_or_show_content_otherwise_are_not_empty(page: str) -> None:
    assert judge(page).flags == []


def test_empty_needs_a_2xx_page() -> None:
    assert judge("<html><body> </body></html>").flags == ["empty"]
    assert judge("", status=200).flags == ["empty"]
    assert judge("<html><body> </body></html>", status=500).flags == []


def test_non_html_and_no_response_are_not_judged() -> None:
    assert judge(b"%PDF-1.4 slot gacor", content_type="application/pdf").flags == []
    assert CHECK.run(snapshot(None), {}).flags == []
    no_answer = Fetched(url=URL, error="timeout")
    assert CHECK.run(snapshot(no_answer), {}).flags == []


def test_fields_fill_the_spec_export_field() -> None:
    finding = judge(SPAM_LANDING)
    assert finding.fields() == {"content_flags": ["judi_spam"]}


# -- hostile pages ---------------------------------------------------------------------------

def test_hostile_pages_do_not_crash_or_stall() -> None:
    deep = "<div>" * 20_000 + "slot gacor" + "</div>" * 20_000
    many_links = "".join(f'<a href="http://[bad{i}">x</a><a href="//h{i}.example/">y</a>'
                         for i in range(5_000))
    huge = "<p>" + "kata biasa " * 400_000 + "</p>"
    bad_spam_links = '<a href="http://[slot-gacor">slot gacor</a><a href="//:0/">togel</a>'
    for page in (deep, many_links, huge, bad_spam_links, b"\xff\xfe\x00<ht\x00ml>\x80\x81",
                 "<html><body><style>" + "{" * 50_000 + "</style></body></html>"):
        start = time.perf_counter()
        finding = judge(page)
        assert isinstance(finding.flags, list)
        assert time.perf_counter() - start < 5


# -- through the fleet, as an operator runs it -----------------------------------------------

def _corpus_sites() -> list[FleetSite]:
    return [FleetSite(f"corpus_id_{p.stem}", {"/": Page(body=p.read_bytes())})
            for p in sorted(CORPUS_ID.glob("*.html"))]


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swept]:
    """One `monitor check` + `monitor export` over every content site and corpus page."""
    from monitor.store import Store

    tmp = tmp_path_factory.mktemp("content")
    fleet = Fleet(content_sites() + _corpus_sites())
    fleet.start()
    try:
        records, db = sweep_and_export(fleet, tmp, timeout=5, concurrency=20,
                                       env={"MONITOR_RETRY_PAUSE": "0.1"})
        findings = {site.code: result.findings for site, result in
                    Store.open(db).latest_results() if result is not None}
        yield records, findings, fleet
    finally:
        fleet.stop()


@pytest.mark.parametrize("name", sorted(CONTENT_FLAGS))
def test_fleet_site_gets_its_flags(name: str, swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records[name]["content_flags"] == CONTENT_FLAGS[name], findings[name].get("content")


@pytest.mark.parametrize("page", sorted(p.stem for p in CORPUS_ID.glob("*.html")))
def test_real_indonesian_pages_are_not_flagged(
    page: str, swept: Swept
) -> None:
    records, findings, _fleet = swept
    assert records[f"corpus_id_{page}"]["content_flags"] == [], findings[f"corpus_id_{page}"]


def test_flagged_site_that_is_up_keeps_its_evidence(
    swept: Swept
) -> None:
    records, findings, fleet = swept
    assert records["spam_hidden_block"]["available"] is True
    content = findings["spam_hidden_block"]["content"]
    hidden = [m for m in content["matches"] if m["rule"] == "judi:hidden-block"]
    assert hidden and "slot gacor" in hidden[0]["text"]
    assert hidden[0]["url"] == fleet.url("spam_hidden_block")
    assert records["suspended_403"]["available"] is False  # judged by its body anyway


def test_cloaked_site_was_asked_as_googlebot(
    swept: Swept
) -> None:
    _records, findings, fleet = swept
    agents = [r.user_agent for r in fleet.sites["spam_cloaked"].requests if r.path == "/"]
    assert sum("Googlebot" in ua for ua in agents) == 1
    assert findings["spam_cloaked"]["content"]["cloaked"] is True
