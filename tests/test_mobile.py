"""The static mobile audit: Lighthouse's corpus pages get the expected verdict, every fleet
site gets exactly its issues (with evidence) through a real sweep, hostile CSS cannot hurt,
and the score/verdict rules hold. No browser here (see test_browser.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import shared_paths
from fleet_mobile import MOBILE, mobile_sites

from monitor.checks.mobile import taps as mobile_taps
from monitor.checks.mobile.check import BLOCKING, WEIGHTS, MobileCheck
from monitor.checks.mobile.css import MAX_RULES, StyleSheets, media_applies
from monitor.checks.mobile.result import Mobile
from monitor.core.snapshot import Fetched, Snapshot
from monitor.demo.fleet import Fleet
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

CORPUS = shared_paths.CORPUS / "mobile"
MANIFEST = [e for e in json.loads((CORPUS / "manifest.json").read_text())
            if e["expected_mobile_friendly"] is not None]
BASE = "http://corpus.test/seo/"
# Pages whose expected verdict the static audit cannot reach, and why (asserted below).
STATIC_BLIND = {
    "seo-tap-targets.html": "tap targets need layout; only the browser audit measures them",
    "dbw_tester.html": "its script swaps width=2899 for device-width on load",
}
CHECK = MobileCheck()


def snapshot_of(html: bytes, files: dict[str, bytes] | None = None,
                browser: dict[str, Any] | None = None) -> Snapshot:
    """A snapshot as the sweep would build it: home page, then the CSS the check planned."""
    home = Fetched(BASE, final_url=BASE, status_code=200,
                   headers={"content-type": "text/html"}, body=html)
    snap = Snapshot("18.71.01.1001", "kelurahan", "Contoh", "Uji", BASE,
                    datetime.now(UTC), home=home, browser=browser)
    for request in CHECK.plan(snap):
        name = request.url.rsplit("/", 1)[-1].split("?")[0]
        body = (files or {}).get(name)
        snap.extra[request.key] = Fetched(request.url, final_url=request.url,
                                          status_code=200 if body is not None else 404,
                                          body=body or b"")
    return snap


def corpus_snapshot(name: str) -> Snapshot:
    files = {p.name: p.read_bytes() for p in CORPUS.glob("*.css")}
    return snapshot_of((CORPUS / name).read_bytes(), files)


def judge(snap: Snapshot) -> Mobile:
    return CHECK.run(snap, {})


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_corpus_page_static_verdict(entry: dict[str, Any]) -> None:
    found = judge(corpus_snapshot(entry["file"]))
    if entry["file"] not in STATIC_BLIND:
        assert found.mobile_friendly is entry["expected_mobile_friendly"], found.mobile_issues
    elif entry["file"] == "dbw_tester.html":
        assert found.mobile_issues == ["viewport_not_device_width"]
        assert "width=2899" in found.evidence[0].text
    else:
        assert found.mobile_friendly is True and "small_tap_targets" not in found.mobile_issues


def audit_passes(audit: str, issues: list[str]) -> bool:
    """Our issues mapped onto the Lighthouse audit a corpus page asserts."""
    viewport_ok = not {"no_viewport", "viewport_not_device_width"} & set(issues)
    return {"viewport": viewport_ok,
            "font-size": viewport_ok and "small_text" not in issues,  # LH fails it w/o viewport
            "content-width": not {"horizontal_scroll", "fixed_width_layout"} & set(issues),
            "tap-targets": "small_tap_targets" not in issues}[audit]


def test_corpus_static_agreement_per_asserted_audit() -> None:
    agree = total = 0
    for entry in MANIFEST:
        issues = judge(corpus_snapshot(entry["file"])).mobile_issues
        for audit, score in entry["audits_asserted"].items():
            if audit == "tap-targets":
                continue  # layout only: browser audit
            total += 1
            agree += audit_passes(audit, issues) is (score >= 0.9)
    # Only dbw_tester's script-set viewport is out of the static audit's reach.
    assert (agree, total) == (11, 12)


def test_font_size_page_sits_just_above_lighthouse_60_percent() -> None:
    found = judge(corpus_snapshot("font-size.html"))
    # 28 legible characters (the h2) against 18 small ones: 60.9%, hidden text not counted.
    assert found.legible_share == pytest.approx(28 / 46)
    assert "small_text" not in found.mobile_issues
    assert found.css_read == [BASE + "font-size-styles.css"]


def test_plugins_are_found_as_lighthouse_finds_them() -> None:
    found = judge(corpus_snapshot("seo-failure-cases.html"))
    texts = [e.text for e in found.evidence if e.rule.startswith("plugin_content")]
    assert any("<applet" in t for t in texts) and any("shockwave-flash" in t for t in texts)
    passing = judge(corpus_snapshot("seo-tester.html"))  # <object type=application/pdf>
    assert "plugin_content" not in passing.mobile_issues


@pytest.fixture(scope="module")
def static_sweep() -> dict[str, Mobile]:
    """One real sweep (static audit) of every mobile fleet site."""
    with Fleet(mobile_sites()) as fleet:
        targets = [Target(name, "kelurahan", name, "Uji", fleet.url(name), ())
                   for name in fleet.sites]
        sweeper = Sweeper(SweepOptions(timeout=5, retry_pause=0.1))

        async def go() -> dict[str, Mobile]:
            out = {}
            async for result in sweeper.run(targets):
                outcome = next(o for o in result.outcomes if o.name == "mobile")
                assert outcome.ok, outcome.failure
                out[result.code] = Mobile(**outcome.data)
            return out

        return asyncio.run(go())


@pytest.mark.parametrize("name", sorted(MOBILE))
def test_fleet_site_static_issues(static_sweep: dict[str, Any], name: str) -> None:
    found = static_sweep[name]
    expected = MOBILE[name][0]
    assert sorted(found.mobile_issues) == sorted(expected)
    assert found.mobile_friendly is not bool(BLOCKING & set(expected))
    assert found.mobile_score == max(0, 100 - sum(WEIGHTS[i] for i in expected))
    for issue in expected:  # each issue with its evidence
        assert any(e["rule"].startswith(issue) for e in found.evidence), issue


def test_fixed_width_evidence_names_the_rule_and_file(static_sweep: dict[str, Any]) -> None:
    evidence = static_sweep["fixed_width"].evidence[0]
    assert evidence["text"].startswith("#wrapper { width: 1000px }")
    assert evidence["url"].endswith("/style.css")


def test_unreachable_or_missing_site_is_not_judged() -> None:
    snap = snapshot_of(b"")
    snap.home = Fetched(BASE, error="timeout")
    assert judge(snap).fields() == {"mobile_friendly": None, "mobile_score": None,
                                    "mobile_issues": []}
    snap.home = None
    assert judge(snap).mobile_friendly is None


def test_plan_asks_for_at_most_four_capped_stylesheets() -> None:
    links = "".join(f'<link rel="stylesheet" href="/s{i}.css">' for i in range(9))
    html = (f'<html><head>{links}<link rel="stylesheet" media="print" href="/p.css">'
            '<link rel="alternate stylesheet" href="/alt.css"></head></html>').encode()
    home = Fetched(BASE, final_url=BASE, status_code=200, body=html)
    snap = Snapshot("x", "kelurahan", "x", "x", BASE, datetime.now(UTC), home=home)
    wanted = CHECK.plan(snap)
    assert [r.url for r in wanted] == [f"http://corpus.test/s{i}.css" for i in range(4)]
    assert all(r.max_bytes == 300_000 for r in wanted)


def test_media_queries_as_a_360px_phone_sees_them() -> None:
    assert media_applies("screen and (max-width: 768px)")
    assert not media_applies("(min-width: 1200px)")
    assert not media_applies("print")
    assert media_applies("(max-width: 40em)") and not media_applies("(max-width: 20em)")
    assert media_applies("print, screen and (max-width: 480px)")


def test_hostile_css_is_capped_and_never_raises() -> None:
    sheets = StyleSheets()
    evil = ("}" * 10_000 + "{" * 10_000 + "@media (max-width:" * 1000
            + ".a{width:2000px}" * 30_000 + "/* never closed")
    sheets.add(evil, "evil.css")
    sheets.add(".b { font-size: 1px }", "second.css")
    assert len(sheets.rules) <= MAX_RULES  # reading stops at the cap
    assert sheets.sources == ["evil.css", "second.css"]


def test_unfetched_css_does_not_count_as_unresponsive() -> None:
    html = (b'<html><head><meta name="viewport" content="width=device-width">'
            b'<link rel="stylesheet" href="gone.css"></head><body><p>Teks</p></body></html>')
    found = judge(snapshot_of(html))
    assert found.mobile_issues == [] and found.css_missing == [BASE + "gone.css"]
    assert any(e.rule == "css-not-read" for e in found.evidence)


@pytest.mark.parametrize("case", json.loads((CORPUS / "content_width_cases.json").read_text())
                         ["cases"], ids=lambda c: c["reason"])
def test_content_width_rule(case: dict[str, Any]) -> None:
    html = b'<html><head><meta name="viewport" content="width=device-width"></head></html>'
    measured = {"inner_width": case["innerWidth"], "outer_width": case["outerWidth"],
                "scroll_width": case["innerWidth"], "client_width": case["innerWidth"],
                "viewport_content": "width=device-width", "text": {}, "error": None}
    found = judge(snapshot_of(html, browser=measured))
    if case.get("expected_notApplicable"):
        assert case["formFactor"] == "desktop"  # we only ever audit as a phone
        return
    assert ("horizontal_scroll" not in found.mobile_issues) is bool(case["expected_score"])


def test_browser_failure_falls_back_to_static_with_a_note() -> None:
    html = b"<html><body><p>Tanpa viewport</p></body></html>"
    found = judge(snapshot_of(html, browser={"error": "TimeoutError: page hung"}))
    assert found.audit == "static" and found.mobile_issues == ["no_viewport"]
    assert any(e.rule == "browser-failed" for e in found.evidence)


def test_tap_target_geometry() -> None:
    small = mobile_taps.Target("kecil", None, ((0, 0, 100, 30),))
    big = mobile_taps.Target("besar", None, ((0, 30, 100, 100),))
    far = mobile_taps.Target("jauh", None, ((0, 400, 100, 30),))
    assert [f.target for f in mobile_taps.failures([small, big, far])] == ["kecil"]
    same = [mobile_taps.Target("a", "http://x/", ((0, 0, 10, 10),)),
            mobile_taps.Target("b", "http://x/", ((0, 12, 10, 10),))]
    assert mobile_taps.failures(same) == []
    assert mobile_taps.from_plain([{"rects": "garbage"}, {"rects": [[1, 2, 3, 4]]}])[0].rects \
        == ((1.0, 2.0, 3.0, 4.0),)


def test_descendant_rules_size_the_text_they_target() -> None:
    """``.footer a`` shrinks only the footer's links; 3,000 rules do not confuse it
    (speed on such a page is measured in benchmarks/mobile.py, not here)."""
    noise = "".join(f".c{i} a {{ font-size: 8px }}\n" for i in range(3000))
    css = noise + ".footer a { font-size: 9px } .footer .big { font-size: 14px }"
    links = "".join(f'<a href="/p{i}">Tautan nomor {i}</a>' for i in range(50))
    html = ('<html><head><meta name="viewport" content="width=device-width">'
            '<link rel="stylesheet" href="s.css"></head><body>'
            f'<p>{"Isi halaman utama kelurahan. " * 10}</p>'
            f'<div class="footer">{links}<a class="big">Kontak</a></div></body></html>').encode()
    found = judge(snapshot_of(html, {"s.css": css.encode()}))
    small = sum(len(f"Tautan nomor {i}") for i in range(50))
    total = small + len(("Isi halaman utama kelurahan. " * 10).strip()) + len("Kontak")
    assert found.legible_share == pytest.approx((total - small) / total)
    assert "small_text" in found.mobile_issues
    assert "9.0px 'Tautan nomor 0'" in found.evidence[0].text

def test_check_and_export_carry_the_mobile_fields(run_cli: Any, write_targets: Any) -> None:
    with Fleet([s for s in mobile_sites() if s.name in ("mobile_ok", "fixed_width")]) as fleet:
        path = write_targets(
            [{"code": "18.71.01", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
            + [{"code": f"18.71.01.100{i}", "level": "kelurahan", "name": name,
                "kecamatan": "Uji", "url": fleet.url(name)}
               for i, name in enumerate(fleet.sites)])
        assert run_cli("check", "--targets", str(path), "--timeout", "5").code == 0
    out = run_cli("export", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out.out)}
    assert rows["mobile_ok"]["mobile_friendly"] is True
    assert rows["mobile_ok"]["mobile_score"] == 100
    assert rows["fixed_width"]["mobile_friendly"] is False
    assert rows["fixed_width"]["mobile_issues"] == ["fixed_width_layout", "no_responsive_css"]
    assert rows["Uji"]["mobile_friendly"] is None and rows["Uji"]["mobile_issues"] == []
