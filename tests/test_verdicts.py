"""The verdict rules on plain rows (no database): the one severity order, the limits read from
the settings, what is judged when, and when a ``selesai`` review is reopened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monitor.core.settings import load
from monitor.report.wording import action_text, reason_text
from monitor.store import Result, Site
from monitor.store.models import Review
from monitor.verdicts import ORDER, Limits, judge, worst_first
from monitor.verdicts.evidence import evidence_from

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
SITE = Site(code="18.71.01.1001", level="kelurahan", name="Sidodadi", kecamatan="Kedaton",
            url="https://sidodadi.example.go.id/", first_seen=T0, updated_at=T0)
HEALTHY: dict[str, Any] = dict(available=True, status_code=200, https=True, cert_days_left=60,
                               activity="aktif", days_since_update=3, last_update="2026-11-13",
                               mobile_friendly=True)


def rows(*changes: dict[str, Any], base: dict[str, Any] | None = None) -> list[Result]:
    """One result per item of ``changes`` (healthy plus the change), 12 hours apart."""
    return [Result(sweep_id=0, site_id=0, checked_at=T0 + timedelta(hours=12 * i),
                   url=SITE.url, **dict(base or HEALTHY, **c)) for i, c in enumerate(changes)]


DOWN: dict[str, Any] = dict(available=False, error="timeout", activity="tidak_diketahui",
                            days_since_update=None, https=None, cert_days_left=None,
                            mobile_friendly=None)


def test_the_severity_order_is_the_one_the_city_asked_for() -> None:
    groups = [["judi_spam", "defaced"], ["down_week"],
              ["suspended", "default_page", "empty", "other_flag"], ["down_now", "unstable"],
              ["tidak_aktif"], ["verification_tag"], ["kurang_aktif"], ["not_mobile_friendly"],
              ["cert", "no_https"],
              ["no_site"]]
    assert [k.name for k in ORDER] == [name for group in groups for name in group]
    severities = [k.severity for k in ORDER]
    assert severities == sorted(severities, reverse=True)
    assert ORDER[0].severity == ORDER[1].severity  # both hacked kinds are equally urgent
    assert all(k.wording.startswith("p_") and k.action.startswith("a_") for k in ORDER)


def test_a_healthy_site_needs_nothing_and_an_unchecked_one_is_not_judged() -> None:
    assert judge(SITE, rows({}, {})).reasons == ()
    assert judge(SITE, []).reasons == ()
    no_url = Site(code="1", level="kelurahan", name="X", kecamatan="K", url="",
                  first_seen=T0, updated_at=T0)
    assert judge(no_url, []).kinds == ["no_site"]


@pytest.mark.parametrize(("changes", "kinds"), [
    (({}, {}, {"content_flags": ["judi_spam"], "days_since_update": 45}),
     ["judi_spam", "kurang_aktif"]),
    ((DOWN, DOWN), ["down_week"]),
    (({}, DOWN), ["down_now"]),
    (({}, {}, {}, {}, {}, {}, {}, {}, {}, DOWN, {}), []),  # 10 of 11 = 90.9 %: stable
    (({}, {}, {}, {}, {}, {}, {}, {}, DOWN, {}), []),  # 9 of 10 = 90 %: not below the limit
    (({}, {}, {}, {}, {}, {}, {}, DOWN, {}), ["unstable"]),  # 8 of 9 = 88.9 %
    (({}, DOWN, {}), ["unstable"]),
    (({"content_flags": ["phishing"], "mobile_friendly": False, "https": False},),
     ["other_flag", "not_mobile_friendly", "no_https"]),
    (({"days_since_update": 91, "cert_days_left": 14},), ["tidak_aktif", "cert"]),
    # a down site has no page to judge: no mobile or certificate verdict from it
    (({}, dict(DOWN, mobile_friendly=False, cert_days_left=1, https=True)), ["down_now"]),
])
def test_reasons_worst_first(changes: tuple[dict[str, Any], ...], kinds: list[str]) -> None:
    verdict = judge(SITE, rows(*changes))
    assert verdict.kinds == kinds
    assert verdict.severity == max((r.severity for r in verdict.reasons), default=0)
    assert verdict.needs_action == bool(kinds)


def test_limits_come_from_the_settings() -> None:
    config = load(environ={"MONITOR_CERT_WARN_DAYS": "30", "MONITOR_UNSTABLE_PCT": "50",
                           "MONITOR_AKTIF_DAYS": "2", "MONITOR_KURANG_AKTIF_DAYS": "10"})
    limits = Limits.from_settings(config)
    assert limits == Limits(aktif_days=2, kurang_aktif_days=10, cert_warn_days=30,
                            unstable_pct=50.0)
    assert Limits.from_settings({}) == Limits()
    assert judge(SITE, rows({}, {}, {"cert_days_left": 20})).kinds == []
    verdict = judge(SITE, rows({}, DOWN, {"cert_days_left": 20}), limits=limits)
    # 2 of 3 up is above 50 %; 3 days since the update is past aktif_days = 2
    assert verdict.kinds == ["kurang_aktif", "cert"]
    assert verdict.activity == "kurang_aktif"


def test_reasons_carry_evidence_wording_and_action() -> None:
    verdict = judge(SITE, rows(DOWN, DOWN))
    down = verdict.reasons[0]
    assert (down.wording, down.action, down.params["sweeps"]) == ("p_down_week", "a_down_week", 2)
    assert [e.rule for e in down.evidence] == ["fetch:timeout", "uptime"]
    assert reason_text(down, "id") == ("Situs tidak dapat diakses sepanjang minggu (server "
                                       "terlalu lama menjawab)")
    stale = judge(SITE, rows({"days_since_update": 200, "last_update": "2026-04-30"})).reasons[0]
    assert reason_text(stale, "en") == "Inactive: last updated 30 April 2026 (200 days ago)"
    assert action_text(stale, "id", "kelurahan") == "Unggah berita kegiatan kelurahan."
    unknown = judge(SITE, rows({"days_since_update": None, "last_update": None,
                                "activity": "tidak_aktif"})).reasons[0]
    assert (unknown.kind, unknown.wording) == ("tidak_aktif", "p_stale_unknown")


def review(status: str, at: datetime) -> Review:
    return Review(site_id=1, status=status, note="n", by="dina", created_at=at)


def test_selesai_is_reopened_only_by_a_later_sweep_that_still_finds_a_reason() -> None:
    results = rows(DOWN, DOWN, DOWN)
    mid = T0 + timedelta(hours=13)
    assert judge(SITE, results, review("selesai", mid)).reopened
    assert not judge(SITE, results, review("dihubungi", mid)).reopened
    last = T0 + timedelta(hours=30)
    assert not judge(SITE, results, review("selesai", last)).reopened  # no sweep after it
    fixed = rows(DOWN, DOWN, {})
    verdict = judge(SITE, fixed, review("selesai", mid))
    assert verdict.kinds == ["unstable"] and not verdict.reopened  # fixed after the review


def test_worst_first_puts_a_reopened_selesai_first_among_equals() -> None:
    other = Site(code="18.71.01.1000", level="kelurahan", name="A", kecamatan="Kedaton",
                 url="https://a.example.go.id/", first_seen=T0, updated_at=T0)
    stale = rows({"days_since_update": 200})
    plain = judge(other, stale)
    reopened = judge(SITE, stale, review("selesai", T0 - timedelta(hours=1)))
    assert [v.code for v in worst_first([plain, reopened])] == [SITE.code, other.code]
    hacked = judge(SITE, rows({"content_flags": ["defaced"]}))
    assert [v.code for v in worst_first([plain, hacked, judge(SITE, rows({}))])] == [
        SITE.code, other.code]


def test_each_content_flag_gets_its_own_evidence_and_junk_findings_are_skipped() -> None:
    findings = {"content": {"evidence": [
        {"rule": "judi:hidden-block", "url": "https://a.go.id/", "text": "slot gacor"},
        {"rule": "defaced:banner", "url": "https://a.go.id/", "text": "Hacked by X"},
        ["judi:title", None, "togel"], "junk", 7, {"rule": None}]},
        "mobile": "not a dict", "freshness": {"evidence": {"rule": "x"}}}
    judi = evidence_from(findings, ("content",), "judi_spam")
    assert [e.text for e in judi] == ["slot gacor", "togel"]
    assert [e.text for e in evidence_from(findings, ("content",), "defaced")] == ["Hacked by X"]
    assert evidence_from(findings, ("mobile", "fresh")) == ()
    verdict = judge(SITE, rows({"content_flags": ["judi_spam", "defaced"],
                                "findings": findings}))
    assert [[e.text for e in r.evidence] for r in verdict.reasons] == [
        ["slot gacor", "togel"], ["Hacked by X"]]
