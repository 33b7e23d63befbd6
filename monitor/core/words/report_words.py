"""The words of the weekly and period reports (page furniture, summary, tables, SPBE).

Plain Indonesian a camat reads in ten seconds; the English is a translation for ``--lang en``.
One fact has one phrasing: "terakhir diperbarui 12 Maret 2026 (206 hari lalu)" everywhere.
"""

from __future__ import annotations

ID: dict[str, str] = {
    "city_title": "Laporan Mingguan Situs Web Kota Bandar Lampung",
    "kec_title": "Laporan Mingguan Situs Web Kecamatan {name}",
    "period": "Periode",
    "generated": "Dibuat",
    "week_label": "Minggu ke-{week} tahun {year}",
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
    "tidak_diketahui": "Belum diketahui",
    "tidak_ada_situs": "Belum punya situs",
    "hacked": "Diretas atau isinya bermasalah",
    "needs_action": "Perlu tindakan",
    "wow": "Dibanding minggu lalu",
    "wow_none": "Belum ada data minggu lalu untuk dibandingkan.",
    "better": "Membaik",
    "worse": "Memburuk",
    "new_problems": "Masalah baru",
    "nothing": "Tidak ada.",
    "ok_word": "baik",
    "ranking": "Kecamatan",
    "score_note": ("Nilai 0-100 per situs: 40 dari ketersediaan, 30 dari keaktifan, 20 dari "
                   "ramah ponsel, 10 dari HTTPS; wilayah tanpa situs bernilai 0."),
    "score_same": "Nilai tidak ditampilkan karena semua kecamatan bernilai sama ({score}).",
    "score": "Nilai",
    "kecamatan": "Kecamatan",
    "sites_col": "Wilayah",
    "websites_col": "Situs",
    "needs_action_list": "Situs yang perlu tindakan",
    "needs_action_none": "Tidak ada situs yang perlu tindakan minggu ini.",
    "area": "Wilayah",
    "kota": "Kota",
    "site": "Situs",
    "uptime": "Ketersediaan",
    "last_update": "Pembaruan terakhir",
    "activity": "Keaktifan",
    "mobile": "Ponsel",
    "review": "Tindak lanjut",
    "advice": "Yang perlu dilakukan",
    "evidence_raw": "Bukti teknis (aturan, alamat, teks persis)",
    "no_data": "Belum ada data pemeriksaan untuk minggu ini.",
    "not_checked": "belum diperiksa",
    "added_mid_week": "ditambahkan {date}",
    "unknown": "belum diketahui",
    "screenshot": "Tangkapan layar ponsel",
    "screenshot_alt": "Tangkapan layar situs {name} di layar ponsel 360 piksel",
    "screenshot_taken": "diambil {when}",
    "screenshots_none": "Belum ada tangkapan layar ponsel minggu ini.",
    "mobile_yes": "ramah ponsel",
    "mobile_no": "tidak ramah ponsel",
    "status_now": "Status terakhir",
    "status_up": "dapat diakses",
    "status_down": "tidak dapat diakses",
    "updated_on": "terakhir diperbarui {date} ({days} hari lalu)",
    "skip": "Langsung ke isi",
    "kec_reports": "Laporan per kecamatan",
    # the ten-second summary
    "tldr_areas": "{areas} wilayah dipantau; {websites} punya situs.",
    "tldr_ok": "Semua situs dapat diakses dan tidak ada yang perlu tindakan.",
    "tldr_needs": "{count} situs perlu tindakan, terparah lebih dulu:",
    "tldr_down": "{count} situs tidak dapat diakses.",
    "tldr_no_site": "{count} wilayah belum punya situs.",
    "tldr_more": "dan {count} situs lain (lihat di bawah).",
    "contact": "Bantuan: {desk}",
    "contact_phone": "telepon/WhatsApp {phone}",
    "contact_mail": "surel {mail}",
    # email summary lines
    "summary_sites": "{areas} wilayah, {websites} punya situs: {up} dapat diakses, {needs} "
                     "perlu tindakan.",
    "summary_activity": ("Aktif {aktif}, kurang aktif {kurang}, tidak aktif {tidak}, "
                         "belum punya situs {none}."),
    "summary_flags": "{count} situs diretas atau isinya bermasalah: tangani lebih dulu.",
    "summary_problem": "{name}: {reason}",
    "summary_up": "{up} dari {websites} situs dapat diakses.",
    # no website
    "no_site_title": "Wilayah yang belum punya situs ({count})",
    "no_site_advice": "Ajukan pembuatan situs ke Diskominfotik.",
    "no_site_advice_city": ("Wilayah ini belum punya alamat situs di daftar pemantauan: "
                            "buatkan situs, atau catat alamatnya bila situsnya sudah ada."),
    # charts
    "charts": "Grafik minggu ini",
    "chart_daily": "Pemeriksaan per hari: berhasil (hijau) dan gagal (merah)",
    "chart_daily_alt": "{day}: {up} berhasil, {down} gagal",
    "chart_daily_none": "{day}: tidak diperiksa",
    "chart_response": "Waktu respons halaman depan (median, milidetik)",
    "chart_wow": "Minggu ini dibanding minggu lalu",
    "chart_now": "minggu ini",
    "chart_before": "minggu lalu",
    "all_sites": "Semua situs",
    "table_hint": "Tabel dapat digeser ke samping.",
    # SPBE evidence
    "spbe": "Bukti dukung SPBE dan metodologi",
    "spbe_intro": ("Laporan ini adalah catatan pemantauan mingguan situs web pemerintah "
                   "Kota Bandar Lampung dan dapat diarsipkan sebagai bukti dukung evaluasi "
                   "SPBE (PermenPAN-RB Nomor 59 Tahun 2020, Indikator 28 dan 42-47; Peraturan "
                   "Presiden Nomor 95 Tahun 2018)."),
    "spbe_uu": ("Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik: "
                "informasi berkala wajib diumumkan paling singkat enam bulan sekali; situs "
                "yang tidak diperbarui lebih dari 90 hari berisiko melanggarnya."),
    "method": "Cara data dikumpulkan",
    "method_sweeps": ("{count} kali pemeriksaan otomatis dari server Diskominfotik, "
                      "{first} sampai {last}."),
    "method_none": "Tidak ada pemeriksaan dalam periode ini.",
    "method_text": ("Halaman depan tiap situs dibuka (batas {timeout} detik, satu kali coba "
                    "ulang). Keaktifan dari tanggal isi terbaru: aktif bila diperbarui dalam "
                    "{aktif} hari, kurang aktif dalam {kurang} hari. Ramah ponsel menurut aturan "
                    "Google dan Lighthouse; tangkapan layar dari peramban Chromium selebar 360 "
                    "piksel. Isi diperiksa dari tanda judi online, halaman bawaan, hosting "
                    "ditangguhkan, dan deface. Sertifikat HTTPS diperingatkan bila habis dalam "
                    "{cert} hari."),
    "tool_version": "Versi alat",
    "data_sha": "Sidik jari data (SHA-256)",
    "data_sha_note": ("Sidik jari seluruh data pemeriksaan minggu ini (semua wilayah) yang "
                      "dipakai laporan ini; Diskominfotik menyimpan data aslinya sehingga "
                      "laporan dapat dicocokkan."),
    "pdf_footer": "{title} · {period} · data SHA-256 {sha}",
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

EN: dict[str, str] = {
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
    "tidak_diketahui": "Not known yet",
    "tidak_ada_situs": "No website yet",
    "hacked": "Hacked or content problem",
    "needs_action": "Need action",
    "wow": "Compared with last week",
    "wow_none": "No data from last week to compare with.",
    "better": "Better",
    "worse": "Worse",
    "new_problems": "New problems",
    "nothing": "None.",
    "ok_word": "fine",
    "ranking": "Kecamatan",
    "score_note": ("Score 0-100 per site: 40 for availability, 30 for activity, 20 for "
                   "mobile-friendliness, 10 for HTTPS; areas without a website score 0."),
    "score_same": "Scores are left out: every kecamatan scores the same ({score}).",
    "score": "Score",
    "kecamatan": "Kecamatan",
    "sites_col": "Areas",
    "websites_col": "Websites",
    "needs_action_list": "Sites that need action",
    "needs_action_none": "No site needs action this week.",
    "area": "Area",
    "kota": "City",
    "site": "Website",
    "uptime": "Uptime",
    "last_update": "Last update",
    "activity": "Activity",
    "mobile": "Phone",
    "review": "Follow-up",
    "advice": "What to do",
    "evidence_raw": "Technical evidence (rule, address, exact text)",
    "no_data": "No checks were recorded for this week.",
    "not_checked": "not checked",
    "added_mid_week": "added {date}",
    "unknown": "not known yet",
    "screenshot": "Phone screenshot",
    "screenshot_alt": "Screenshot of the {name} website on a 360 pixel phone screen",
    "screenshot_taken": "taken {when}",
    "screenshots_none": "No phone screenshot this week yet.",
    "mobile_yes": "mobile-friendly",
    "mobile_no": "not mobile-friendly",
    "status_now": "Last status",
    "status_up": "reachable",
    "status_down": "unreachable",
    "updated_on": "last updated {date} ({days} days ago)",
    "skip": "Skip to content",
    "kec_reports": "Reports per kecamatan",
    "tldr_areas": "{areas} areas monitored; {websites} have a website.",
    "tldr_ok": "Every website is reachable and none needs action.",
    "tldr_needs": "Websites that need action: {count}, worst first:",
    "tldr_down": "Unreachable websites: {count}.",
    "tldr_no_site": "Areas without a website yet: {count}.",
    "tldr_more": "and {count} more (see below).",
    "contact": "Help: {desk}",
    "contact_phone": "phone/WhatsApp {phone}",
    "contact_mail": "email {mail}",
    "summary_sites": "{areas} areas, {websites} with a website: {up} reachable, {needs} need "
                     "action.",
    "summary_activity": ("Active {aktif}, less active {kurang}, inactive {tidak}, "
                         "no website {none}."),
    "summary_flags": "Hacked or with content problems: {count}; handle these first.",
    "summary_problem": "{name}: {reason}",
    "summary_up": "{up} of {websites} websites reachable.",
    "no_site_title": "Areas without a website ({count})",
    "no_site_advice": "Ask Diskominfotik to create one.",
    "no_site_advice_city": ("These areas have no website address in the monitoring list: "
                            "create a website, or record its address if one exists."),
    "charts": "This week in charts",
    "chart_daily": "Checks per day: succeeded (green) and failed (red)",
    "chart_daily_alt": "{day}: {up} succeeded, {down} failed",
    "chart_daily_none": "{day}: not checked",
    "chart_response": "Home page response time (median, milliseconds)",
    "chart_wow": "This week compared with last week",
    "chart_now": "this week",
    "chart_before": "last week",
    "all_sites": "All websites",
    "table_hint": "The table scrolls sideways.",
    "spbe": "SPBE evidence and methodology",
    "spbe_intro": ("This report is the weekly monitoring record of the government websites of "
                   "Kota Bandar Lampung and can be filed as supporting evidence (bukti dukung) "
                   "for the SPBE evaluation (PermenPAN-RB 59/2020, Indicators 28 and 42-47; "
                   "Perpres 95/2018)."),
    "spbe_uu": ("Law (UU) 14/2008 on Public Information Disclosure: periodic information must "
                "be published at least every six months; a site not updated for more than 90 "
                "days is at risk of breaching it."),
    "method": "How the data was collected",
    "method_sweeps": ("{count} automatic checks from Diskominfotik's server, {first} to "
                      "{last}."),
    "method_none": "No checks in this period.",
    "method_text": ("Each site's home page is opened (a {timeout} second limit, one retry). "
                    "Activity comes from the newest content date: active when updated within "
                    "{aktif} days, less active within {kurang} days. Mobile-friendliness follows "
                    "Google's and Lighthouse's rules; screenshots come from a 360 pixel wide "
                    "Chromium browser. Content is checked for gambling spam, placeholder pages, "
                    "suspended hosting and defacement. HTTPS certificates get a warning when "
                    "they expire within {cert} days."),
    "tool_version": "Tool version",
    "data_sha": "Data fingerprint (SHA-256)",
    "data_sha_note": ("Fingerprint of all of this week's check data (every area) this report "
                      "was built from; Diskominfotik keeps the data so the report can be "
                      "matched to it."),
    "pdf_footer": "{title} · {period} · data SHA-256 {sha}",
    "review_none": "none yet",
    "review_reopened": "reopened",
    "review_by": "by {by}",
    "rv_baru": "new",
    "rv_dihubungi": "contacted",
    "rv_dalam_perbaikan": "being fixed",
    "rv_selesai": "done",
    "rv_diabaikan": "ignored",
}
