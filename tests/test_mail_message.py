"""monitor.mail.message: subject, parts, escaping and header safety of a report email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitor.mail import message as mail_message
from monitor.mail.message import MessageError, build_message, one_line, subject

NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
SENDER = "monitor@bandarlampungkota.go.id"
EXPECTED_HEADERS = {"Subject", "From", "To", "Cc", "Date", "Message-ID", "Auto-Submitted",
                    "X-Monitor-Week", "X-Monitor-Kecamatan", "Content-Type", "MIME-Version"}


@dataclass(frozen=True)
class FakeKecamatanFile:
    """Shaped like monitor.report.KecamatanFile."""

    code: str
    name: str
    slug: str
    path: Path
    sites: int = 12
    needs_action: int = 3
    summary: list[str] = field(default_factory=list)
    websites: int = 10
    pdf: Path | None = None


@pytest.fixture
def report(tmp_path: Path) -> FakeKecamatanFile:
    path = tmp_path / "kedaton.html"
    path.write_text("<!DOCTYPE html><html><body><h1>Laporan Kedaton</h1></body></html>",
                    encoding="utf-8")
    return FakeKecamatanFile("18.71.01", "Kedaton", "kedaton", path, summary=[
        "Sidodadi: situs tidak dapat dibuka sejak Senin", "Kedaton: berisi spam judi"])


def parsed(message: EmailMessage) -> EmailMessage:
    """What the recipient's mail program sees: the message serialised and read back."""
    result = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(result, EmailMessage)
    return result


def build(report: FakeKecamatanFile, lang: str = "id") -> EmailMessage:
    return parsed(build_message(report, week="2026-W47", sender=SENDER,
                                to=["camat.kedaton@example.id"],
                                cc=["lurah.sidodadi@example.id", "kominfo@example.id"],
                                lang=lang, now=NOW))


def test_subject_in_bahasa_indonesia() -> None:
    assert (subject("Kedaton", "2026-W47", 3) ==
            "[Monitor Situs] Kecamatan Kedaton, minggu 47/2026: 3 situs perlu tindakan")
    assert subject("Kedaton", "2026-W01", 0).endswith(
        "minggu 1/2026: tidak ada situs yang perlu tindakan")
    assert subject("Kecamatan Kedaton", "2026-W47", 1).startswith(
        "[Monitor Situs] Kecamatan Kedaton, minggu")


def test_subject_in_english() -> None:
    assert (subject("Kedaton", "2026-W47", 3, "en") ==
            "[Site Monitor] Kecamatan Kedaton, week 47/2026: 3 sites need action")
    assert subject("Kedaton", "2026-W47", 1, "en").endswith(": 1 site needs action")


def test_headers_and_recipients(report: FakeKecamatanFile) -> None:
    msg = build(report)
    # A subject that fits a line of its own is folded after "Subject:"; the leading space
    # that leaves is the same as the one after the colon (RFC 5322 section 2.2.3).
    assert msg["Subject"].strip() == ("[Monitor Situs] Kecamatan Kedaton, minggu 47/2026: "
                              "3 situs perlu tindakan")
    assert msg["To"] == "camat.kedaton@example.id"
    assert msg["Cc"] == "lurah.sidodadi@example.id, kominfo@example.id"
    assert msg["From"].addresses[0].addr_spec == SENDER
    assert msg["Date"].endswith("+0700")  # Asia/Jakarta
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Message-ID"].endswith("@bandarlampungkota.go.id>")


def test_parts_text_html_and_the_report_attached(report: FakeKecamatanFile) -> None:
    msg = build(report)
    assert msg.get_content_type() == "multipart/mixed"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    body = text.get_content()
    assert "Yth. Camat Kedaton," in body
    assert "16 November 2026 s.d. 22 November 2026" in body
    assert "12 wilayah dipantau, 10 punya situs: 3 situs perlu tindakan." in body
    assert "terlampir (laporan-kedaton-2026-W47.html)" in body
    assert "Chromium tidak tersedia" in body  # says why there is no PDF
    assert "- Kedaton: berisi spam judi" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "laporan-kedaton-2026-W47.html"
    assert attachment.get_content_type() == "text/html"
    assert attachment.get_payload(decode=True) == report.path.read_bytes()


def test_html_body_is_for_phone_webmail(report: FakeKecamatanFile) -> None:
    html = build(report).get_body(("html",))
    assert html is not None
    page = html.get_content()
    assert "<script" not in page.lower() and "<style" not in page.lower()
    assert 'name="viewport" content="width=device-width' in page
    assert 'style="max-width:600px' in page
    assert "<li style=" in page and "Sidodadi: situs tidak dapat dibuka sejak Senin" in page


def test_english_message(report: FakeKecamatanFile) -> None:
    msg = build(report, "en")
    text = msg.get_body(("plain",))
    assert text is not None and "Dear Camat of Kedaton," in text.get_content()
    assert [a.get_filename() for a in msg.iter_attachments()] == [
        "report-kedaton-2026-W47.html"]


def test_page_text_is_escaped_in_html(report: FakeKecamatanFile) -> None:
    hostile = FakeKecamatanFile(report.code, "Ked<b>aton</b>", "kedaton", report.path,
                                summary=['<script>alert("x")</script> & <img src=x onerror=1>'])
    html = build(hostile).get_body(("html",))
    assert html is not None
    page = html.get_content()
    assert "<script" not in page and "<img" not in page and "<b>aton" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in page


@pytest.mark.parametrize("name", ["Kedaton\r\nBcc: spy@evil.example",
                                  "Kedaton\nBcc: spy@evil.example",
                                  "Kedaton\u2028Bcc: spy@evil.example",
                                  "Kedaton\x85Bcc: spy@evil.example"])
def test_a_line_break_in_a_name_cannot_add_a_header(
        report: FakeKecamatanFile, name: str) -> None:
    hostile = FakeKecamatanFile("18.71.01\r\nBcc: spy2@evil.example", name, "kedaton",
                                report.path)
    msg = build(hostile)
    assert set(msg.keys()) == EXPECTED_HEADERS
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"] and "Kedaton Bcc: spy@evil.example" in msg["Subject"]
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw and b"\nbcc:" not in raw.lower()


def test_an_address_with_a_line_break_is_refused(report: FakeKecamatanFile) -> None:
    with pytest.raises(ValueError):
        build_message(report, week="2026-W47", sender=SENDER,
                      to=["camat@example.id\r\nBcc: spy@evil.example"], now=NOW)


def test_missing_report_is_a_message_error(report: FakeKecamatanFile, tmp_path: Path) -> None:
    gone = FakeKecamatanFile(report.code, report.name, report.slug, tmp_path / "nope.html")
    with pytest.raises(MessageError, match="nope.html cannot be read"):
        build_message(gone, week="2026-W47", sender=SENDER, to=["a@example.id"], now=NOW)


def test_oversized_report_is_not_attached(report: FakeKecamatanFile,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail_message, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(MessageError, match="more than"):
        build_message(report, week="2026-W47", sender=SENDER, to=["a@example.id"], now=NOW)


def test_one_line_flattens_every_kind_of_line_break() -> None:
    assert one_line("a\r\nb\tc\u2028d\u2029e\x85f\x00g\u200bh") == "a b c d e f g h"
    assert len(one_line("x" * 1000)) == mail_message.MAX_HEADER_TEXT


def test_a_list_of_sites_counts_like_a_number(report: FakeKecamatanFile) -> None:
    listed = FakeKecamatanFile(report.code, report.name, report.slug, report.path,
                               sites=["a", "b"], needs_action=["a"])  # type: ignore[arg-type]
    assert build(listed)["Subject"].endswith(": 1 situs perlu tindakan")


def test_the_pdf_is_attached_when_there_is_one(report: FakeKecamatanFile) -> None:
    pdf = report.path.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4 fake")
    msg = build(FakeKecamatanFile(report.code, report.name, report.slug, report.path, pdf=pdf))
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "laporan-kedaton-2026-W47.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == pdf.read_bytes()
    body = msg.get_body(("plain",))
    assert body is not None and "sebagai PDF (laporan-kedaton-2026-W47.pdf)" in body.get_content()


def test_contact_and_reply_to(report: FakeKecamatanFile) -> None:
    contact = mail_message.Contact("Bidang Aptika Diskominfotik", "0812-3456-7890",
                                   "aptika@bandarlampungkota.go.id")
    msg = parsed(build_message(report, week="2026-W47", sender=SENDER, to=["c@example.id"],
                               now=NOW, contact=contact))
    assert msg["Reply-To"].addresses[0].addr_spec == "aptika@bandarlampungkota.go.id"
    body = msg.get_body(("plain",))
    assert body is not None
    assert ("Pertanyaan atau tanggapan: Bidang Aptika Diskominfotik, telepon/WhatsApp "
            "0812-3456-7890, balas surel ini.") in body.get_content()
    assert "tidak membalas" not in body.get_content()
