"""Reader-facing words of the period packs, Bahasa Indonesia first, English with --lang en.

Kept apart from the weekly report's strings (report/i18n.py) so either can change alone;
numbers and dates are formatted by i18n's shared helpers (decimal comma in Indonesian).
"""

from __future__ import annotations

from typing import Any

_ID: dict[str, str] = {
    "title_city": "Paket Bukti {kind} {label}: Kota Bandar Lampung",
    "title_kec": "Paket Bukti {kind} {label}: Kecamatan {name}",
    "kind_month": "Bulanan", "kind_year": "Tahunan", "kind_range": "Periode",
    "period": "Periode", "generated": "Dibuat", "data_until": "data sampai",
    "summary": "Ringkasan",
    "c_uptime": "cek dengan situs dapat diakses",
    "c_aktif": "situs aktif di minggu terakhir",
    "c_mobile": "situs ramah ponsel di minggu terakhir",
    "c_hacked": "situs pernah diretas (judi/defacement)",
    "c_nosite": "wilayah belum punya situs",
    "c_coverage": "sweep terlaksana dari jadwal",
    "c_incidents": "insiden (mati, diretas, ditangguhkan)",
    "c_sites": "situs dipantau",
    "trend": "Tren per minggu",
    "chart_alt": "Grafik tren mingguan {name}: {series}",
    "s_uptime": "Dapat diakses", "s_aktif": "Aktif", "s_mobile": "Ramah ponsel",
    "s_hacked": "Diretas (jumlah situs)",
    "weeks": "Angka per minggu",
    "w_week": "Minggu", "w_up": "Akses", "w_aktif": "Aktif", "w_kurang": "Kurang",
    "w_tidak": "Tidak", "w_mobile": "Ponsel", "w_hacked": "Diretas", "w_nosite": "Tanpa situs",
    "w_sites": "Situs",
    "weeks_note": "Akses: % cek dengan situs dapat diakses. Aktif/Kurang/Tidak: % situs "
                  "aktif, kurang aktif, tidak aktif (hasil terakhir minggu itu). Ponsel: % "
                  "situs ramah ponsel. Diretas dan Tanpa situs: jumlah wilayah.",
    "no_data": "tidak ada data",
    "kecamatan": "Per kecamatan",
    "k_name": "Kecamatan", "k_aktif": "Aktif awal → akhir",
    "changes": "Yang membaik, yang memburuk",
    "improved": "Membaik", "worse": "Memburuk", "none": "Tidak ada.",
    "ch_activity": "keaktifan {a} → {b}", "ch_mobile": "ramah ponsel", "ch_website": "situs web",
    "ch_hacked": "peretasan",
    "ch_uptime_pct": "akses {d} poin", "ch_aktif_pct": "situs aktif {d} poin",
    "ch_mobile_pct": "ramah ponsel {d} poin", "ch_hacked_n": "situs diretas {d}",
    "k_changes": "Kecamatan (minggu pertama dibanding minggu terakhir)",
    "incidents": "Insiden",
    "incidents_note": "Setiap masa situs mati, diretas atau ditangguhkan: mulai, selesai, lama, "
                      "bukti, dan tindak lanjut admin. Gangguan satu kali cek ({n}) hanya ada di "
                      "incidents.csv.",
    "i_kind_down": "Tidak dapat diakses", "i_kind_hacked": "Diretas (judi/defacement)",
    "i_kind_suspended": "Hosting ditangguhkan",
    "i_start": "Mulai", "i_end": "Selesai", "i_open": "masih berlangsung di akhir periode",
    "i_duration": "Lama", "i_sweeps": "cek bermasalah", "i_evidence": "Bukti",
    "i_reviews": "Tindak lanjut", "i_no_review": "Belum ada tindak lanjut tercatat.",
    "i_more": "{n} insiden lain ada di incidents.csv.",
    "hours": "{n} jam", "days": "{n} hari",
    "sites": "Situs di kecamatan ini",
    "s_code": "Kode", "s_name": "Wilayah", "s_up": "Akses", "s_act": "Keaktifan awal → akhir",
    "s_mob": "Ponsel", "s_since": "dipantau sejak {d}",
    "evaluator": "Untuk evaluator",
    "e_period": "Periode", "e_coverage": "Cakupan",
    "e_cov_line": "{done} dari {scheduled} sweep terjadwal terlaksana ({pct}); {complete} "
                  "selesai penuh; {days_with} dari {days} hari ada sweep.",
    "e_gaps": "Celah (hari tanpa sweep)", "e_no_gaps": "Tidak ada celah.",
    "e_gap": "{first} – {last}: {days} hari, {missed} sweep terlewat",
    "e_short": "{n} hari dengan sweep lebih sedikit dari jadwal.",
    "e_method": "Metode dan ambang",
    "e_m1": "Setiap sweep membuka halaman beranda setiap situs (jadwal: {schedule}, WIB).",
    "e_m2": "Aktif: diperbarui dalam {a} hari; kurang aktif: {a1}–{k} hari; tidak aktif: "
            "lebih dari {k} hari atau tanpa bukti pembaruan.",
    "e_m3": "Diretas: halaman berisi spam judi online atau defacement (bukti: URL dan teks "
            "persis). Ditangguhkan: halaman penangguhan hosting.",
    "e_m4": "Angka per minggu dihitung dari ringkasan harian yang disimpan sebelum data mentah "
            "lama dipangkas (retensi {r} hari), sehingga paket tahunan tetap lengkap.",
    "e_m5": "Situs yang baru ditambahkan dihitung sejak hari pertama diperiksa.",
    "e_tool": "Alat", "e_hash": "SHA-256 data.json",
    "e_hash_note": "Cocokkan dengan perintah sha256sum -c data.sha256 di folder paket.",
    "supports": "Apa yang didukung paket ini",
    "sup_intro": "Paket ini adalah bukti pendukung, bukan nilai. Paket ini mendukung:",
    "sup_1": "SPBE (PermenPAN-RB No. 59 Tahun 2020), Indikator 28: bukti pemantauan situs "
             "web pemerintah daerah secara berkala.",
    "sup_2": "SPBE, indikator layanan publik 42–47: bukti bahwa kanal layanan daring "
             "kecamatan dan kelurahan dapat diakses dan diperbarui.",
    "sup_3": "Indeks PEMDI, aspek layanan: ketersediaan (% cek dapat diakses), keandalan "
             "(insiden dan lamanya, tindak lanjut), kemudahan akses (ramah ponsel).",
    "files": "Berkas",
    "files_list": "index.html/.pdf (kota), kecamatan-*.html/.pdf, weeks.csv, sites.csv, "
                  "incidents.csv, data.json, data.sha256.",
    "back": "Kembali ke ringkasan kota",
    "act_aktif": "aktif", "act_kurang_aktif": "kurang aktif", "act_tidak_aktif": "tidak aktif",
    "act_tidak_diketahui": "tidak diketahui", "act_tidak_ada_situs": "tanpa situs",
    "yes": "ya", "no": "tidak",
    "rv_baru": "baru", "rv_dihubungi": "dihubungi", "rv_dalam_perbaikan": "dalam perbaikan",
    "rv_selesai": "selesai", "rv_diabaikan": "diabaikan",
    "mail_1": "Situs dapat diakses pada {up} cek; di minggu terakhir {aktif} situs aktif dan "
              "{mobile} ramah ponsel.",
    "mail_2": "{hacked} situs pernah diretas; {incidents} insiden; {nosite} wilayah belum "
              "punya situs.",
    "mail_3": "Cakupan: {done} dari {scheduled} sweep terjadwal ({pct}); {gaps} celah.",
}

_EN: dict[str, str] = {
    "title_city": "{kind} Evidence Pack {label}: Kota Bandar Lampung",
    "title_kec": "{kind} Evidence Pack {label}: Kecamatan {name}",
    "kind_month": "Monthly", "kind_year": "Yearly", "kind_range": "Period",
    "period": "Period", "generated": "Generated", "data_until": "data until",
    "summary": "Summary",
    "c_uptime": "of checks found the site up",
    "c_aktif": "sites active in the last week",
    "c_mobile": "sites mobile-friendly in the last week",
    "c_hacked": "sites ever hacked (gambling spam/defacement)",
    "c_nosite": "areas without a website",
    "c_coverage": "of scheduled sweeps done",
    "c_incidents": "incidents (down, hacked, suspended)",
    "c_sites": "sites monitored",
    "trend": "Weekly trend",
    "chart_alt": "Weekly trend chart of {name}: {series}",
    "s_uptime": "Up", "s_aktif": "Active", "s_mobile": "Mobile-friendly",
    "s_hacked": "Hacked (sites)",
    "weeks": "Figures per week",
    "w_week": "Week", "w_up": "Up", "w_aktif": "Active", "w_kurang": "Less",
    "w_tidak": "Inactive", "w_mobile": "Phone", "w_hacked": "Hacked", "w_nosite": "No site",
    "w_sites": "Sites",
    "weeks_note": "Up: % of checks that found the site up. Active/Less/Inactive: % of sites "
                  "by their last result of the week. Phone: % mobile-friendly. Hacked and "
                  "No site: number of areas.",
    "no_data": "no data",
    "kecamatan": "By kecamatan",
    "k_name": "Kecamatan", "k_aktif": "Active start → end",
    "changes": "What improved, what got worse",
    "improved": "Improved", "worse": "Got worse", "none": "None.",
    "ch_activity": "activity {a} → {b}", "ch_mobile": "mobile-friendly", "ch_website": "website",
    "ch_hacked": "hacking",
    "ch_uptime_pct": "up {d} points", "ch_aktif_pct": "active sites {d} points",
    "ch_mobile_pct": "mobile-friendly {d} points", "ch_hacked_n": "hacked sites {d}",
    "k_changes": "Kecamatan (first week against the last)",
    "incidents": "Incidents",
    "incidents_note": "Every spell in which a site was down, hacked or suspended: start, end, "
                      "duration, evidence and the admins' follow-up. Single-check outages ({n}) "
                      "are only in incidents.csv.",
    "i_kind_down": "Down", "i_kind_hacked": "Hacked (gambling spam/defacement)",
    "i_kind_suspended": "Hosting suspended",
    "i_start": "Start", "i_end": "End", "i_open": "still open at the end of the period",
    "i_duration": "Duration", "i_sweeps": "bad checks", "i_evidence": "Evidence",
    "i_reviews": "Follow-up", "i_no_review": "No follow-up recorded.",
    "i_more": "{n} more incidents are in incidents.csv.",
    "hours": "{n} hours", "days": "{n} days",
    "sites": "Sites in this kecamatan",
    "s_code": "Code", "s_name": "Area", "s_up": "Up", "s_act": "Activity start → end",
    "s_mob": "Phone", "s_since": "monitored since {d}",
    "evaluator": "For the evaluator",
    "e_period": "Period", "e_coverage": "Coverage",
    "e_cov_line": "{done} of {scheduled} scheduled sweeps done ({pct}); {complete} complete; "
                  "sweeps on {days_with} of {days} days.",
    "e_gaps": "Gaps (days without a sweep)", "e_no_gaps": "No gaps.",
    "e_gap": "{first} – {last}: {days} days, {missed} sweeps missed",
    "e_short": "{n} days with fewer sweeps than scheduled.",
    "e_method": "Method and thresholds",
    "e_m1": "Each sweep opens every site's home page (schedule: {schedule}, WIB).",
    "e_m2": "Active: updated within {a} days; less active: {a1}–{k} days; inactive: over {k} "
            "days or no evidence of any update.",
    "e_m3": "Hacked: the page carries online-gambling spam or a defacement (evidence: URL and "
            "exact text). Suspended: a hosting suspension page.",
    "e_m4": "Weekly figures come from daily summaries stored before old raw results are "
            "thinned (retention {r} days), so a year pack stays complete.",
    "e_m5": "A site added during the period counts from the first day it was checked.",
    "e_tool": "Tool", "e_hash": "SHA-256 of data.json",
    "e_hash_note": "Check with the command sha256sum -c data.sha256 in the pack's folder.",
    "supports": "What this pack supports",
    "sup_intro": "This pack is supporting evidence, not a score. It supports:",
    "sup_1": "SPBE (PermenPAN-RB No. 59/2020), Indicator 28: evidence that the local "
             "government's websites are monitored regularly.",
    "sup_2": "SPBE public-service indicators 42–47: evidence that the kecamatan and kelurahan "
             "online service channels are reachable and kept up to date.",
    "sup_3": "Indeks PEMDI service aspects: availability (% of checks up), reliability "
             "(incidents, their duration and follow-up), ease of access (mobile-friendly).",
    "files": "Files",
    "files_list": "index.html/.pdf (city), kecamatan-*.html/.pdf, weeks.csv, sites.csv, "
                  "incidents.csv, data.json, data.sha256.",
    "back": "Back to the city summary",
    "act_aktif": "active", "act_kurang_aktif": "less active", "act_tidak_aktif": "inactive",
    "act_tidak_diketahui": "unknown", "act_tidak_ada_situs": "no website",
    "yes": "yes", "no": "no",
    "rv_baru": "new", "rv_dihubungi": "contacted", "rv_dalam_perbaikan": "being fixed",
    "rv_selesai": "done", "rv_diabaikan": "ignored",
    "mail_1": "Sites were up in {up} of checks; in the last week {aktif} of sites were active "
              "and {mobile} mobile-friendly.",
    "mail_2": "{hacked} sites were hacked at some point; {incidents} incidents; {nosite} areas "
              "without a website.",
    "mail_3": "Coverage: {done} of {scheduled} scheduled sweeps ({pct}); {gaps} gaps.",
}

STRINGS = {"id": _ID, "en": _EN}


def say(lang: str, key: str, **params: Any) -> str:
    """The sentence ``key`` in ``lang`` (Indonesian when English lacks it)."""
    text = STRINGS.get(lang, _ID).get(key) or _ID.get(key) or key
    return text.format(**params) if params else text
