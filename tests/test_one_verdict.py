"""One verdict everywhere: a seeded week with one site for each reason a site can need action,
and the same sites in the same order in the city report, every kecamatan report, every email
summary, `monitor inactive --format json` and the admin page.

The order expected is not written here: it is the verdicts' one severity table
(``monitor.verdicts.ORDER``) applied to the reason each site was seeded with, so the test
fails if any reader sorts or filters on its own.

`monitor inactive` reads the system clock, so the week is the current ISO week (Asia/Jakarta)
with every sweep between its Monday 00:00 and now: inside both the report's week and the
list's last 7 days.
"""

from __future__ import annotations

import email
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from monitor.admin import create_app
from monitor.core.clock import to_jakarta
from monitor.report.data import SUMMARY_PROBLEMS
from monitor.report.i18n import t
from monitor.store import Result, Store
from monitor.store.reviews import add_review
from monitor.targets.loader import Target
from monitor.verdicts import ORDER

Run = Callable[..., Any]
SWEEPS = 10
KINDS = [k.name for k in ORDER]

# (code, level, name, kecamatan, seeded reason or None for a healthy site)
AREAS = [
    ("18.71", "kota", "Bandar Lampung", "", None),
    ("18.71.01", "kecamatan", "Kemiling", "Kemiling", "judi_spam"),
    ("18.71.01.1001", "kelurahan", "Anggrek", "Kemiling", "down_now"),
    ("18.71.01.1002", "kelurahan", "Bougenvil", "Kemiling", "tidak_aktif"),
    ("18.71.01.1003", "kelurahan", "Cempaka", "Kemiling", "cert"),
    ("18.71.01.1004", "kelurahan", "Dahlia", "Kemiling", "no_site"),
    ("18.71.02", "kecamatan", "Rajabasa", "Rajabasa", "down_week"),
    ("18.71.02.1001", "kelurahan", "Edelweis", "Rajabasa", "defaced"),
    ("18.71.02.1002", "kelurahan", "Flamboyan", "Rajabasa", "unstable"),
    ("18.71.02.1003", "kelurahan", "Gardenia", "Rajabasa", "kurang_aktif"),
    ("18.71.02.1004", "kelurahan", "Kenanga", "Rajabasa", "no_https"),
    ("18.71.03", "kecamatan", "Sukarame", "Sukarame", "suspended"),
    ("18.71.03.1001", "kelurahan", "Lili", "Sukarame", "default_page"),
    ("18.71.03.1002", "kelurahan", "Melati", "Sukarame", "empty"),
    ("18.71.03.1003", "kelurahan", "Nusa Indah", "Sukarame", "other_flag"),
    ("18.71.03.1004", "kelurahan", "Sakura", "Sukarame", "not_mobile_friendly"),
    ("18.71.03.1005", "kelurahan", "Tulip", "Sukarame", None),
    ("18.71.03.1006", "kelurahan", "Wijaya", "Sukarame", "verification_tag"),
]
REASON = {code: reason for code, _, _, _, reason in AREAS}
REOPENED = "18.71.01.1002"  # marked selesai mid-week, still stale after


def _url(code: str, reason: str | None) -> str:
    host = code.replace(".", "-")
    return "" if reason == "no_site" else ("http" if reason == "no_https" else "https") + \
        f"://{host}.example.go.id/"


TARGETS = [Target(code, level, name, kec, _url(code, reason),
                  (f"{code.replace('.', '')}@example.go.id",))
           for code, level, name, kec, reason in AREAS]


def _row(target: Target, reason: str | None, at: datetime, index: int) -> Result:
    """Sweep ``index`` (0..SWEEPS-1) of one site: healthy except for its one reason."""
    if reason == "no_site":
        return Result(sweep_id=0, site_id=0, checked_at=at, url="", available=None,
                      error="no_site", activity="tidak_ada_situs")
    down = (reason == "down_week" or (reason == "down_now" and index == SWEEPS - 1)
            or (reason == "unstable" and index in (2, 5)))
    if down:
        return Result(sweep_id=0, site_id=0, checked_at=at, url=target.url, available=False,
                      error="timeout", error_detail="no answer within 20 s",
                      activity="tidak_diketahui")
    days = {"tidak_aktif": 200, "kurang_aktif": 60}.get(reason or "", 3)
    flags = {"judi_spam": ["judi_spam"], "defaced": ["defaced"], "suspended": ["suspended"],
             "default_page": ["default_page"], "empty": ["empty"],
             "other_flag": ["phishing"]}.get(reason or "", [])
    https = reason != "no_https"
    findings = {"content": {"verification_new": [{"engine": "google", "token": "attacker-1"}],
                            "evidence": [{"rule": "verification:new-tag", "url": target.url,
                                          "text": "google-site-verification attacker-1"}]}
                } if reason == "verification_tag" else {}
    return Result(
        sweep_id=0, site_id=0, checked_at=at, url=target.url, available=True, status_code=200,
        final_url=target.url, https=https, cert_days_left=(5 if reason == "cert" else 60)
        if https else None, last_update=(at - timedelta(days=days)).date().isoformat(),
        last_update_source="wp-api", last_update_evidence=f"{target.url}wp-json modified",
        days_since_update=days,
        activity="aktif" if days <= 30 else "kurang_aktif" if days <= 90 else "tidak_aktif",
        mobile_friendly=reason != "not_mobile_friendly",
        mobile_issues=["no_viewport"] if reason == "not_mobile_friendly" else [],
        content_flags=flags, findings=findings)


def seed(store: Store, now: datetime) -> tuple[int, int]:
    """The current ISO week up to ``now``; returns its (year, week)."""
    local = to_jakarta(now)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0,
                                                               microsecond=0)
    start = monday.astimezone(UTC)
    store.sync_targets(TARGETS, start - timedelta(days=30))
    step = (now - start) / (SWEEPS + 1)
    for i in range(SWEEPS):
        at = start + step * (i + 1)
        sweep_id = store.begin_sweep(at, len(TARGETS), {"timeout": 20.0})
        store.save_results(sweep_id, [(tg.code, _row(tg, REASON[tg.code], at, i))
                                      for tg in TARGETS])
        store.finish_sweep(sweep_id, at)
    add_review(store, REOPENED, "selesai", "Sudah diperbarui", "dina", start + step * 3)
    iso = local.isocalendar()
    return iso.year, iso.week


def expected(codes: set[str] | None = None) -> list[str]:
    """The seeded sites that need action, in the order of the one severity table."""
    flagged = [(KINDS.index(r), code) for code, r in REASON.items()
               if r is not None and (codes is None or code in codes)]
    return [code for _, code in sorted(flagged)]


NAMES = {code: name for code, _, name, _, _ in AREAS}
BY_NAME = {name: code for code, name in NAMES.items()}
KECAMATAN = {kec: {c for c, _, _, k, _ in AREAS if k == kec} for kec in
             ("Kemiling", "Rajabasa", "Sukarame")}


@pytest.fixture
def week(tmp_path: Path) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path / 'week.db'}"
    year, number = seed(Store.open(db), datetime.now(UTC))
    return db, f"{year}-W{number:02d}"


def test_the_seed_has_one_site_for_each_reason() -> None:
    assert sorted(r for r in REASON.values() if r) == sorted(KINDS)
    order = expected()
    assert REASON[order[0]] in ("judi_spam", "defaced") and REASON[order[-1]] == "no_site"


def _section_order(html: str, heading: str, codes: list[str]) -> list[str]:
    """The sites of the needs-action section, in the order the page shows them: each site is
    found by its URL (unique), a site without one by its name. The websites that need action
    are cards under the needs-action heading (followed by their count); areas without a
    website, which rank last, are one compact list under the no-website heading, read after
    the cards."""
    doc = lxml.html.fromstring(html)
    no_site = t("id", "no_site_title", count="").removesuffix("()").strip()
    parts = [next(h for h in doc.iter("h2") if h.text_content().strip().startswith(heading)),
             *(h for h in doc.iter("h2") if h.text_content().strip().startswith(no_site))]
    section = "".join(lxml.html.tostring(h.getparent(), encoding="unicode") for h in parts)
    found = []
    for code in codes:
        token = _url(code, REASON[code]) or NAMES[code]  # kelurahan names are unique here
        assert token in section, (code, token)
        found.append((section.index(token), code))
    return [code for _, code in sorted(found)]


def test_one_order_in_reports_emails_inactive_and_admin(run_cli: Run, week: tuple[str, str],
                                                        tmp_path: Path) -> None:
    db, label = week
    everyone = expected()
    env = {"MONITOR_REPORTS_DIR": str(tmp_path / "reports"),
           "MONITOR_OUTBOX_DIR": str(tmp_path / "outbox"),
           "MONITOR_MAIL_FROM": "monitor@example.go.id"}

    # `monitor inactive --format json`
    listed = run_cli("inactive", "--db", db, "--format", "json", env=env)
    assert listed.code == 0, listed
    rows = json.loads(listed.out)
    assert [r["code"] for r in rows] == everyone
    assert [r["reasons"] for r in rows] == [[REASON[c]] for c in everyone]
    assert [r["code"] for r in rows if r["reopened"]] == [REOPENED]

    # the admin page, judged at the same time
    client = create_app(Store.open(db), clock=lambda: datetime.now(UTC)).test_client()
    page = client.get("/").get_data(as_text=True)
    assert re.findall(r'<tr id="site-([^"]+)"', page) == everyone

    # the city report and every kecamatan report, as `monitor report` writes them
    written = run_cli("report", "--db", db, "--week", label, env=env)
    assert written.code == 0, written
    folder = tmp_path / "reports" / label
    heading = t("id", "needs_action_list")
    city = (folder / "index.html").read_text(encoding="utf-8")
    assert _section_order(city, heading, everyone) == everyone
    for name, codes in KECAMATAN.items():
        html = (folder / f"kecamatan-{name.lower()}.html").read_text(encoding="utf-8")
        assert _section_order(html, heading, expected(codes)) == expected(codes), name

    # the email summaries (`monitor email --dry-run` writes the messages it would send)
    sent = run_cli("email", "--db", db, "--week", label, "--dry-run", env=env)
    assert sent.code == 0, sent
    mails = sorted((tmp_path / "outbox" / label).glob("*.eml"))
    assert len(mails) == 3
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), _class=EmailMessage,
                                           policy=default_policy)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        shown = [BY_NAME[m] for m in re.findall(r"^- (?:Kecamatan|Kelurahan) ([^:]+): ", text,
                                                 re.M)]
        kecamatan = NAMES[str(message["X-Monitor-Kecamatan"])]
        # the summary lists the worst SUMMARY_PROBLEMS websites (the report attached has them
        # all); areas without a website rank last and are one count line of their own
        order = expected(KECAMATAN[kecamatan])
        websites = [c for c in order if REASON[c] != "no_site"]
        assert shown == websites[:SUMMARY_PROBLEMS], path.name
        no_site = len(order) - len(websites)
        assert (t("id", "tldr_no_site", count=no_site) in text) == (no_site > 0), path.name


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_reason_has_words_a_label_and_a_plain_sentence(week: tuple[str, str],
                                                             lang: str) -> None:
    """Each kind the verdicts can give is worded from the one catalogue: its reason and
    action, the admin page's label (``rs_<kind>``) and, on a website's card, the evidence as
    one plain sentence (areas without a website are a list of names, not cards)."""
    from monitor.core.words import STRINGS
    from monitor.report.data import build
    from monitor.report.source import load_week

    for entry in ORDER:
        for key in (entry.wording, entry.action, f"rs_{entry.name}"):
            assert key in STRINGS[lang], key
    db, label = week
    year, number = (int(part) for part in label.split("-W"))
    report = build(load_week(Store.open(db), year, number), lang=lang,
                   now=datetime.now(UTC))
    seen = {p.kind: p for s in report.needs_action for p in s.problems}
    assert sorted(seen) == sorted(KINDS)
    for kind, problem in seen.items():
        # an id missing from the catalogue would show itself ("p_...")
        assert not problem.reason.startswith("p_") and not problem.advice.startswith("a_"), kind
        assert bool(problem.plain) == (kind != "no_site"), (kind, problem.plain)
