"""Cloaking by visitor profile, spam hidden where the page's own markup does not show it, and
new search-console verification tags, through the loopback fleet.

The CLI sweep (`monitor check` + `monitor export`) covers the scripted sites of
tests/fleet_content.py; the tests that need real host names (a phone sent to the site's own
``m.`` host) run the sweeper with an injected resolver, as discovery's tests do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_sweep import sweep_and_export
from fleet_content import (
    GAMBLING_TARGET,
    HONEST_ANTI_JUDI,
    OFFSITE_TARGET,
    content_sites,
    kelurahan_page,
)

from monitor.core.clock import JAKARTA
from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.report import build_week
from monitor.report.render import render_kecamatan
from monitor.store import Store
from monitor.sweep.result import SiteResult
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

NAMES = ("cloak_phone_redirect", "cloak_phone_offsite", "cloak_phone_content",
         "cloak_phone_script", "cloak_phone_refresh", "spam_script_src", "honest_js_redirect",
         "honest_phone_own_path", "spam_after_html", "spam_stylesheet_hidden",
         "honest_stylesheet_hidden", "honest_anti_judi", "honest_kelurahan", "spam_cloaked")
Swept = tuple[dict[str, Any], dict[str, Any], Fleet]


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swept]:
    tmp = tmp_path_factory.mktemp("profiles")
    fleet = Fleet([s for s in content_sites() if s.name in NAMES])
    fleet.start()
    try:
        records, db = sweep_and_export(fleet, tmp, timeout=5, concurrency=10,
                                       env={"MONITOR_RETRY_PAUSE": "0.1"})
        findings = {site.code: result.findings for site, result in
                    Store.open(db).latest_results() if result is not None}
        yield records, findings, fleet
    finally:
        fleet.stop()


def _content(findings: dict[str, Any], name: str) -> dict[str, Any]:
    content = findings[name]["content"]
    assert isinstance(content, dict)
    return content


def _rules(content: dict[str, Any]) -> set[str]:
    return {m["rule"] for m in content["matches"]}


def test_phone_from_google_sent_to_a_gambling_site(swept: Swept) -> None:
    records, findings, fleet = swept
    assert records["cloak_phone_redirect"]["content_flags"] == ["judi_spam"]
    assert records["cloak_phone_redirect"]["available"] is True  # the admin sees a fine site
    content = _content(findings, "cloak_phone_redirect")
    match = next(m for m in content["matches"] if m["rule"] == "judi:cloaking-redirect")
    assert "phone browser arriving from a Google search" in match["where"]
    assert GAMBLING_TARGET in match["text"]
    assert content["profiles"]["phone_google"]["redirect"] == GAMBLING_TARGET
    # the redirect was not followed: one request per profile, none to the gambling site
    site = fleet.sites["cloak_phone_redirect"]
    phone = [r for r in site.requests if "Mobile" in r.user_agent]
    assert len(phone) == 1 and phone[0].headers["referer"] == "https://www.google.com/"
    assert any("phone browser" in e["text"] for e in content["evidence"])


def test_phone_from_google_sent_off_the_site(swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records["cloak_phone_offsite"]["content_flags"] == ["judi_spam"]
    match = _content(findings, "cloak_phone_offsite")["matches"][0]
    assert match["rule"] == "judi:cloaking-redirect"
    assert OFFSITE_TARGET in match["text"] and "off the site" in match["text"]


def test_spam_shown_only_to_phones(swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records["cloak_phone_content"]["content_flags"] == ["judi_spam"]
    content = _content(findings, "cloak_phone_content")
    assert content["cloaked"] is True
    cloak = next(m for m in content["matches"] if m["rule"] == "judi:cloaking")
    assert cloak["where"].startswith("a phone browser arriving from a Google search only")
    assert "slot" in cloak["text"].lower()


@pytest.mark.parametrize(("name", "how", "target"), [
    ("cloak_phone_script", "script", "https://link-gacor.example/daftar"),
    ("cloak_phone_refresh", "meta refresh", "http://promo-kilat.example/"),
])
def test_phone_only_page_that_sends_the_browser_on(swept: Swept, name: str, how: str,
                                                   target: str) -> None:
    records, findings, _fleet = swept
    assert records[name]["content_flags"] == ["judi_spam"]
    match = next(m for m in _content(findings, name)["matches"]
                 if m["rule"] == "judi:cloaking-redirect")
    assert f"({how})" in match["where"] and "phone browser" in match["where"]
    assert target in match["text"]


def test_a_script_from_a_gambling_host(swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records["spam_script_src"]["content_flags"] == ["judi_spam"]
    match = _content(findings, "spam_script_src")["matches"][0]
    assert match["rule"] == "judi:script" and "slot88-cdn.example" in match["text"]


def test_honest_sites_stay_clean_for_every_profile(swept: Swept) -> None:
    records, findings, _fleet = swept
    for name in ("honest_phone_own_path", "honest_anti_judi", "honest_kelurahan",
                 "honest_stylesheet_hidden", "honest_js_redirect"):
        assert records[name]["content_flags"] == [], _content(findings, name)["matches"]
    own = _content(findings, "honest_phone_own_path")["profiles"]["phone_google"]
    assert own["status"] == 302 and own["redirect"].endswith("/m/")


def test_googlebot_cloaking_still_found_without_following_redirects(swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records["spam_cloaked"]["content_flags"] == ["judi_spam"]
    content = _content(findings, "spam_cloaked")
    assert any(m["rule"] == "judi:cloaking" and "Googlebot" in m["where"]
               for m in content["matches"])


def test_links_after_the_closing_html_tag(swept: Swept) -> None:
    records, findings, _fleet = swept
    assert records["spam_after_html"]["content_flags"] == ["judi_spam"]
    after = [m for m in _content(findings, "spam_after_html")["matches"]
             if m["rule"] == "judi:after-html"]
    assert after and after[0]["where"] == "link after </html>"
    assert "https://agen-bola.example/" in after[0]["text"]


def test_spam_hidden_by_a_class_in_the_sites_own_stylesheet(swept: Swept) -> None:
    records, findings, fleet = swept
    assert records["spam_stylesheet_hidden"]["content_flags"] == ["judi_spam"]
    hidden = next(m for m in _content(findings, "spam_stylesheet_hidden")["matches"]
                  if m["rule"] == "judi:hidden-block")
    css_url = fleet.url("spam_stylesheet_hidden") + "assets/theme.css"
    assert ".ft-partner" in hidden["where"] and css_url in hidden["where"]
    assert "slot gacor" in hidden["text"].lower()
    # the content and mobile checks share one fetch of the stylesheet
    sheets = [r for r in fleet.sites["spam_stylesheet_hidden"].requests
              if r.path == "/assets/theme.css"]
    assert len(sheets) == 1


def test_the_same_words_unhidden_are_not_spam() -> None:
    """Control for the stylesheet test: without the hiding rule the page is clean."""
    from monitor.checks.content.check import ContentCheck
    from monitor.core.snapshot import Fetched, Snapshot

    page = kelurahan_page(footer='<div class="ft-partner"><p>Bocoran slot gacor dari mitra '
                                 "kami.</p></div>")
    url = "https://kaliawi.example.go.id/"
    home = Fetched(url=url, final_url=url, status_code=200,
                   headers={"content-type": "text/html"}, body=page.encode())
    snap = Snapshot("x", "kelurahan", "x", "x", url, datetime.now(UTC),
                    home=home)
    assert ContentCheck().run(snap, {}).flags == []


# -- named hosts: the site's own m. host -----------------------------------------------------

def _sweep_named(fleet: Fleet, url: str, routes: dict[str, str]) -> SiteResult:
    """Sweep one target by name, each host name routed to a fleet site's address."""
    def resolver(host: str, port: int) -> tuple[str, int] | None:
        name = routes.get(host)
        return (fleet.sites[name].host, fleet.sites[name].port) if name else None

    async def run() -> SiteResult:
        sweeper = Sweeper(SweepOptions(timeout=5, retry_pause=0.1), resolver=resolver)
        target = Target("18.71.01.1001", "kelurahan", "Sukarame", "Sukarame", url, ())
        return [r async for r in sweeper.run([target])][0]

    return asyncio.run(run())


def _outcome(result: SiteResult, name: str) -> dict[str, Any]:
    return next(o.data for o in result.outcomes if o.name == name)


def test_a_phone_sent_to_the_sites_own_m_host_is_honest() -> None:
    def route(request: FleetRequest) -> Page:
        if "Mobile" in request.user_agent:
            port = request.headers["host"].rsplit(":", 1)[1]
            return Page(status=302, headers={"Location": f"http://m.sukarame.example.go.id:"
                                                         f"{port}/"})
        return Page(body=kelurahan_page())

    with Fleet([FleetSite("www", {"/": route})]) as fleet:
        port = fleet.sites["www"].port
        result = _sweep_named(fleet, f"http://www.sukarame.example.go.id:{port}/",
                              {"www.sukarame.example.go.id": "www"})
    content = _outcome(result, "content")
    assert content["flags"] == []
    assert content["profiles"]["phone_google"]["redirect"].startswith("http://m.sukarame.")


# -- search-console verification tags --------------------------------------------------------

def test_a_new_verification_tag_is_a_warning_with_evidence(tmp_path: Path) -> None:
    tags = ['<meta name="google-site-verification" content="OWNtoken123">']

    def route(_request: FleetRequest) -> Page:
        return Page(body=kelurahan_page(head="".join(tags)))

    with Fleet([FleetSite("tagged", {"/": route})]) as fleet:
        env = {"MONITOR_RETRY_PAUSE": "0.1"}
        records, db = sweep_and_export(fleet, tmp_path, timeout=5, concurrency=2, env=env)
        first = {site.code: result for site, result in Store.open(db).latest_results()}
        tags.append('<meta name="google-site-verification" content="attacker-XYZ">')
        tags.append('<meta name="msvalidate.01" content="BING42">')
        records, db = sweep_and_export(fleet, tmp_path, timeout=5, concurrency=2, env=env)
        second = {site.code: result for site, result in Store.open(db).latest_results()}
    before = first["tagged"]
    assert before is not None and second["tagged"] is not None
    assert before.findings["content"]["verification"] == {"google": ["OWNtoken123"],
                                                           "bing": [], "yandex": []}
    assert before.findings["content"]["verification_new"] == []  # a first sweep: nothing new
    content = second["tagged"].findings["content"]
    assert content["verification"] == {"google": ["OWNtoken123", "attacker-XYZ"],
                                       "bing": ["BING42"], "yandex": []}
    new = {(e["engine"], e["token"]) for e in content["verification_new"]}
    assert new == {("google", "attacker-XYZ"), ("bing", "BING42")}
    assert records["tagged"]["content_flags"] == []  # a warning, not a content flag
    evidence = [e for e in content["evidence"] if e["rule"] == "verification:new-tag"]
    assert any("attacker-XYZ" in e["text"] and "google-site-verification" in e["text"]
               for e in evidence)
    # the week's report lists it as a problem with its evidence (not as a content flag)
    now = datetime.now(UTC)
    year, week, _day = now.astimezone(JAKARTA).isocalendar()
    _input, report = build_week(Store.open(db), year, week, lang="id", now=now)
    kec = report.kecamatan[0]
    site = next(s for s in kec.sites if s.code == "tagged")
    problem = next(p for p in site.problems if p.kind == "verification_tag")
    assert "bing, google" in problem.reason and site.content_flags == ()
    assert any("attacker-XYZ" in e.text for e in problem.evidence)
    html = render_kecamatan(report, kec)
    assert "attacker-XYZ" in html and "Tag verifikasi mesin pencari baru" in html


def test_honest_anti_gambling_article_is_clean_for_phones_too() -> None:
    from monitor.checks.content.check import ContentCheck, profile_request
    from monitor.checks.content.profiles import GOOGLEBOT, PHONE_GOOGLE
    from monitor.core.snapshot import Fetched, Snapshot

    url = "https://kedaton.example.go.id/"
    page = Fetched(url=url, final_url=url, status_code=200,
                   headers={"content-type": "text/html"}, body=HONEST_ANTI_JUDI.encode())
    snap = Snapshot("x", "kelurahan", "x", "x", url, datetime.now(UTC),
                    home=page)
    for profile in (PHONE_GOOGLE, GOOGLEBOT):
        snap.extra[profile_request(profile, snap).key] = page
    assert ContentCheck().run(snap, {}).flags == []


def test_a_hostile_stylesheet_does_not_stall_the_check() -> None:
    """A long run without braces once made the rule regex backtrack for minutes."""
    import time

    from monitor.checks.content.check import ContentCheck
    from monitor.checks.content.injected import stylesheet_requests
    from monitor.core.snapshot import Fetched, Snapshot

    url = "https://kaliawi.example.go.id/"
    page = kelurahan_page(head='<link rel="stylesheet" href="/t.css">',
                          footer='<div class="x">bocoran slot gacor</div>')
    home = Fetched(url=url, final_url=url, status_code=200,
                   headers={"content-type": "text/html"}, body=page.encode())
    snap = Snapshot("x", "kelurahan", "x", "x", url, datetime.now(UTC), home=home)
    hostile = "}}}{{{ @media { body { font-size: 4" + "{" * 5000 + " .x { left: -9999px }" \
        + " @media screen and (max-width:" + "a" * 100_000
    [request] = stylesheet_requests(snap)
    snap.extra[request.key] = Fetched(url=request.url, final_url=request.url, status_code=200,
                                      headers={"content-type": "text/css"},
                                      body=hostile.encode())
    start = time.perf_counter()
    finding = ContentCheck().run(snap, {})
    assert time.perf_counter() - start < 5
    assert finding.flags == ["judi_spam"]  # ".x { left: -9999px }" is still read


def test_news_naming_the_sellers_keywords_is_not_a_landing_page() -> None:
    """Quoted keywords are named, not sold; unquoted, several anti words ("Kominfo",
    "pemblokiran") raise the bar to six sellers' phrases. A real landing page passes both."""
    from fleet_content import HONEST_CSIRT_NEWS, SPAM_LANDING
    from test_content import judge

    assert judge(HONEST_CSIRT_NEWS).flags == []
    unquoted = HONEST_CSIRT_NEWS.replace('"', "").replace("\u201c", "").replace("\u201d", "")
    assert judge(unquoted).flags == []
    assert judge(SPAM_LANDING).flags == ["judi_spam"]
    assert judge(SPAM_LANDING.replace("</body>", "<p>Bukan situs Kominfo, stop "
                                      "pemblokiran.</p></body>")).flags == ["judi_spam"]


def test_a_new_tag_stays_a_week_then_is_part_of_the_site() -> None:
    """The weekly report reads the week's last result: the warning is carried for 8 days."""
    from datetime import timedelta

    from monitor.checks.content.check import ContentCheck
    from monitor.core.snapshot import Fetched, PreviousFinding, Snapshot

    url = "https://kaliawi.example.go.id/"
    page = kelurahan_page(head='<meta name="yandex-verification" content="YX1">')
    now = datetime.now(UTC)

    def judge_after(carried: list[dict[str, str]]) -> list[dict[str, str]]:
        home = Fetched(url=url, final_url=url, status_code=200,
                       headers={"content-type": "text/html"}, body=page.encode())
        snap = Snapshot("x", "kelurahan", "x", "x", url, now, home=home)
        snap.previous["content"] = PreviousFinding(now - timedelta(hours=6), {
            "verification": {"google": [], "bing": [], "yandex": ["YX1"]},
            "verification_new": carried})
        return ContentCheck().run(snap, {}).verification_new

    seen = {"engine": "yandex", "token": "YX1", "url": url}
    assert judge_after([]) == []  # on the page at the sweep before: nothing new
    fresh = [{**seen, "first_seen": (now - timedelta(days=3)).isoformat()}]
    assert judge_after(fresh) == fresh
    old = [{**seen, "first_seen": (now - timedelta(days=9)).isoformat()}]
    assert judge_after(old) == []


def test_text_after_html_without_links_and_honest_trailers() -> None:
    from test_content import judge

    trailer = kelurahan_page() + "\n<!-- page cached 0.02s -->\n<script>var a=1;</script>\n"
    assert judge(trailer).flags == []
    text = kelurahan_page() + "\n<p>situs slot gacor hari ini maxwin</p>\n"
    finding = judge(text)
    assert finding.flags == ["judi_spam"]
    assert any(m.rule == "judi:after-html" and m.where == "text after </html>"
               for m in finding.matches)
