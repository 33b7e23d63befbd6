"""The weekly email job: each kecamatan's report to its camat, once per recipient.

Who gets what (SPEC, targets.csv ``email``): To is the kecamatan row's addresses, CC the
addresses of its kelurahan rows plus ``mail_cc`` (Diskominfotik). A kecamatan whose own row
has no address is listed in the summary and skipped: its report has no one to be *for*.

Idempotent: a recipient is recorded as sent (store/emails.py) only after the server accepted
the message for it; a rerun sends only to recipients not yet sent to, and ``force`` sends to
everyone again. Permanent refusals are recorded and reported; a server that is down stops the
run (nothing more can be sent) with an error naming host:port. Exit status (SPEC): 0 when
every due message went out, 1 for any refusal, deferral, unreadable report or server trouble.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from pathlib import Path
from typing import Any, Protocol

from monitor.core.chromium import CHROMIUM
from monitor.core.clock import system_clock
from monitor.core.errors import UsageError
from monitor.core.names import name_key
from monitor.mail.message import (
    Contact,
    KecamatanReport,
    MessageError,
    build_message,
    one_line,
)
from monitor.mail.smtp import Mailer, ServerUnavailable
from monitor.report import KecamatanFile, build_week, write_week
from monitor.report.model import WeekReport
from monitor.report.pdf import PdfPrinter
from monitor.report.render import footer_text
from monitor.report.warnings import week_warnings
from monitor.store import Site, Store
from monitor.store import emails as email_store
from monitor.targets.loader import email_problem

log = logging.getLogger(__name__)


class WeekReports(Protocol):
    """What the job needs from ``monitor.report.WeekFiles``."""

    @property
    def week(self) -> str: ...
    @property
    def kecamatan(self) -> Sequence[KecamatanReport]: ...


@dataclass(frozen=True)
class Recipients:
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()  # not plain addresses (only if the database was edited)

    @property
    def all(self) -> tuple[str, ...]:
        return self.to + self.cc


def split_addresses(text: str) -> list[str]:
    return [a.strip() for a in text.split(";") if a.strip()]


def recipients_by_kecamatan(sites: Sequence[Site], mail_cc: Sequence[str]) -> dict[str, Recipients]:
    """For every kecamatan site code: its own addresses as To; its kelurahan rows' addresses
    and ``mail_cc`` as CC. An address appears once, in the first place it is named."""
    kelurahan: dict[str, list[str]] = {}
    for site in sites:
        if site.level == "kelurahan":
            kelurahan.setdefault(name_key(site.kecamatan), []).extend(split_addresses(site.email))
    plans: dict[str, Recipients] = {}
    for site in sites:
        if site.level != "kecamatan":
            continue
        seen: set[str] = set()
        to, cc, invalid = [], [], []
        own = split_addresses(site.email)
        copied = kelurahan.get(name_key(site.name), []) + list(mail_cc)
        for role, addresses in (("to", own), ("cc", copied)):
            for address in addresses:
                if email_store.key(address) in seen:
                    continue
                seen.add(email_store.key(address))
                if email_problem(address):
                    invalid.append(address)
                elif role == "to":
                    to.append(address)
                else:
                    cc.append(address)
        plans[site.code] = Recipients(tuple(to), tuple(cc), tuple(invalid))
    return plans


@dataclass
class KecamatanMail:
    """What happened to one kecamatan's email in this run."""

    code: str
    name: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sent: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)  # dry run: who would get it now
    already: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""  # the message could not be built or the server failed
    no_address: bool = False
    eml: Path | None = None

    @property
    def ok(self) -> bool:
        return not (self.refused or self.deferred or self.problem)

    def line(self) -> str:
        head = f"{self.code} {self.name}:"
        if self.no_address:
            return f"{head} no address on its targets.csv row, not sent"
        parts = []
        if self.eml is not None:
            parts.append(f"written to {self.eml} (to {len(self.to)}, cc {len(self.cc)}, "
                         f"{len(self.due)} due now)")
        if self.sent:
            parts.append(f"sent to {', '.join(self.sent)}")
        if self.already:
            parts.append(f"already sent to {len(self.already)}")
        parts += [f"REFUSED {r} ({why})" for r, why in self.refused]
        parts += [f"NOT SENT {r} ({why})" for r, why in self.deferred]
        if self.problem:
            parts.append(f"NOT SENT: {self.problem}")
        return f"{head} {'; '.join(parts) or 'nothing to send'}"


@dataclass
class MailSummary:
    week: str
    dry_run: bool
    kecamatan: list[KecamatanMail] = field(default_factory=list)
    server_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.server_error and all(k.ok for k in self.kecamatan)

    def failures(self) -> int:
        return sum(not k.ok for k in self.kecamatan)

    def lines(self) -> list[str]:
        done = [k for k in self.kecamatan if k.sent or k.eml]
        verb = "written" if self.dry_run else "sent"
        totals = (f"email {self.week}{' (dry run)' if self.dry_run else ''}: "
                  f"{len(self.kecamatan)} kecamatan, {len(done)} {verb}, "
                  f"{sum(len(k.sent) + len(k.due) for k in self.kecamatan)} recipients, "
                  f"{sum(len(k.refused) + len(k.deferred) for k in self.kecamatan)} failed, "
                  f"{sum(k.no_address for k in self.kecamatan)} without address")
        # totals last: `monitor serve` logs a child's last line
        return ["  " + k.line() for k in self.kecamatan] + [totals]


@dataclass(frozen=True)
class MailOptions:
    sender: str
    cc: tuple[str, ...] = ()
    lang: str = "id"
    force: bool = False
    dry_run: bool = False
    outbox: Path = Path("outbox")
    only: tuple[str, ...] = ()
    contact: Contact = Contact()


def run_email(
    store: Store,
    reports: WeekReports,
    options: MailOptions,
    *,
    mailer: Mailer | None,
    clock: Callable[[], datetime] = system_clock,
) -> MailSummary:
    """Send (or, dry run, write) every kecamatan's email of ``reports.week``."""
    plans = recipients_by_kecamatan(store.sites(), options.cc)
    summary = MailSummary(reports.week, options.dry_run)
    wanted = set(options.only)
    for report in reports.kecamatan:
        if wanted and report.code not in wanted:
            continue
        item = KecamatanMail(report.code, one_line(report.name))
        summary.kecamatan.append(item)
        plan = plans.get(report.code, Recipients())
        item.to, item.cc = plan.to, plan.cc
        item.refused += [(repr(a), "not a plain email address") for a in plan.invalid]
        if not plan.to:
            item.no_address = True
            continue
        if summary.server_error:
            item.problem = "not tried: the mail server is unavailable"
            continue
        try:
            _one_kecamatan(store, report, plan, item, summary.week, options, mailer, clock)
        except ServerUnavailable as exc:
            summary.server_error = str(exc)
            item.problem = "the mail server is unavailable"
    return summary


def _one_kecamatan(
    store: Store, report: KecamatanReport, plan: Recipients, item: KecamatanMail, week: str,
    options: MailOptions, mailer: Mailer | None, clock: Callable[[], datetime],
) -> None:
    already = set() if options.force else email_store.sent_to(
        store, week, report.code)
    due = [a for a in plan.all if email_store.key(a) not in already]
    item.already = [a for a in plan.all if email_store.key(a) in already]
    if not due:
        return
    try:
        message = build_message(report, week=week, sender=options.sender, to=plan.to,
                                cc=plan.cc, lang=options.lang, now=clock(),
                                contact=options.contact)
    except MessageError as exc:
        item.problem = str(exc)
        return
    if options.dry_run or mailer is None:
        item.due = due
        item.eml = write_eml(options.outbox / week, report, message.as_bytes(policy=policy.SMTP))
        return
    result = mailer.send(message, options.sender, due)
    roles = {email_store.key(a): "to" for a in plan.to}
    outcomes = [email_store.Outcome(d.recipient, roles.get(email_store.key(d.recipient), "cc"),
                                    d.status, d.detail)
                for d in result.deliveries if d.status in ("sent", "refused")]
    email_store.record(store, week, report.code, outcomes, clock())
    item.sent = [d.recipient for d in result.by_status("sent")]
    item.refused += [(d.recipient, d.detail) for d in result.by_status("refused")]
    item.deferred = [(d.recipient, d.detail) for d in result.by_status("deferred")]
    if result.server_error:
        raise ServerUnavailable(result.server_error)


@dataclass(frozen=True)
class ExistingWeek:
    """The report files of a week already on disk (``WeekReports``)."""

    week: str
    kecamatan: tuple[KecamatanFile, ...]
    folder: Path
    warnings: tuple[str, ...] = ()
    written: bool = False  # False: the files were already there
    pdf_problem: str = ""


def week_reports(store: Store, reports_dir: Path, year: int, week: int, *, lang: str,
                 options: Mapping[str, Any] | None = None,
                 pdf: PdfPrinter | None = None, now: datetime | None = None) -> ExistingWeek:
    """The week's kecamatan reports: the files already in ``reports_dir`` when every one is
    there (what was published is what gets mailed, with its PDF when there is one), else
    freshly written by ``write_week`` (PDFs too, with ``pdf``). The counts and summary lines
    always come from the report data of the store."""
    now = now or system_clock()
    source, data = build_week(store, year, week, lang=lang, options=options, now=now)
    folder = reports_dir / data.period.label
    # File layout documented in monitor/report/__init__.py: YYYY-Www/kecamatan-<slug>.html
    files = []
    for k in data.kecamatan:
        path = folder / f"kecamatan-{k.slug}.html"
        files.append(KecamatanFile(k.code, k.name, k.slug, path, len(k.sites),
                                   k.headline.needs_action, list(k.summary),
                                   websites=k.headline.with_site,
                                   pdf=path.with_suffix(".pdf") if path.with_suffix(
                                       ".pdf").is_file() else None))
    warnings = week_warnings(source, now, lang)
    if files and all(f.path.is_file() for f in files):
        log.info("mailing the reports already in %s", folder)
        files, problem = _missing_pdfs(files, data, pdf)
        return ExistingWeek(data.period.label, tuple(files), folder, warnings,
                            pdf_problem=problem)
    log.info("no complete reports in %s: writing them first", folder)
    written = write_week(store, reports_dir, year, week, lang=lang, options=options, pdf=pdf,
                         now=now)
    return ExistingWeek(written.week, tuple(written.kecamatan), written.folder,
                        written.warnings, True, written.pdf_problem)


def _missing_pdfs(files: list[KecamatanFile], data: WeekReport,
                  pdf: PdfPrinter | None) -> tuple[list[KecamatanFile], str]:
    """Print the PDF of a published report that has none yet (written before Chromium was
    installed, or with report_pdf off): the camat gets the PDF of exactly that report."""
    if pdf is None or all(f.pdf for f in files):
        return files, ""
    if not pdf.available:
        return files, f"Chromium not found at {CHROMIUM}"
    out = []
    for item, kec in zip(files, data.kecamatan, strict=True):
        if item.pdf is None:
            try:
                item = replace(item, pdf=pdf.print_pdf(item.path, item.path.with_suffix(".pdf"),
                                                       footer=footer_text(data, kec)))
            except Exception as exc:  # noqa: BLE001 - the HTML is still mailed
                return files, f"Chromium could not print: {str(exc).splitlines()[0][:200]}"
        out.append(item)
    return out, ""


def write_eml(folder: Path, report: KecamatanReport, data: bytes) -> Path:
    """Save one message as ``<code>-<slug>.eml`` (opens in any mail program)."""
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in f"{report.code}-{report.slug}")
    path = folder / f"{safe}.eml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"outbox_dir: cannot write {path}: {exc.strerror or exc}") from None
    return path
