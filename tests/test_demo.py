"""`monitor demo`, the first thing a new user runs: with no internet it sweeps the simulated
fleet across last week and writes a report whose headline counts match the demo's script."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from monitor.core.chromium import find_chromium
from monitor.core.clock import to_jakarta
from monitor.demo.run import AREAS, EXPECTED, EXPECTED_HEADLINE
from monitor.report.export import record
from monitor.report.i18n import t
from monitor.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from monitor.cli import main

    folder = tmp_path_factory.mktemp("demo") / "monitor-demo"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["demo", "--dir", str(folder)])
    return {"folder": folder, "out": out.getvalue(),
            "store": Store.open(f"sqlite:///{folder / 'monitor.db'}")}


def headline_cards(html: Path, lang: str = "id") -> dict[str, int]:
    """The numbers the written city report shows on top: its cards and its summary lines."""
    doc = lxml.html.fromstring(html.read_text(encoding="utf-8"))
    labels = {t(lang, key): key for key in ("with_site", "up", "needs_action", "aktif")}
    cards: dict[str, int] = {}
    for item in doc.xpath('(//ul[@class="cards"])[1]/li'):
        label = item.xpath('span[@class="d"]')[0].text_content().strip()
        number = item.xpath('span[@class="n"]')[0].text_content().split()[0]
        cards[labels[label]] = int(number)
    summary = " ".join(doc.xpath('//section[@class="tldr"]')[0].text_content().split())
    sentences = {"areas": t(lang, "tldr_areas", areas=999, websites=998),
                 "no_site": t(lang, "tldr_no_site", count=999),
                 "down": t(lang, "tldr_down", count=999)}
    for key, sentence in sentences.items():
        pattern = re.escape(sentence).replace("999", r"(\d+)").replace("998", r"\d+")
        match = re.search(pattern, summary)
        cards[key] = int(match.group(1)) if match else 0
    return cards


def test_demo_report_headline_matches_the_script(demo: dict[str, Any]) -> None:
    out = demo["out"]
    uri = re.search(r"(file://\S+/reports/(\d{4}-W\d\d)/index\.html)", out)
    assert uri, out
    city = Path(uri.group(1).removeprefix("file://"))
    assert city.is_file() and city.parent.parent == demo["folder"].resolve() / "reports"
    shown = headline_cards(city)
    assert shown == {k: v for k, v in EXPECTED_HEADLINE.items() if k in shown}
    assert set(shown) == {"with_site", "up", "needs_action", "aktif", "areas", "no_site",
                          "down"}
    kecamatan = sorted(p.name for p in city.parent.glob("kecamatan-*.html"))
    assert kecamatan == ["kecamatan-kedaton.html", "kecamatan-sukarame.html"]
    if find_chromium() is not None:  # the whole job: the PDFs an office files, too
        assert sorted(p.name for p in city.parent.glob("*.pdf")) == [
            "index.pdf", "kecamatan-kedaton.pdf", "kecamatan-sukarame.pdf"]


def test_demo_export_matches_the_script_site_by_site(demo: dict[str, Any]) -> None:
    rows = {r["code"]: r for r in (record(site, result)
                                   for site, result in demo["store"].latest_results())}
    assert set(rows) == {a.code for a in AREAS}
    for code, (available, activity, mobile, flags) in EXPECTED.items():
        row = rows[code]
        got = (row["available"], row["activity"], row["mobile_friendly"], row["content_flags"])
        assert got == (available, activity, mobile, flags), (code, row)
        if activity in ("aktif", "kurang_aktif", "tidak_aktif"):
            assert row["last_update_source"] == "feed" and row["last_update_evidence"]


def test_demo_sweeps_span_last_week_in_jakarta_time(demo: dict[str, Any]) -> None:
    sweeps = demo["store"].sweeps()
    assert [s.status for s in sweeps] == ["complete"] * 4
    days = [to_jakarta(s.started_at).strftime("%a %H:%M") for s in sweeps]
    assert [d[:3] for d in days] == ["Mon", "Wed", "Fri", "Sun"]
    assert to_jakarta(sweeps[-1].started_at) < to_jakarta(datetime.now(UTC))
    assert (demo["folder"] / "targets.csv").read_text(encoding="utf-8").startswith(
        "code,level,name,kecamatan,url,email\n")
    assert demo["out"].count(" complete: 10 targets") == 4


def test_demo_never_replaces_a_database_it_did_not_create(
    tmp_path: Path, run_cli: Callable[..., Any],
) -> None:
    production = tmp_path / "srv"
    production.mkdir()
    (production / "monitor.db").write_bytes(b"the real data")
    result = run_cli("demo", "--dir", str(production))
    assert result.code == 2 and "did not create" in result.err
    assert (production / "monitor.db").read_bytes() == b"the real data"


def test_the_demo_hints_run_as_printed(demo: dict[str, Any]) -> None:
    """A newcomer copies the hint: it must work in their shell, venv active or not."""
    import shlex
    import subprocess

    hint = next(line.strip() for line in demo["out"].splitlines() if " status --db " in line)
    result = subprocess.run(shlex.split(hint), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (hint, result.stderr)
    assert "last sweep" in result.stdout


def test_demo_shows_its_alerts(demo: dict[str, Any]) -> None:
    """The hacked site, the site down all week (from its second failed sweep) and the one
    that goes down midweek each raise one alert; the hacked site and the one down all week
    are reminded once (every 3 days by default)."""
    out = demo["out"]
    assert "5 alerts went to the demo's webhook channel" in out, out
    assert "Situs diretas: konten judi online: Kelurahan Surabaya (Kec. Kedaton)" in out
    assert "Bukti: https://" in out and "slot gacor" in out
    from monitor.cli import main

    listing = io.StringIO()
    with contextlib.redirect_stdout(listing):
        main(["alerts", "--db", f"sqlite:///{demo['folder'] / 'monitor.db'}"])
    kinds = re.findall(r"WIB  (\S+)\s+(\w+)", listing.getvalue())
    assert sorted(kinds) == [("18.71.01.1004", "judi_spam"), ("18.71.01.1004", "judi_spam"),
                             ("18.71.02.1004", "down"), ("18.71.02.1004", "down"),
                             ("18.71.02.1009", "down")]
    assert listing.getvalue().count("    sent     json://127.0.0.1:") == 5
