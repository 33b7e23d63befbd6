"""The alert job at the end of every sweep, and the test message of `monitor alerts --test`.

``after_sweep`` first records what changed (alerts with a pending delivery per channel),
then delivers everything still pending, so a channel that failed last sweep is retried now.
It never raises: a fault here is logged and the sweep's outcome stays what it was.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.alerts import deliver
from monitor.alerts.channels import Channel, Routes
from monitor.alerts.detect import CONDITIONS, HACKED, SiteChanges, site_changes
from monitor.alerts.rules import Rules, from_settings
from monitor.alerts.wording import WORDS, Message, Notice, compose, digest, when
from monitor.core.clock import as_utc, to_jakarta
from monitor.core.errors import ConfigError
from monitor.mail.smtp import SmtpSettings
from monitor.store import Store
from monitor.store import alerts as db
from monitor.store.models import Alert, Site
from monitor.targets.loader import Target

log = logging.getLogger(__name__)

BATCH_OVER = 5  # more single alerts than this for one channel in one sweep go as one message
MAX_ATTEMPTS = 50  # about two weeks of sweeps every 6 hours; then the channel is given up
HISTORY = 8  # results per site read beyond the down threshold (for "since when")


@dataclass(frozen=True)
class AlertSummary:
    new: int
    sent: int
    failed: int
    held: int

    def line(self) -> str:
        return (f"alerts: {self.new} new, {self.sent} sent, {self.failed} not delivered "
                f"(tried again next sweep), {self.held} held")


def mail_of(settings: Mapping[str, Any]) -> deliver.Mail:
    host = str(settings.get("smtp_host", ""))
    smtp = SmtpSettings(host, int(settings.get("smtp_port", 587)),
                        str(settings.get("smtp_security", "starttls")),
                        str(settings.get("smtp_user", "")),
                        str(settings.get("smtp_password", ""))) if host else None
    return deliver.Mail(smtp, str(settings.get("mail_from", "")) or "monitor@localhost",
                        str(settings.get("ca_bundle", "")))


def after_sweep(store: Store, targets: Sequence[Target], settings: Mapping[str, Any],
                sweep_id: int, now: datetime) -> AlertSummary | None:
    """Detect, record and deliver; logs and swallows its own faults."""
    try:
        rules = from_settings(settings)
        routes = Routes(rules.city_urls, targets, email=rules.email)
        new = detect(store, sweep_id, rules, routes, now)
        sent, failed, held = deliver_pending(store, rules, routes, mail_of(settings), now)
    except ConfigError as exc:
        log.error("alerts not sent after sweep %d: %s", sweep_id, exc)
        return None
    except Exception:  # alerts must never fail the sweep they follow
        log.exception("alerts after sweep %d failed; the sweep itself is stored", sweep_id)
        return None
    summary = AlertSummary(new, sent, failed, held)
    log.log(logging.WARNING if failed else logging.INFO, "%s", summary.line())
    return summary


def _alert(site: Site, kind: str, key: str, since: datetime, now: datetime, *, url: str,
           evidence: str, sweep_id: int, reminder_of: int | None = None) -> Alert:
    assert site.id is not None
    closed = None if kind in CONDITIONS and reminder_of is None else now
    return Alert(site_id=site.id, kind=kind, key=key, since=since, created_at=now,
                 closed_at=closed, reminder_of=reminder_of, sweep_id=sweep_id,
                 url=url or site.url, evidence=evidence)


def detect(store: Store, sweep_id: int, rules: Rules, routes: Routes, now: datetime) -> int:
    """Record this sweep's changes and due reminders; returns how many alerts were new."""
    sites = {s.id: s for s in store.sites()}
    swept = [i for i in db.swept_site_ids(store, sweep_id) if i in sites]
    open_by_site: dict[int, dict[str, Alert]] = {}
    for alert in db.open_alerts(store):
        open_by_site.setdefault(alert.site_id, {})[alert.key] = alert
    seen = db.event_keys(store, "verification")
    found: dict[int, SiteChanges] = {}
    for site_id, history in db.recent_histories(store, sweep_id, rules.down_sweeps + HISTORY):
        if site_id in sites:
            found[site_id] = site_changes(history, open_by_site.get(site_id, {}),
                                          seen.get(site_id, set()), rules)
    new: list[db.NewAlert] = []
    closed: list[int] = []
    for site_id in swept:  # alerts in the order the sweep stored its sites
        site = sites[site_id]
        changes = found.get(site_id) or site_changes([], open_by_site.get(site_id, {}),
                                                     seen.get(site_id, set()), rules)
        closed += changes.closed
        channels = _channel_pairs(routes.for_site(site.code))
        for change in changes.opened:
            new.append(db.NewAlert(_alert(site, change.kind, change.key, change.since, now,
                                          url=change.url, evidence=change.evidence,
                                          sweep_id=sweep_id), channels))
    reminded = _reminders(sites, open_by_site, set(closed), rules, routes, now, sweep_id, new)
    db.save_changes(store, new, closed, reminded, now)
    return len(new)


def _channel_pairs(channels: Sequence[Channel]) -> tuple[tuple[str, str], ...]:
    return tuple((c.key, c.label) for c in channels)


def _reminders(sites: Mapping[int | None, Site], open_by_site: Mapping[int, dict[str, Alert]],
               closed: set[int], rules: Rules, routes: Routes, now: datetime, sweep_id: int,
               new: list[db.NewAlert]) -> list[int]:
    """An open alert not said for ``reminder_days`` is said again, marked as a reminder."""
    if rules.reminder_days <= 0:
        return []
    every = timedelta(days=rules.reminder_days)
    reminded = []
    for site_id, alerts in open_by_site.items():
        site = sites.get(site_id)
        if site is None:
            continue  # left targets.csv: nobody to remind
        for alert in alerts.values():
            last = as_utc(alert.reminded_at or alert.created_at)
            if alert.id is None or alert.id in closed or now - last < every:
                continue
            reminded.append(alert.id)
            new.append(db.NewAlert(_alert(site, alert.kind, alert.key, as_utc(alert.since),
                                          now, url=alert.url, evidence=alert.evidence,
                                          sweep_id=sweep_id, reminder_of=alert.id),
                                   _channel_pairs(routes.for_site(site.code))))
    return reminded


def notice_of(alert: Alert, site: Site) -> Notice:
    return Notice(alert.kind, site.level, site.name, site.kecamatan, alert.url or site.url,
                  as_utc(alert.since), as_utc(alert.created_at), alert.evidence,
                  reminder=alert.reminder_of is not None)


def _digest_due(rules: Rules, last: datetime | None, now: datetime) -> bool:
    today = to_jakarta(now)
    if today.hour < rules.digest_hour:
        return False
    return last is None or to_jakarta(last).date() < today.date()


def deliver_pending(store: Store, rules: Rules, routes: Routes, mail: deliver.Mail,
                    now: datetime) -> tuple[int, int, int]:
    """Send what is pending (new, or failed before); returns (sent, failed, held)."""
    channels = {c.key: c for c in routes.every()}
    singles: dict[str, list[tuple[int, Notice]]] = {}
    digests: dict[str, list[tuple[int, Notice]]] = {}
    outcomes: list[db.Outcome] = []
    held = 0
    last_digest = db.last_digest(store) if rules.digest else {}
    for item in db.outbound(store, MAX_ATTEMPTS):
        assert item.delivery.id is not None
        channel = channels.get(item.delivery.channel)
        if channel is None:
            outcomes.append(db.Outcome(item.delivery.id, "dropped",
                                       "channel no longer configured"))
            continue
        urgent = item.alert.kind in HACKED
        notice = notice_of(item.alert, item.site)
        if not urgent and rules.is_quiet(now):
            held += 1
        elif not urgent and rules.digest:
            if _digest_due(rules, last_digest.get(channel.key), now):
                digests.setdefault(channel.key, []).append((item.delivery.id, notice))
            else:
                held += 1
        else:
            singles.setdefault(channel.key, []).append((item.delivery.id, notice))
    jobs, plan = _jobs(channels, singles, digests, rules.lang)
    results = deliver.send_all(jobs, rules.send_timeout, mail)
    for job_plan, job_results in zip(plan, results, strict=True):
        for (ids, via), result in zip(job_plan, job_results, strict=True):
            outcomes += [db.Outcome(i, result.status, result.detail, via) for i in ids]
    db.record_outcomes(store, outcomes, now)
    sent = sum(1 for o in outcomes if o.status == "sent")
    failed = sum(1 for o in outcomes if o.status in ("failed", "timeout"))
    return sent, failed, held


Plan = list[tuple[list[int], str]]  # per message of a job: the delivery ids it carries, via


def _jobs(channels: Mapping[str, Channel], singles: Mapping[str, list[tuple[int, Notice]]],
          digests: Mapping[str, list[tuple[int, Notice]]], lang: str
          ) -> tuple[list[deliver.Job], list[Plan]]:
    """The messages per channel. Many alerts at once (the first sweep of a new fleet, a data
    centre outage) go as one list, not a flood a Telegram group would mute or rate-limit."""
    jobs: list[deliver.Job] = []
    plans: list[Plan] = []
    for key in sorted(set(singles) | set(digests)):
        messages: list[Message] = []
        plan: Plan = []
        now = singles.get(key, [])
        if len(now) > BATCH_OVER:
            messages.append(digest([n for _, n in now], lang))
            plan.append(([i for i, _ in now], "batch"))
            now = []
        for delivery_id, notice in now:
            messages.append(compose(notice, lang))
            plan.append(([delivery_id], "single"))
        if key in digests:
            messages.append(digest([n for _, n in digests[key]], lang))
            plan.append(([i for i, _ in digests[key]], "digest"))
        jobs.append(deliver.Job(channels[key], tuple(messages)))
        plans.append(plan)
    return jobs, plans


def send_test(rules: Rules, routes: Routes, mail: deliver.Mail, now: datetime
              ) -> list[tuple[Channel, deliver.Result]]:
    """A test message to every configured channel, with each one's outcome."""
    channels = routes.every()
    headline, todo = WORDS["test"][rules.lang]
    message = Message(headline, f"{headline}\n{when(now, rules.lang)}\n{todo}")
    jobs = [deliver.Job(c, (message,)) for c in channels]
    results = deliver.send_all(jobs, rules.send_timeout, mail)
    return [(c, r[0]) for c, r in zip(channels, results, strict=True)]
