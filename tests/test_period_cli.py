"""`monitor report --year/--month/--from --to` end to end on the seeded year: the folder,
the PDFs, the hash, the phone screenshots, the email, the usage errors, the monthly job."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CliResult
from period_shots import save_shots
from smtp_server import SmtpServer
from test_period import Pruned, pack, pruned, seeded, year_store  # noqa: F401 - fixtures

from monitor.core import settings
from monitor.core.clock import JAKARTA
from monitor.mail import smtp as mailer
from monitor.report.pdf import pdf_page_count
from monitor.report.period import files, span
from monitor.report.period.model import PeriodPack
from monitor.service.scheduler import Children, child_jobs, next_runs, plan_jobs

Run = Callable[..., CliResult]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"


@pytest.fixture
def db(pruned: Pruned, tmp_path: Path) -> str:  # noqa: F811
    """A copy of the pruned seeded year: the CLI must give the figures of the full one."""
    target = tmp_path / "cli.db"
    shutil.copy(pruned.path, target)
    return f"sqlite:///{target}"


def test_year_pack_folder_pdfs_hash_and_screenshots(run_cli: Run, db: str, tmp_path: Path,
                                                     pack: PeriodPack) -> None:  # noqa: F811
    out = tmp_path / "reports"
    result = run_cli("report", "--db", db, "--year", "2025", "--out", str(out))
    assert result.code == 0, result
    folder = out / "2025"
    data = (folder / "data.json").read_bytes()
    assert data == files.data_json(pack)  # the CLI's pack is the one checked figure by figure
    digest = hashlib.sha256(data).hexdigest()
    assert (folder / "data.sha256").read_text() == f"{digest}  data.json\n"
    assert f"data sha256 {digest}" in result.out
    kecamatan = sorted(folder.glob("kecamatan-*.html"))
    assert len(kecamatan) == 20
    city = (folder / "index.html").read_text(encoding="utf-8")
    assert digest in city and "Paket Bukti Tahunan 2025" in city
    assert "3 Maret 2025 – 23 Maret 2025: 21 hari, 84 sweep terlewat" in city
    assert "&lt;b&gt;maxwin&lt;/b&gt;" in city and "<b>maxwin" not in city
    assert "Indikator 28" in city and "mendukung" in city
    assert "Rina · <strong>dalam perbaikan</strong>: WordPress dipulihkan dari cadangan" in city
    assert "Sukabumi</a>: situs aktif +14,3 poin, ramah ponsel +14,3 poin" in city
    weeks = (folder / "weeks.csv").read_text(encoding="utf-8").splitlines()
    assert len(weeks) == 1 + 21 * 53
    assert (folder / "incidents.csv").read_text(encoding="utf-8").count("\n") == \
        1 + len(pack.city.incidents)
    if (folder / "index.pdf").exists():
        assert pdf_page_count((folder / "index.pdf").read_bytes()) >= 3
        assert len(list(folder.glob("kecamatan-*.pdf"))) == 20
    else:
        assert result.out.count("Chromium is not installed") == 1
    shots = save_shots({"period-year-city": folder / "index.html",
                        "period-year-kecamatan": folder / "kecamatan-kedaton.html"},
                       SCREENSHOTS)
    assert all(p.stat().st_size > 10_000 for p in shots)


def test_month_and_range_in_english(run_cli: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = run_cli("report", "--db", db, "--month", "2025-06", "--lang", "en", "--no-pdf",
                     "--out", str(out))
    assert result.code == 0, result
    page = (out / "2025-06" / "index.html").read_text(encoding="utf-8")
    assert "Monthly Evidence Pack 2025-06" in page and "It supports" in page
    assert "No gaps." in page
    result = run_cli("report", "--db", db, "--from", "2025-06-09", "--to", "2025-06-15",
                     "--no-pdf", "--out", str(out))
    assert result.code == 0, result
    assert (out / "2025-06-09_2025-06-15" / "kecamatan-kedaton.html").is_file()


def test_the_weekly_report_still_works(run_cli: Run, db: str, tmp_path: Path) -> None:
    result = run_cli("report", "--db", db, "--week", "2025-W20", "--out", str(tmp_path))
    assert result.code == 0, result
    assert (tmp_path / "2025-W20" / "index.html").is_file()


@pytest.mark.parametrize("args", [
    ("--month", "2025-13"), ("--month", "2025-06", "--year", "2025"), ("--from", "2025-01-01"),
    ("--year", "2999"), ("--week", "2025-W10", "--month", "2025-06"),
    ("--from", "2025-02-01", "--to", "2025-01-01"), ("--year", "25"),
    ("--week", "2025-W10", "--email"),
])
def test_bad_periods_are_usage_errors(run_cli: Run, db: str, args: tuple[str, ...]) -> None:
    result = run_cli("report", "--db", db, "--no-pdf", *args)
    assert result.code == 2, result


def test_pack_email_once_per_recipient(run_cli: Run, db: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailer, "RETRY_DELAYS", (0.0,))
    with SmtpServer("none") as server:
        env = {"MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_SMTP_PORT": str(server.port),
               "MONITOR_SMTP_SECURITY": "none", "MONITOR_MAIL_FROM": "monitor@example.go.id",
               "MONITOR_PERIOD_RECIPIENTS": "kominfo@example.go.id"}
        args = ("report", "--db", db, "--month", "2025-06", "--no-pdf", "--email", "--out",
                str(tmp_path))
        first = run_cli(*args, env=env)
        second = run_cli(*args, env=env)
    assert first.code == 0 and second.code == 0, (first, second)
    assert "already sent to 1" in second.out
    [mail] = server.delivered
    assert mail.rcpt_tos == ["kominfo@example.go.id"]
    body = mail.message.get_body(("plain",))
    assert body is not None and "Cakupan: 120 dari 120 sweep terjadwal (100%); 0 celah." in \
        body.get_content()
    names = [part.get_filename() for part in mail.message.iter_attachments()]
    assert names == ["monitor-2025-06-index.html", "monitor-2025-06-weeks.csv",
                     "monitor-2025-06-data.sha256"]


def test_pack_email_needs_recipients(run_cli: Run, db: str, tmp_path: Path) -> None:
    result = run_cli("report", "--db", db, "--month", "2025-06", "--no-pdf", "--email",
                     "--out", str(tmp_path), env={"MONITOR_SMTP_HOST": "127.0.0.1",
                                                   "MONITOR_MAIL_FROM": "m@example.go.id"})
    assert result.code == 2 and "period_recipients" in result.err


class _Recording(Children):
    def __init__(self) -> None:
        super().__init__(timeout=1, grace=1)
        self.calls: list[tuple[str, ...]] = []

    def run(self, *args: str) -> str:
        self.calls.append(args)
        return "data sha256 ab12\n"


def test_the_monthly_job_runs_on_the_first_at_seven() -> None:
    config = settings.load(environ={"MONITOR_SMTP_HOST": "mail.test",
                                    "MONITOR_PERIOD_RECIPIENTS": "k@example.go.id"})
    fake = _Recording()
    jobs = child_jobs(fake, config)
    specs = plan_jobs(config, jobs)
    [(spec, when)] = [(s, w) for s, w in next_runs(specs, datetime(2026, 11, 20, tzinfo=JAKARTA))
                      if s.id == "period"]
    assert when == datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA)
    assert spec.func() == "data sha256 ab12"
    month = span.previous_month(datetime.now(JAKARTA))
    assert fake.calls == [("report", "--month", month, "--email")]
    assert span.previous_month(datetime(2026, 1, 1, 7, tzinfo=JAKARTA)) == "2025-12"
