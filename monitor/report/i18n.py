"""Words of the reports in Bahasa Indonesia (the default) and English.

Every sentence a reader sees comes from ``STRINGS``; the report data and templates only name a
key. Dates are written the Indonesian way ("Senin, 23 November 2026", PUEBI: day name, date,
month name, year) because the readers are camat and lurah, not machines; ISO dates stay in the
export files.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from monitor.core.clock import to_jakarta

LANGS = ("id", "en")

_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

_ID: dict[str, str] = {
    # page furniture
    "city_title": "Laporan Mingguan Situs Web Kota Bandar Lampung",
    "kec_title": "Laporan Mingguan Situs Web Kecamatan {name}",
    "period": "Periode",
    "generated": "Dibuat",
    "week_label": "Minggu {week} tahun {year}",
    "headline": "Ringkasan",
    "areas": "Wilayah dipantau",
    "with_site": "Punya situs",
    "no_site_count": "Belum punya situs",
    "up": "Dapat diakses",
    "down": "Tidak dapat diakses",
    "mobile_ok": "Ramah ponsel",
    "aktif": "Aktif",
    "kurang_aktif": "Kurang aktif",
    "tidak_aktif": "Tidak aktif",
    "tidak_diketahui": "Tidak diketahui",
    "tidak_ada_situs": "Belum punya situs",
    "hacked": "Diretas / bermasalah isi",
    "needs_action": "Perlu tindakan",
    "sweeps": "Pemeriksaan minggu ini",
    "wow": "Dibanding minggu lalu",
    "wow_none": "Belum ada data minggu lalu untuk dibandingkan.",
    "delta_note": "Angka dalam kurung: perubahan dibanding minggu lalu.",
    "better": "Membaik",
    "worse": "Memburuk",
    "new_problems": "Masalah baru",
    "nothing": "Tidak ada.",
    "change": "perubahan",
    "ranking": "Peringkat kecamatan",
    "ranking_note": ("Skor 0-100 per situs: 40 dari ketersediaan, 30 dari keaktifan, 20 dari "
                     "ramah ponsel, 10 dari HTTPS; wilayah tanpa situs dan situs diretas "
                     "bernilai 0. Skor kecamatan adalah rata-rata wilayahnya."),
    "rank": "Peringkat",
    "score": "Skor",
    "kecamatan": "Kecamatan",
    "sites_col": "Wilayah",
    "per_kecamatan": "Tabel per kecamatan",
    "needs_action_list": "Situs yang perlu tindakan (terparah lebih dulu)",
    "needs_action_none": "Tidak ada situs yang perlu tindakan minggu ini.",
    "area": "Wilayah",
    "level": "Tingkat",
    "kota": "Kota",
    "kelurahan": "Kelurahan",
    "site": "Situs",
    "uptime": "Ketersediaan",
    "daily": "Harian",
    "median_ms": "Median respons",
    "p95_ms": "P95 respons",
    "last_update": "Pembaruan terakhir",
    "activity": "Keaktifan",
    "mobile": "Ponsel",
    "flags": "Tanda isi",
    "review": "Tindak lanjut admin",
    "reason": "Masalah",
    "advice": "Yang perlu dilakukan",
    "evidence": "Bukti",
    "no_data": "Belum ada data pemeriksaan untuk minggu ini.",
    "not_checked": "belum diperiksa",
    "added_mid_week": "ditambahkan {date}",
    "yes": "ya",
    "no": "tidak",
    "unknown": "tidak diketahui",
    "checks_count": "{up} dari {total} pemeriksaan berhasil",
    "screenshot": "Tangkapan layar ponsel",
    "screenshot_alt": "Tangkapan layar situs {name} di layar ponsel 360 piksel",
    "score_of": "skor {score}/100",
    "mobile_yes": "ramah ponsel",
    "mobile_no": "tidak ramah ponsel",
    "status_now": "Status terakhir",
    "status_up": "dapat diakses",
    "status_down": "tidak dapat diakses: {error}",
    "sites_detail": "Rincian per situs",
    "own_site": "Situs kecamatan",
    "kelurahan_sites": "Situs kelurahan",
    "days_ago": "{days} hari lalu",
    "legend_up": "hijau: dapat diakses",
    "legend_down": "merah: tidak dapat diakses",
    "legend_none": "abu-abu: tidak diperiksa",
    "day_chart": "{day}: {up} berhasil, {down} gagal",
    "day_chart_none": "{day}: tidak diperiksa",
    "skip": "Langsung ke isi",
    "back_to_city": "Laporan kota",
    "kec_reports": "Laporan per kecamatan",
    "summary_sites": "{sites} wilayah: {up} dapat diakses, {needs} perlu tindakan.",
    "summary_activity": ("Aktif {aktif}, kurang aktif {kurang}, tidak aktif {tidak}, "
                         "belum punya situs {none}."),
    "summary_flags": "{count} situs diretas atau bermasalah isi: tangani lebih dulu.",
    "summary_problem": "{name}: {reason}",
    # SPBE evidence
    "spbe": "Bukti dukung SPBE dan metodologi",
    "spbe_intro": ("Laporan ini adalah catatan pemantauan mingguan situs web pemerintah "
                   "Kota Bandar Lampung dan dapat diarsipkan sebagai bukti dukung evaluasi "
                   "SPBE."),
    "spbe_i28": ("PermenPAN-RB Nomor 59 Tahun 2020, Indikator 28 (Manajemen Layanan SPBE): "
                 "layanan dipantau dan dievaluasi secara berkala dan temuannya ditindaklanjuti "
                 "(lihat kolom tindak lanjut admin)."),
    "spbe_i42": ("PermenPAN-RB Nomor 59 Tahun 2020, Indikator 42-47 (layanan publik "
                 "berbasis elektronik): alamat situs, status HTTP dan tangkapan layar ponsel per "
                 "situs adalah bukti yang diminta evaluator."),
    "spbe_perpres": "Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan "
                    "Berbasis Elektronik.",
    "spbe_uu": ("Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik: "
                "informasi berkala wajib diumumkan paling singkat enam bulan sekali; situs "
                "yang tidak diperbarui lebih dari 90 hari berisiko melanggarnya."),
    "method": "Cara data dikumpulkan",
    "method_sweeps": ("{count} kali pemeriksaan otomatis antara {first} dan {last} "
                      "(WIB), dari server Diskominfotik, dengan User-Agent yang menyebut alat "
                      "ini."),
    "method_none": "Tidak ada pemeriksaan dalam periode ini.",
    "method_availability": ("Ketersediaan: halaman depan harus menjawab HTTP 2xx yang berisi "
                            "setelah pengalihan; satu kali coba ulang bila koneksi atau waktu "
                            "habis; batas waktu {timeout} detik per situs."),
    "method_freshness": ("Keaktifan: tanggal isi terbaru dari WordPress API, RSS/Atom, "
                         "sitemap, JSON-LD, meta, <time>, teks tanggal, atau perubahan isi; "
                         "aktif bila diperbarui dalam {aktif} hari, kurang aktif dalam "
                         "{kurang} hari, selebihnya tidak aktif."),
    "method_mobile": ("Ramah ponsel: aturan Google Mobile-Friendly Test dan Lighthouse "
                      "(meta viewport, tata letak lebar tetap, CSS responsif, teks minimal 12 px, "
                      "target sentuh 48x48 px); tangkapan layar dari Chromium 360x640 bila ada."),
    "method_content": ("Kesehatan isi: spam judi online (termasuk yang disembunyikan atau "
                       "hanya tampil ke mesin pencari), halaman bawaan server, hosting "
                       "ditangguhkan, situs kosong, dan deface."),
    "method_https": ("HTTPS: sertifikat harus sah; peringatan bila habis dalam {cert} hari."),
    "tool_version": "Versi alat",
    "data_sha": "SHA-256 data",
    "data_sha_note": ("Sidik jari berkas data.json di folder yang sama; siapa pun dapat "
                      "memeriksanya dengan perintah sha256sum."),
    "exports": "Data lengkap: export.csv dan export.json di folder yang sama.",
    # review
    "review_none": "belum ada",
    "review_reopened": "dibuka kembali",
    "review_by": "oleh {by}",
    "rv_baru": "baru",
    "rv_dihubungi": "sudah dihubungi",
    "rv_dalam_perbaikan": "dalam perbaikan",
    "rv_selesai": "selesai",
    "rv_diabaikan": "diabaikan",
}

_EN: dict[str, str] = {
    "city_title": "Weekly Website Report, Kota Bandar Lampung",
    "kec_title": "Weekly Website Report, Kecamatan {name}",
    "period": "Period",
    "generated": "Generated",
    "week_label": "Week {week} of {year}",
    "headline": "Summary",
    "areas": "Areas monitored",
    "with_site": "Have a website",
    "no_site_count": "No website yet",
    "up": "Reachable",
    "down": "Unreachable",
    "mobile_ok": "Mobile-friendly",
    "aktif": "Active",
    "kurang_aktif": "Less active",
    "tidak_aktif": "Inactive",
    "tidak_diketahui": "Unknown",
    "tidak_ada_situs": "No website yet",
    "hacked": "Hacked / content problem",
    "needs_action": "Need action",
    "sweeps": "Checks this week",
    "wow": "Compared with last week",
    "wow_none": "No data from last week to compare with.",
    "delta_note": "Numbers in brackets: change since last week.",
    "better": "Better",
    "worse": "Worse",
    "new_problems": "New problems",
    "nothing": "None.",
    "change": "change",
    "ranking": "Kecamatan ranking",
    "ranking_note": ("Score 0-100 per site: 40 for availability, 30 for activity, 20 for "
                     "mobile-friendliness, 10 for HTTPS; areas without a website and hacked "
                     "sites score 0. A kecamatan's score is the mean of its areas."),
    "rank": "Rank",
    "score": "Score",
    "kecamatan": "Kecamatan",
    "sites_col": "Areas",
    "per_kecamatan": "Tables per kecamatan",
    "needs_action_list": "Sites that need action (worst first)",
    "needs_action_none": "No site needs action this week.",
    "area": "Area",
    "level": "Level",
    "kota": "City",
    "kelurahan": "Kelurahan",
    "site": "Website",
    "uptime": "Uptime",
    "daily": "Daily",
    "median_ms": "Median response",
    "p95_ms": "P95 response",
    "last_update": "Last update",
    "activity": "Activity",
    "mobile": "Mobile",
    "flags": "Content flags",
    "review": "Admin follow-up",
    "reason": "Problem",
    "advice": "What to do",
    "evidence": "Evidence",
    "no_data": "No checks were recorded for this week.",
    "not_checked": "not checked",
    "added_mid_week": "added {date}",
    "yes": "yes",
    "no": "no",
    "unknown": "unknown",
    "checks_count": "{up} of {total} checks succeeded",
    "screenshot": "Phone screenshot",
    "screenshot_alt": "Screenshot of the {name} website on a 360 pixel phone screen",
    "score_of": "score {score}/100",
    "mobile_yes": "mobile-friendly",
    "mobile_no": "not mobile-friendly",
    "status_now": "Last status",
    "status_up": "reachable",
    "status_down": "unreachable: {error}",
    "sites_detail": "Details per site",
    "own_site": "Kecamatan website",
    "kelurahan_sites": "Kelurahan websites",
    "days_ago": "{days} days ago",
    "legend_up": "green: reachable",
    "legend_down": "red: unreachable",
    "legend_none": "grey: not checked",
    "day_chart": "{day}: {up} succeeded, {down} failed",
    "day_chart_none": "{day}: not checked",
    "skip": "Skip to content",
    "back_to_city": "City report",
    "kec_reports": "Reports per kecamatan",
    "summary_sites": "{sites} areas: {up} reachable, {needs} need action.",
    "summary_activity": ("Active {aktif}, less active {kurang}, inactive {tidak}, "
                         "no website {none}."),
    "summary_flags": "{count} sites hacked or with content problems: handle these first.",
    "summary_problem": "{name}: {reason}",
    "spbe": "SPBE evidence and methodology",
    "spbe_intro": ("This report is the weekly monitoring record of the government websites of "
                   "Kota Bandar Lampung and can be filed as supporting evidence (bukti dukung) "
                   "for the SPBE evaluation."),
    "spbe_i28": ("PermenPAN-RB 59/2020, Indicator 28 (SPBE Service Management): services are "
                 "monitored and evaluated periodically and findings are followed up (see the "
                 "admin follow-up column)."),
    "spbe_i42": ("PermenPAN-RB 59/2020, Indicators 42-47 (electronic public services): each "
                 "site's URL, HTTP status and phone screenshot are the evidence evaluators ask "
                 "for."),
    "spbe_perpres": "Presidential Regulation (Perpres) 95/2018 on Electronic-Based Government "
                    "Systems (SPBE).",
    "spbe_uu": ("Law (UU) 14/2008 on Public Information Disclosure: periodic information must "
                "be published at least every six months; a site not updated for more than 90 "
                "days is at risk of breaching it."),
    "method": "How the data was collected",
    "method_sweeps": ("{count} automatic checks between {first} and {last} (WIB), from "
                      "Diskominfotik's server, with a User-Agent naming this tool."),
    "method_none": "No checks in this period.",
    "method_availability": ("Availability: the home page must answer HTTP 2xx with content "
                            "after redirects; one retry after a connection failure or timeout; "
                            "a deadline of {timeout} seconds per site."),
    "method_freshness": ("Activity: the newest content date from the WordPress API, RSS/Atom, "
                         "sitemaps, JSON-LD, meta tags, <time>, dates in the text, or content "
                         "changes; active when updated within {aktif} days, less active within "
                         "{kurang} days, inactive beyond."),
    "method_mobile": ("Mobile-friendly: Google Mobile-Friendly Test and Lighthouse rules "
                      "(viewport meta, fixed-width layouts, responsive CSS, text of at least "
                      "12 px, 48x48 px tap targets); a Chromium 360x640 screenshot when made."),
    "method_content": ("Content health: online-gambling spam (also hidden or shown only to "
                       "search engines), server placeholder pages, suspended hosting, empty "
                       "sites and defacements."),
    "method_https": "HTTPS: the certificate must be valid; a warning when it expires within "
                    "{cert} days.",
    "tool_version": "Tool version",
    "data_sha": "Data SHA-256",
    "data_sha_note": ("Fingerprint of the data.json file in the same folder; anyone can verify "
                      "it with sha256sum."),
    "exports": "Full data: export.csv and export.json in the same folder.",
    "review_none": "none yet",
    "review_reopened": "reopened",
    "review_by": "by {by}",
    "rv_baru": "new",
    "rv_dihubungi": "contacted",
    "rv_dalam_perbaikan": "being fixed",
    "rv_selesai": "done",
    "rv_diabaikan": "ignored",
}

# Problems: reason (what is wrong) and advice (what to do), in plain words.
_ID_PROBLEMS: dict[str, str] = {
    "p_judi_spam": "Situs disusupi spam judi online (situs diretas)",
    "a_judi_spam": ("Segera hapus konten judi, ganti semua kata sandi admin, perbarui CMS, tema "
                    "dan plugin, lalu laporkan ke Diskominfotik."),
    "p_defaced": "Tampilan situs diubah oleh peretas (deface)",
    "a_defaced": ("Pulihkan situs dari cadangan, ganti semua kata sandi, perbarui CMS, lalu "
                  "laporkan ke Diskominfotik."),
    "p_suspended": "Hosting situs ditangguhkan oleh penyedia",
    "a_suspended": "Hubungi penyedia hosting atau Diskominfotik untuk mengaktifkan kembali.",
    "p_default_page": "Situs masih menampilkan halaman bawaan server atau CMS",
    "a_default_page": "Isi situs dengan profil, layanan, dan berita kegiatan {level}.",
    "p_empty": "Situs hampir tidak berisi apa pun",
    "a_empty": "Lengkapi isi situs: profil, layanan, dan berita kegiatan {level}.",
    "p_other_flag": "Isi situs bermasalah ({flag})",
    "a_other_flag": "Periksa isi situs dan laporkan ke Diskominfotik.",
    "p_verification_tag": "Tag verifikasi mesin pencari baru muncul ({engines})",
    "a_verification_tag": ("Pastikan tag itu dipasang oleh pengelola situs sendiri; bila tidak, "
                           "situs mungkin diambil alih: hapus tag, ganti kata sandi admin, dan "
                           "laporkan ke Diskominfotik."),
    "p_down_week": "Situs tidak dapat diakses sepanjang minggu ({error})",
    "a_down_week": ("Periksa hosting, masa aktif domain, dan sertifikat; hubungi Diskominfotik "
                    "bila perlu bantuan."),
    "p_down_now": "Situs tidak dapat diakses pada pemeriksaan terakhir ({error})",
    "a_down_now": "Periksa hosting dan domain; pastikan situs kembali dapat dibuka.",
    "p_unstable": "Situs sering tidak dapat diakses (hanya {uptime} dari waktu)",
    "a_unstable": "Periksa kestabilan dan kapasitas hosting.",
    "p_stale": "Situs belum diperbarui sejak {date} ({days} hari)",
    "a_stale": "Unggah berita kegiatan {level}.",
    "p_stale_unknown": "Tidak ditemukan tanda pembaruan isi di situs",
    "a_stale_unknown": "Unggah berita kegiatan {level} dengan tanggal yang jelas.",
    "p_less_active": "Situs terakhir diperbarui {date} ({days} hari lalu)",
    "a_less_active": "Unggah berita kegiatan {level} minimal sekali sebulan.",
    "p_no_site": "Belum punya situs",
    "a_no_site": "Ajukan pembuatan situs {level} ke Diskominfotik.",
    "p_not_mobile": "Situs sulit dibuka di ponsel ({issues})",
    "a_not_mobile": ("Gunakan tema responsif dan pasang <meta name=\"viewport\" "
                     "content=\"width=device-width, initial-scale=1\">."),
    "p_cert": "Sertifikat HTTPS habis dalam {days} hari",
    "a_cert": "Perpanjang sertifikat (atau pasang perpanjangan otomatis Let's Encrypt).",
    "p_no_https": "Situs belum memakai HTTPS yang sah",
    "a_no_https": "Pasang sertifikat TLS yang sah dan alihkan http ke https.",
    # error words (SPEC) in plain words
    "e_dns": "nama domain tidak ditemukan",
    "e_connect": "server tidak menjawab",
    "e_timeout": "server terlalu lama menjawab",
    "e_tls": "sertifikat HTTPS tidak sah",
    "e_http_4xx": "halaman tidak ditemukan atau ditolak",
    "e_http_5xx": "server mengalami galat",
    "e_redirect_loop": "pengalihan berputar-putar",
    "e_too_large": "halaman terlalu besar",
    "e_invalid_url": "alamat situs tidak sah",
    "e_no_site": "belum punya situs",
    "e_other": "halaman kosong atau galat lain",
    # mobile issue words (SPEC)
    "m_no_viewport": "tanpa meta viewport",
    "m_viewport_not_device_width": "viewport bukan device-width",
    "m_viewport_blocks_zoom": "zoom diblokir",
    "m_fixed_width_layout": "tata letak lebar tetap",
    "m_small_text": "teks terlalu kecil",
    "m_no_responsive_css": "tanpa CSS responsif",
    "m_heavy_page": "halaman terlalu berat",
    "m_plugin_content": "memakai plugin (Flash)",
    "m_horizontal_scroll": "harus digeser ke samping",
    "m_small_tap_targets": "tombol/tautan terlalu kecil",
    "f_judi_spam": "spam judi",
    "f_default_page": "halaman bawaan",
    "f_suspended": "hosting ditangguhkan",
    "f_empty": "kosong",
    "f_defaced": "deface",
    "lvl_kota": "kota",
    "lvl_kecamatan": "kecamatan",
    "lvl_kelurahan": "kelurahan",
}

_EN_PROBLEMS: dict[str, str] = {
    "p_judi_spam": "The site carries online-gambling spam (it has been hacked)",
    "a_judi_spam": ("Remove the gambling content now, change every admin password, update the "
                    "CMS, theme and plugins, and report to Diskominfotik."),
    "p_defaced": "The site has been defaced",
    "a_defaced": ("Restore the site from a backup, change every password, update the CMS and "
                  "report to Diskominfotik."),
    "p_suspended": "The hosting account is suspended",
    "a_suspended": "Contact the hosting provider or Diskominfotik to reactivate it.",
    "p_default_page": "The site still shows a server or CMS placeholder page",
    "a_default_page": "Publish the {level}'s profile, services and activity news.",
    "p_empty": "The site has almost no content",
    "a_empty": "Add content: the {level}'s profile, services and activity news.",
    "p_other_flag": "Content problem ({flag})",
    "a_other_flag": "Check the site's content and report to Diskominfotik.",
    "p_verification_tag": "A new search-engine verification tag appeared ({engines})",
    "a_verification_tag": ("Make sure the site's own admin added it; if not, the site may have "
                           "been taken over: remove the tag, change the admin passwords and "
                           "report to Diskominfotik."),
    "p_down_week": "The site was unreachable all week ({error})",
    "a_down_week": ("Check the hosting, the domain's expiry and the certificate; ask "
                    "Diskominfotik for help if needed."),
    "p_down_now": "The site was unreachable at the last check ({error})",
    "a_down_now": "Check the hosting and domain; make sure the site opens again.",
    "p_unstable": "The site is often unreachable (up only {uptime} of the time)",
    "a_unstable": "Check the hosting's stability and capacity.",
    "p_stale": "Not updated since {date} ({days} days)",
    "a_stale": "Publish news of the {level}'s activities.",
    "p_stale_unknown": "No sign of any content update was found",
    "a_stale_unknown": "Publish news of the {level}'s activities with a clear date.",
    "p_less_active": "Last updated {date} ({days} days ago)",
    "a_less_active": "Publish news of the {level}'s activities at least once a month.",
    "p_no_site": "No website yet",
    "a_no_site": "Ask Diskominfotik to create a website for the {level}.",
    "p_not_mobile": "Hard to use on a phone ({issues})",
    "a_not_mobile": ("Use a responsive theme and add <meta name=\"viewport\" "
                     "content=\"width=device-width, initial-scale=1\">."),
    "p_cert": "The HTTPS certificate expires in {days} days",
    "a_cert": "Renew the certificate (or set up automatic Let's Encrypt renewal).",
    "p_no_https": "The site does not use valid HTTPS",
    "a_no_https": "Install a valid TLS certificate and redirect http to https.",
    "e_dns": "domain name not found",
    "e_connect": "server did not answer",
    "e_timeout": "server too slow to answer",
    "e_tls": "invalid HTTPS certificate",
    "e_http_4xx": "page not found or refused",
    "e_http_5xx": "server error",
    "e_redirect_loop": "redirect loop",
    "e_too_large": "page too large",
    "e_invalid_url": "invalid address",
    "e_no_site": "no website",
    "e_other": "empty page or other error",
    "m_no_viewport": "no viewport meta",
    "m_viewport_not_device_width": "viewport not device-width",
    "m_viewport_blocks_zoom": "zoom blocked",
    "m_fixed_width_layout": "fixed-width layout",
    "m_small_text": "text too small",
    "m_no_responsive_css": "no responsive CSS",
    "m_heavy_page": "page too heavy",
    "m_plugin_content": "uses plugins (Flash)",
    "m_horizontal_scroll": "needs side-scrolling",
    "m_small_tap_targets": "tap targets too small",
    "f_judi_spam": "gambling spam",
    "f_default_page": "placeholder page",
    "f_suspended": "hosting suspended",
    "f_empty": "empty",
    "f_defaced": "defaced",
    "lvl_kota": "city",
    "lvl_kecamatan": "kecamatan",
    "lvl_kelurahan": "kelurahan",
}

STRINGS: dict[str, dict[str, str]] = {"id": _ID | _ID_PROBLEMS, "en": _EN | _EN_PROBLEMS}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return lang


def t(lang: str, key: str, **params: Any) -> str:
    """The sentence ``key`` in ``lang``; an unknown key shows itself (never crashes a report)."""
    template = STRINGS[lang].get(key) or STRINGS["id"].get(key) or key
    return template.format(**params) if params else template


def word(lang: str, prefix: str, value: str) -> str:
    """A SPEC word (error, mobile issue, flag) in plain words; unknown words show as-is."""
    return STRINGS[lang].get(f"{prefix}_{value}", value)


def format_date(value: date | datetime, lang: str, *, weekday: bool = True) -> str:
    """'Senin, 23 November 2026' (id) or 'Monday, 23 November 2026' (en), Jakarta time."""
    day = to_jakarta(value).date() if isinstance(value, datetime) else value
    text = f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"
    return f"{_DAYS[lang][day.weekday()]}, {text}" if weekday else text


def format_datetime(value: datetime, lang: str) -> str:
    """'Senin, 23 November 2026 08.15 WIB': Indonesian writes the time with a dot (PUEBI)."""
    local = to_jakarta(value)
    sep = "." if lang == "id" else ":"
    return f"{format_date(local, lang)} {local:%H}{sep}{local:%M} WIB"


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """88.7 -> '88,7' (id: decimal comma, dot between thousands) or '88.7' (en); 100.0 ->
    '100'."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def format_pct(value: float | None, lang: str) -> str:
    return "-" if value is None else format_number(value, lang) + "%"


def day_name(day: date, lang: str, *, short: bool = False) -> str:
    name = _DAYS[lang][day.weekday()]
    return name[:3] if short else name
