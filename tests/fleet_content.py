"""Scripted fleet sites for content health (issue 5), each with the flags the check must give.

``CONTENT_FLAGS`` maps a site name to its expected ``content_flags``: the tests assert every
row and the demo reuses the sites. The hacked pages copy the shapes seen on compromised
.go.id sites (hidden link blocks, off-screen SEO text, spam titles, whole landing pages,
crawler-only cloaking); the honest ones hold the words that must NOT trip the rules
("slot waktu pelayanan", news of the fight against judi online, hidden menus).
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.demo.fleet import FleetRequest, FleetSite, Page

CRAWLER_MARK = "googlebot"
PHONE_MARK = "mobile"  # Chrome on Android says "Mobile Safari"
GOOGLE_REFERER = "https://www.google.com/"
GAMBLING_TARGET = "https://slotgacor-maxwin88.example/?ref=kel"
OFFSITE_TARGET = "http://promo-kilat.example/go"


def kelurahan_page(name: str = "Sukarame", *, title: str | None = None, head: str = "",
                   body: str = "", footer: str = "") -> str:
    """An ordinary kelurahan home page, with room for injected markup."""
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title or f"Kelurahan {name} - Kota Bandar Lampung"}</title>
<meta name="description" content="Situs resmi Kelurahan {name}, Kota Bandar Lampung.">{head}
</head><body><header><h1>Kelurahan {name}</h1><nav><a href="/">Beranda</a>
<a href="/profil">Profil</a><a href="/layanan">Layanan</a><a href="/berita">Berita</a></nav>
</header><main>
<article><h2>Pelayanan administrasi kependudukan</h2><p>Warga dapat mengurus surat pengantar
KTP, KK dan surat keterangan domisili setiap hari kerja pukul 08.00-15.00 WIB di kantor
kelurahan. Bawa fotokopi KTP dan KK.</p></article>
<article><h2>Gotong royong membersihkan saluran air</h2><p>Warga RT 03 dan RT 05 bersama
perangkat kelurahan membersihkan saluran air menjelang musim hujan.</p></article>
{body}</main><footer><p>Kantor Kelurahan {name}, Jl. Pramuka No. 12, Bandar Lampung.</p>
<a href="https://bandarlampungkota.go.id/">Pemerintah Kota Bandar Lampung</a> {footer}
</footer></body></html>"""


HONEST_SLOT = kelurahan_page("Way Halim", body="""
<section><h2>Antrian online</h2><p>Ambil slot antrian online sebelum datang. Slot waktu
pelayanan tersedia pukul 08.00-12.00; slot kuota harian 40 warga. Daftar slot antrian lewat
WhatsApp. Pendaftaran vaksinasi: slot vaksin masih tersedia.</p>
<p>Program bank sampah: deposit sampah plastik setiap Sabtu. Bonus demografi menjadi
peluang bagi pemuda kelurahan.</p></section>""")

HONEST_ANTI_JUDI = kelurahan_page("Kedaton", body="""
<section><h2>Sosialisasi bahaya judi online</h2><p>Satgas Pemberantasan Judi Online bersama
Polresta Bandar Lampung mengajak warga menjauhi judi online, togel dan slot online. Polisi
menangkap tiga pelaku bandar togel di Kedaton. Laporkan situs judi kepada Kominfo untuk
diblokir.</p>
<ul><li><a href="https://lampung.antaranews.example/berita/polisi-tangkap-bandar-togel">Polisi
tangkap bandar togel dan pemain judi online di Kedaton</a></li>
<li><a href="https://komdigi.example/aduan-konten">Aduan konten judi online</a></li></ul>
</section>""")

HONEST_HIDDEN_MENU = kelurahan_page("Rajabasa", head="""
<style>.d-none{display:none!important}.modal{display:none}.sr-only{position:absolute;
width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}</style>""", body="""
<div class="d-none" id="menu-mobile"><a href="/profil">Profil</a><a href="/layanan">Layanan
</a></div><div class="modal"><h3>Pengumuman</h3><p>Kantor tutup pada hari libur nasional.
</p></div><span class="sr-only">Lompat ke konten</span>
<div style="display:none">Formulir pengaduan warga</div>
<p>Foto kegiatan: rajabasa2020, bandarlampung2024, agenda2024.</p>""")

# A city CSIRT's news post about the defacement wave: it names the sellers' own keywords
# (paraphrased from csirt.kedirikota.go.id/posts/ramainya-situs-judi-online-yang-susupi-
# website-pemerintah), which a landing page would use too.
HONEST_CSIRT_NEWS = kelurahan_page("Kedaton", title="Ramainya situs judi online yang "
                                   "susupi website pemerintah", body="""
<article><h2>Ramainya Situs Judi Online yang Susupi Website Pemerintah</h2>
<p>Situs judi online mudah ditemukan di mesin pencarian. Ketika memasukkan kata kunci seperti
"slot", "slot88", "situs slot", "gacor", "slot gacor" dan "judi" di Google Search, muncul
website dengan domain go.id dan ac.id yang disusupi situs judi online.</p>
<p>Pengelola judi online menumpang di situs resmi agar mudah dijangkau dan menghindari
pemblokiran Kominfo. Modusnya menyisipkan link tersembunyi berisi kata “maxwin”, “rtp live”
dan “bocoran rtp” di halaman yang tampak normal.</p>
<p>Pengelola website diminta memperbarui CMS, mengganti kata sandi, dan melaporkan temuan
ke CSIRT.</p></article>""")

SPAM_LINKS = """<a href="https://slotgacor-maxwin.example/">slot gacor</a>
<a href="https://togel-resmi.example/">togel online</a>
<a href="https://rtp-live.example/">RTP live hari ini</a>
<a href="https://situs-judi.example/">situs slot deposit pulsa</a>"""

SPAM_HIDDEN_BLOCK = kelurahan_page("Sukarame", footer=f"""
<div style="display:none">{SPAM_LINKS}</div>""")

SPAM_OFFSCREEN = kelurahan_page("Labuhan Ratu", head="""
<style>.wp-seo-links{position:absolute; left:-9999px; top:-9999px}</style>""", body="""
<div class="wp-seo-links"><p>Bandar slot gacor terpercaya, bocoran RTP slot, pola gacor
hari ini maxwin.</p></div>""")

SPAM_TINY_FONT = kelurahan_page("Kemiling", body="""
<p style="font-size:0px;color:#fff">situs slot gacor hari ini gampang maxwin, daftar akun pro
thailand</p>""")

SPAM_FOOTER_LINKS = kelurahan_page("Tanjung Senang", footer="""
<p>Partner: <a href="https://dewa-hoki.example/">Slot88</a> |
<a href="https://bo.example/daftar">MPO777</a></p>""")

SPAM_TITLE = kelurahan_page("Sukabumi", title="Kelurahan Sukabumi | SLOT GACOR HARI INI "
                            "Situs Slot Online Terpercaya Maxwin", head="""
<meta name="keywords" content="slot gacor, togel online, rtp live, situs slot">""")

SPAM_LANDING = """<!doctype html><html><head><meta charset="utf-8">
<title>SLOT88 : Situs Slot Gacor Hari Ini Gampang Maxwin & Link Slot88 Resmi</title>
<meta name="description" content="SLOT88 adalah situs slot gacor terpercaya dengan RTP live
tertinggi, deposit pulsa tanpa potongan dan scatter hitam mahjong ways.">
</head><body><h1>SLOT88 RESMI</h1><p>Daftar sekarang di situs slot online terpercaya, rtp
slot live 98%, bocoran pola gacor, deposit pulsa 10k tanpa potongan, jackpot maxwin.</p>
<a href="/daftar">DAFTAR</a> <a href="/login">LOGIN</a></body></html>"""


def _cloaked(request: FleetRequest) -> Page:
    """Spam for search engines, the honest page for people (the usual cloaking script)."""
    if CRAWLER_MARK in request.user_agent.lower():
        return Page(body=SPAM_LANDING)
    return Page(body=kelurahan_page("Enggal"))


def _from_google_on_a_phone(request: FleetRequest) -> bool:
    return PHONE_MARK in request.user_agent.lower() \
        and request.headers.get("referer", "").startswith(GOOGLE_REFERER)


def _phone_redirect(target: str, name: str) -> Callable[[FleetRequest], Page]:
    """The usual mobile cloaking script: visitors from Google on a phone go to ``target``."""
    def route(request: FleetRequest) -> Page:
        if _from_google_on_a_phone(request):
            return Page(status=302, headers={"Location": target})
        return Page(body=kelurahan_page(name))
    return route


def _phone_spam(request: FleetRequest) -> Page:
    """Spam shown only to phones; desktops (the admin) see the honest page."""
    if PHONE_MARK in request.user_agent.lower():
        return Page(body=SPAM_LANDING)
    return Page(body=kelurahan_page("Gedong Air"))


def _phone_own_path(request: FleetRequest) -> Page:
    """An honest mobile theme: phones go to the site's own /m/ pages."""
    if PHONE_MARK in request.user_agent.lower():
        return Page(status=302, headers={"Location": "/m/"})
    return Page(body=kelurahan_page("Kupang Kota"))


def _phone_page(page: str, name: str) -> Callable[[FleetRequest], Page]:
    """Phones from Google get ``page`` (a script or meta refresh that sends them on)."""
    def route(request: FleetRequest) -> Page:
        if _from_google_on_a_phone(request):
            return Page(body=page)
        return Page(body=kelurahan_page(name))
    return route


PHONE_JS_REDIRECT = """<html><head><script>if (document.referrer.indexOf("google") > -1) {
window.location.href = "https://link-gacor.example/daftar"; }</script></head><body></body>
</html>"""
PHONE_REFRESH = """<html><head><meta http-equiv="refresh" content="0; url=http://promo-kilat.example/">
</head><body>Mengalihkan...</body></html>"""

SPAM_SCRIPT_SRC = kelurahan_page("Sumur Batu", head="""
<script src="https://slot88-cdn.example/inject.js"></script>""")

HONEST_JS_REDIRECT = kelurahan_page("Talang", head="""
<script>if (location.pathname === "/index.html") { location.replace("/beranda"); }</script>
<script src="https://code.jquery.example/jquery.min.js"></script>""")


# A link injected after the closing tag: its long anchor would pass the keyword-anchor rule
# anywhere else on a page, but nothing honest is ever written after </html>.
SPAM_AFTER_HTML = kelurahan_page("Pahoman") + """
<a href="https://agen-bola.example/">Agen judi bola terbaik dan terpercaya di Indonesia</a>
<a href="https://toto-4d.example/">bandar togel resmi dengan hadiah terbesar</a>
"""

THEME_CSS = """body{font-family:sans-serif}@media (max-width:600px){nav a{display:block}}
.menu-mobile{display:none}.ft-partner{position:absolute;left:-9999px}"""

# Hidden by a class whose rule lives only in the site's own stylesheet.
SPAM_STYLESHEET_HIDDEN = kelurahan_page("Kaliawi", head="""
<link rel="stylesheet" href="/assets/theme.css">""", footer="""
<div class="ft-partner"><p>Bocoran slot gacor dari mitra kami.</p></div>""")

HONEST_STYLESHEET_HIDDEN = kelurahan_page("Gunung Terang", head="""
<link rel="stylesheet" href="/assets/theme.css">""", body="""
<div class="menu-mobile"><a href="/profil">Profil</a><a href="/layanan">Layanan</a></div>
<div class="ft-partner"><h3>Sosialisasi</h3><p>Satgas berantas judi online dan togel:
waspada, laporkan situs judi.</p></div>""")


NGINX_DEFAULT = """<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>
<h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is successfully
installed and working. Further configuration is required.</p><p><em>Thank you for using
nginx.</em></p></body></html>"""

APACHE_DEFAULT = """<!DOCTYPE html><html><head><title>Apache2 Ubuntu Default Page: It works
</title></head><body><div class="page_header">Apache2 Ubuntu Default Page <span>It works!
</span></div><p>This is the default welcome page used to test the correct operation of the
Apache2 server after installation on Ubuntu systems.</p></body></html>"""

IIS_DEFAULT = """<!DOCTYPE html><html><head><title>IIS Windows Server</title></head><body>
<div id="container"><a href="http://go.microsoft.com/fwlink/?linkid=66138">
<img src="iisstart.png" alt="IIS" width="960" height="600"></a></div></body></html>"""

LITESPEED_DEFAULT = """<html><head><title>Welcome to LiteSpeed</title></head><body>
<h1>Congratulations! Your LiteSpeed Web Server is successfully installed and working.</h1>
<p>This is the default index page.</p></body></html>"""

INDEX_OF = """<html><head><title>Index of /</title></head><body><h1>Index of /</h1><pre>
<a href="?C=N;O=D">Name</a> <a href="?C=M;O=A">Last modified</a><hr>
<a href="backup.zip">backup.zip</a> 2023-01-04 10:12 3.1M
<a href="wp-content/">wp-content/</a> 2023-01-04 10:12 -</pre></body></html>"""

WP_HELLO = """<!doctype html><html lang="id"><head><title>Kelurahan Pematang Wangi</title></head>
<body class="home blog"><header><h1 class="site-title">Kelurahan Pematang Wangi</h1></header>
<main><article id="post-1" class="post-1 post hentry"><h2 class="entry-title">
<a href="/2024/01/halo-dunia/">Halo dunia!</a></h2><div class="entry-content"><p>Selamat
datang di WordPress. Ini adalah pos pertama Anda. Sunting atau hapus, lalu mulai menulis!
</p></div></article></main><footer>Dibuat dengan WordPress</footer></body></html>"""

COMING_SOON = """<!doctype html><html><head><title>Coming Soon</title></head><body>
<h1>Website Kelurahan Segera Hadir</h1><p>Kami sedang menyiapkan situs ini.</p></body></html>"""

CPANEL_SUSPENDED = """<!DOCTYPE html><html><head><title>Account Suspended</title></head>
<body><h1>This Account has been suspended.</h1><p>Contact your hosting provider for more
information.</p></body></html>"""

HOST_SUSPENDED_ID = """<!doctype html><html lang="id"><head><title>Website Ditangguhkan</title>
</head><body><h1>Website ini telah ditangguhkan</h1><p>Akun hosting untuk domain ini telah
ditangguhkan. Jika Anda pemilik website, silakan hubungi layanan pelanggan Niagahoster.</p>
</body></html>"""

HOST_EXPIRED_ID = """<!doctype html><html lang="id"><head><title>Layanan Tidak Aktif</title>
</head><body><h2>Layanan hosting sedang dinonaktifkan sementara</h2><p>Masa aktif hosting
telah habis. Perpanjang melalui member area penyedia hosting Anda.</p></body></html>"""

EMPTY_PAGE = """<!doctype html><html><head><title>Kelurahan Enggal</title></head>
<body>   <div class="container"></div>  </body></html>"""

DEFACED = """<html><head><title>Hacked By ./Gh0st-Xploit</title></head>
<body bgcolor="black"><center><marquee><font color="red">Hacked by ./Gh0st-Xploit</font>
</marquee><h2>Your security is low, patch your system!</h2>
<p>Greetz: Lampung Cyber Team - Garuda Sec</p></center></body></html>"""


def content_sites() -> list[FleetSite]:
    """One site per flag and per hacked shape, and honest sites that must stay clean."""
    def site(name: str, body: str, status: int = 200) -> FleetSite:
        return FleetSite(name, {"/": Page(body=body, status=status)})

    return [
        site("honest_kelurahan", kelurahan_page("Sidodadi")),
        site("honest_slot_antrian", HONEST_SLOT),
        site("honest_anti_judi", HONEST_ANTI_JUDI),
        site("honest_hidden_menu", HONEST_HIDDEN_MENU),
        site("honest_csirt_news", HONEST_CSIRT_NEWS),
        site("spam_hidden_block", SPAM_HIDDEN_BLOCK),
        site("spam_offscreen", SPAM_OFFSCREEN),
        site("spam_tiny_font", SPAM_TINY_FONT),
        site("spam_footer_links", SPAM_FOOTER_LINKS),
        site("spam_title", SPAM_TITLE),
        site("spam_landing", SPAM_LANDING),
        FleetSite("spam_cloaked", {"/": _cloaked}),
        FleetSite("cloak_phone_redirect",
                  {"/": _phone_redirect(GAMBLING_TARGET, "Tanjung Gading")}),
        FleetSite("cloak_phone_offsite", {"/": _phone_redirect(OFFSITE_TARGET, "Pasir Gintung")}),
        FleetSite("cloak_phone_content", {"/": _phone_spam}),
        FleetSite("cloak_phone_script", {"/": _phone_page(PHONE_JS_REDIRECT, "Bakung")}),
        FleetSite("cloak_phone_refresh", {"/": _phone_page(PHONE_REFRESH, "Keteguhan")}),
        site("spam_script_src", SPAM_SCRIPT_SRC),
        site("honest_js_redirect", HONEST_JS_REDIRECT),
        FleetSite("honest_phone_own_path", {"/": _phone_own_path,
                                            "/m/": Page(body=kelurahan_page("Kupang Kota"))}),
        site("spam_after_html", SPAM_AFTER_HTML),
        FleetSite("spam_stylesheet_hidden", {"/": Page(body=SPAM_STYLESHEET_HIDDEN),
                                             "/assets/theme.css": Page(
                                                 body=THEME_CSS, content_type="text/css")}),
        FleetSite("honest_stylesheet_hidden", {"/": Page(body=HONEST_STYLESHEET_HIDDEN),
                                               "/assets/theme.css": Page(
                                                   body=THEME_CSS, content_type="text/css")}),
        site("default_nginx", NGINX_DEFAULT),
        site("default_apache", APACHE_DEFAULT),
        site("default_iis", IIS_DEFAULT),
        site("default_litespeed", LITESPEED_DEFAULT),
        site("default_index_of", INDEX_OF),
        site("default_wordpress", WP_HELLO),
        site("default_coming_soon", COMING_SOON),
        FleetSite("suspended_cpanel", {
            "/": Page(status=302, headers={"Location": "/cgi-sys/suspendedpage.cgi"}),
            "/cgi-sys/suspendedpage.cgi": Page(body=CPANEL_SUSPENDED)}),
        site("suspended_403", HOST_SUSPENDED_ID, status=403),
        site("suspended_503", HOST_EXPIRED_ID, status=503),
        site("empty_page", EMPTY_PAGE),
        site("defaced", DEFACED),
    ]


CONTENT_FLAGS: dict[str, list[str]] = {
    "honest_kelurahan": [],
    "honest_slot_antrian": [],
    "honest_anti_judi": [],
    "honest_hidden_menu": [],
    "honest_csirt_news": [],
    "spam_hidden_block": ["judi_spam"],
    "spam_offscreen": ["judi_spam"],
    "spam_tiny_font": ["judi_spam"],
    "spam_footer_links": ["judi_spam"],
    "spam_title": ["judi_spam"],
    "spam_landing": ["judi_spam"],
    "spam_cloaked": ["judi_spam"],
    "cloak_phone_redirect": ["judi_spam"],
    "cloak_phone_offsite": ["judi_spam"],
    "cloak_phone_content": ["judi_spam"],
    "cloak_phone_script": ["judi_spam"],
    "cloak_phone_refresh": ["judi_spam"],
    "spam_script_src": ["judi_spam"],
    "honest_js_redirect": [],
    "honest_phone_own_path": [],
    "spam_after_html": ["judi_spam"],
    "spam_stylesheet_hidden": ["judi_spam"],
    "honest_stylesheet_hidden": [],
    "default_nginx": ["default_page"],
    "default_apache": ["default_page"],
    "default_iis": ["default_page"],
    "default_litespeed": ["default_page"],
    "default_index_of": ["default_page"],
    "default_wordpress": ["default_page"],
    "default_coming_soon": ["default_page"],
    "suspended_cpanel": ["suspended"],
    "suspended_403": ["suspended"],
    "suspended_503": ["suspended"],
    "empty_page": ["empty"],
    "defaced": ["defaced"],
}
