"""Scripted fleet sites for freshness: each evidence source alone, the traps, sources that
disagree, hostile feeds, a dead WordPress site whose theme prints today's date, and stamps
relative to the moment of viewing (a static page saying "Kemarin" / "2 hari yang lalu", a
listing with clock times only, jQuery timeago markup with a title timestamp) and an event
date announced in prose.

Pages are built around ``today`` (Asia/Jakarta) so "recent" and "future" mean the same on any
day the tests or the demo run; the header widgets print the date at request time, as real
themes do. ``expected(today)`` gives, per site, the (last_update, last_update_source,
activity) the freshness check must reach.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.utils import formatdate

from monitor.core.clock import JAKARTA
from monitor.demo.fleet import FleetRequest, FleetSite, Page

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
DEAD_POST = date(2023, 2, 6)


def indo(day: date) -> str:
    """'Senin, 06 Februari 2023': how these themes print a date."""
    return f"{HARI[day.weekday()]}, {day.day:02d} {BULAN[day.month - 1]} {day.year}"


def now_jakarta() -> datetime:
    return datetime.now(JAKARTA)


def _header_widget(_request: FleetRequest | None = None) -> str:
    """Today's date and a clock, computed per request like a PHP theme's date()."""
    now = now_jakarta()
    return (f'<div class="top-bar"><span class="tanggal">{indo(now.date())}</span> '
            f'<span id="jam">{now:%H:%M:%S} WIB</span></div>')


def _plain_widget() -> str:
    """Today's date in a block with no telling class: caught by the 'today' rule alone."""
    return f'<div class="kiri"><b>{indo(now_jakarta().date())}</b></div>'


def _page(head: str = "", body: str = "", header: str = "") -> str:
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Kelurahan'
            f'</title>{head}</head><body><header class="site-header">{header}'
            f'<h1>Kelurahan Contoh</h1></header><main>{body}</main><footer>'
            f'<p>&copy; {now_jakarta().year} Pemerintah Kota Bandar Lampung</p></footer>'
            f'</body></html>')


def _post(title: str, day: date, *, markup: bool = True, slug: str = "berita") -> str:
    stamp = (f'<time class="entry-date published" datetime="{day.isoformat()}T08:15:00+07:00">'
             f'{indo(day)}</time>' if markup else
             f'<span class="tgl"><i class="fa fa-calendar"></i> {day.day:02d} '
             f'{BULAN[day.month - 1]} {day.year}</span>')
    return (f'<article class="post"><h2><a href="/{slug}/{day.isoformat()}/">{title}</a></h2>'
            f'<div class="entry-meta">{stamp}</div><p>Kegiatan warga kelurahan bersama '
            f'aparat kecamatan berjalan lancar.</p></article>')


PROSE = ("<p>Kelurahan ini melayani administrasi kependudukan, surat pengantar, dan "
         "informasi pembangunan bagi seluruh warga. Jam pelayanan Senin sampai Jumat.</p>")


def _rss(days: list[date], build_now: bool = True) -> str:
    stamp = now_jakarta().strftime("%a, %d %b %Y %H:%M:%S +0700")
    items = "".join(
        f"<item><title>Berita {d.isoformat()}</title><link>/berita/{d.isoformat()}/</link>"
        f"<pubDate>{d.strftime('%a, %d %b %Y')} 08:15:00 +0700</pubDate></item>" for d in days)
    build = f"<lastBuildDate>{stamp}</lastBuildDate>" if build_now else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Kelurahan</title>{build}{items}</channel></rss>")


def _wp_posts(days: list[date]) -> str:
    return json.dumps([{"date": f"{d}T08:15:00", "date_gmt": f"{d}T01:15:00",
                        "modified": f"{d}T08:15:00", "modified_gmt": f"{d}T01:15:00",
                        "link": f"/berita/{d}/"} for d in days])


def _sitemap(entries: list[str]) -> str:
    urls = "".join(f"<url><loc>/p{i}/</loc><lastmod>{m}</lastmod></url>"
                   for i, m in enumerate(entries))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


XML = "application/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
WP_HEAD = '<link rel="https://api.w.org/" href="/wp-json/">'
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
                  + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
                  + ']><rss><channel><item><pubDate>&lol9;</pubDate></item></channel></rss>')


def _dynamic(build: Callable[[], str]) -> Callable[[FleetRequest], Page]:
    return lambda _request: Page(body=build())


def _dead_wordpress() -> FleetSite:
    """Abandoned in February 2023; its theme still prints today's date and a clock."""
    old = [DEAD_POST, DEAD_POST - timedelta(days=20)]
    page = _dynamic(lambda: _page(WP_HEAD, "".join(_post(f"Berita {d}", d) for d in old)
                                  + PROSE, _header_widget()))
    return FleetSite("fresh_wp_dead_today_header", {
        "/": page,
        "/wp-json/wp/v2/posts": Page(body=_wp_posts(old), content_type=JSON),
        "/feed/": Page(body=_rss(old), content_type=XML),
        "/robots.txt": Page(body="User-agent: *\nDisallow: /wp-admin/\n"
                                 "Sitemap: /wp-sitemap.xml\n", content_type="text/plain"),
        "/wp-sitemap.xml": Page(body='<?xml version="1.0"?><sitemapindex xmlns="http://www.'
                                'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/wp-sitemap-'
                                'posts-post-1.xml</loc></sitemap></sitemapindex>',
                                content_type=XML),
    })


def _single_sources(today: date) -> list[FleetSite]:
    def d(days: int) -> date:
        return today - timedelta(days=days)

    return [
        FleetSite("fresh_wp_api_only", {
            "/": Page(body=_page(WP_HEAD, PROSE)),
            "/wp-json/wp/v2/posts": Page(body=_wp_posts([d(days=10), d(days=50)]),
                                         content_type=JSON)}),
        FleetSite("fresh_feed_only", {
            "/": Page(body=_page('<link rel="alternate" type="application/rss+xml" '
                                 'href="/rss.xml">', PROSE)),
            "/rss.xml": _dynamic(lambda: _rss([d(days=40), d(days=70)]))}),
        FleetSite("fresh_sitemap_only", {
            "/": Page(body=_page("", PROSE)),
            "/robots.txt": Page(body="Sitemap: /peta-situs.xml\n", content_type="text/plain"),
            "/peta-situs.xml": Page(body=_sitemap([d(days=100).isoformat(),
                                                   d(days=300).isoformat()]),
                                    content_type=XML)}),
        FleetSite("fresh_jsonld_only", {"/": Page(body=_page(
            '<script type="application/ld+json">{"@type": "WebPage", "dateModified": "'
            f'{d(days=3).isoformat()}T10:00:00+07:00"' + "}</script>", PROSE))}),
        FleetSite("fresh_meta_only", {"/": Page(body=_page(
            f'<meta property="article:modified_time" content="{d(days=20).isoformat()}'
            'T10:00:00+07:00">', PROSE))}),
        FleetSite("fresh_time_only", {"/": Page(body=_page("", _post("Rapat", d(days=45))))}),
        FleetSite("fresh_text_only", {"/": Page(body=_page("", _post(
            "Posyandu", d(days=60), markup=False) + _post("Kerja bakti", d(days=95),
                                                          markup=False)))}),
        FleetSite("fresh_relative_text", {"/": Page(body=_page("", (
            '<div class="berita-item"><h3><a href="/berita/1/">Vaksinasi warga RT 03</a></h3>'
            '<span class="waktu">2 hari yang lalu</span></div>') + PROSE))}),
        FleetSite("fresh_header_only", {"/": Page(body=_page("", PROSE), headers={
            "Last-Modified": (datetime.combine(d(days=200), datetime.min.time())
                              .strftime("%a, %d %b %Y 03:00:00 GMT"))})}),
        FleetSite("fresh_header_now", {"/": lambda _r: Page(
            body=_page("", PROSE), headers={"Last-Modified": formatdate(usegmt=True)})}),
        FleetSite("fresh_no_dates", {"/": Page(body=_page("", PROSE))}),
    ]


def _traps(today: date) -> FleetSite:
    """Every trap at once; the only real content date is one post of 5 March 2024."""
    future = today + timedelta(days=17)
    body = (
        f'{_plain_widget()}<aside class="widget"><table id="wp-calendar"><caption>'
        f'{BULAN[today.month - 1]} {today.year}</caption><tr><td>{today.day}</td></tr></table>'
        f'<div class="visitor-counter">Pengunjung hari ini: 123 | {today:%d/%m/%Y} | Total: '
        f'45.678</div></aside>'
        f'<div class="agenda"><h3>Agenda</h3><p>Musrenbang kelurahan, {indo(future)}</p></div>'
        f'<div class="pengumuman"><p>Pendaftaran ditutup {indo(future)}</p></div>'
        f'{_post("Gotong royong", date(2024, 3, 5), markup=False)}'
        '<div class="sejarah"><p>Kelurahan ini berdiri setelah Proklamasi 17 Agustus 1945, '
        'lalu dimekarkan dengan Perda tanggal 14 Maret 1983 menjadi kelurahan definitif yang '
        'melayani lebih dari sepuluh ribu jiwa penduduk di wilayahnya.</p></div>')
    return FleetSite("fresh_traps", {"/": _dynamic(lambda: _page("", body, _header_widget()))})


def _disagree(today: date) -> FleetSite:
    """Sources that disagree: the API (most reliable) wins over an older feed, a sitemap that
    stamps every entry with one time, and today's date printed in the header."""
    api_day = today - timedelta(days=12)
    stamped = today.isoformat() + "T00:00:00+07:00"
    return FleetSite("fresh_disagree", {
        "/": _dynamic(lambda: _page(WP_HEAD + '<link rel="alternate" type="application/rss+xml"'
                                    ' href="/feed/">', _post("Lama", today - timedelta(days=400))
                                    + PROSE, _header_widget())),
        "/wp-json/wp/v2/posts": Page(body=_wp_posts([api_day]), content_type=JSON),
        "/feed/": Page(body=_rss([today - timedelta(days=35)], build_now=True),
                       content_type=XML),
        "/robots.txt": Page(body="Sitemap: /sitemap.xml\n", content_type="text/plain"),
        "/sitemap.xml": Page(body=_sitemap([stamped] * 4), content_type=XML),
    })


def _hostile(today: date) -> FleetSite:
    """A billion-laughs feed, a garbage sitemap and broken JSON: nothing may crash, and the
    page's own date still counts."""
    return FleetSite("fresh_hostile", {
        "/": Page(body=_page(WP_HEAD + '<script type="application/ld+json">{"dateModified": '
                             '</script>', _post("Rapat", today - timedelta(days=8)))),
        "/wp-json/wp/v2/posts": Page(body="{not json", content_type=JSON),
        "/feed/": Page(body=BILLION_LAUGHS, content_type=XML),
        "/robots.txt": Page(body="Sitemap: /sitemap.xml\nSitemap: http://10.0.0.1/x.xml\n",
                            content_type="text/plain"),
        "/sitemap.xml": Page(body=b"\x00\xff<urlset><url><lastmod>9999-99-99</lastmod>",
                             content_type=XML),
    })


STATIC_OLD = (date(2023, 8, 14), date(2023, 7, 3))
TIMEAGO_DAYS = 200
MORE_PROSE = ("<p>Warga dapat mengurus surat keterangan domisili, surat pengantar nikah, "
              "surat keterangan usaha, dan surat keterangan tidak mampu di kantor kelurahan "
              "dengan membawa kartu keluarga serta kartu tanda penduduk asli.</p>")


def stamped_item(title: str, stamp: str, slug: str) -> str:
    """A news item whose only date is a stamp relative to the moment of viewing."""
    return (f'<div class="berita-item"><h3><a href="/berita/{slug}/">{title}</a></h3>'
            f'<span class="waktu"><i class="fa fa-clock-o"></i> {stamp}</span></div>')


def static_relative_body() -> str:
    """A static page (hand-made HTML, a stale cache): its newest items say "Kemarin" and
    "2 hari yang lalu" forever; the only absolute dates are from 2023."""
    return (stamped_item("Kerja bakti membersihkan saluran air", "Kemarin", "kerja-bakti")
            + stamped_item("Vaksinasi warga RT 03", "2 hari yang lalu", "vaksinasi")
            + "".join(_post(f"Rapat warga {i}", d, markup=False)
                      for i, d in enumerate(STATIC_OLD))
            + PROSE + MORE_PROSE)


def _clock_listing() -> str:
    """A news ticker showing only a time of day ("06.30 WIB"): times earlier than now, so a
    reader of "a time of day means today" would date it today."""
    now = now_jakarta()
    minutes = max(0, now.hour * 60 + now.minute - 5)
    times = [max(0, minutes - k * 47) for k in range(4)]
    items = "".join(
        f'<li class="item"><span class="waktu">{m // 60:02d}.{m % 60:02d} WIB</span> '
        f'<a href="/berita/{i}/">Kabar kelurahan nomor {i}</a></li>'
        for i, m in enumerate(times))
    return f'<div class="berita-terkini"><ul>{items}</ul></div>{PROSE}{MORE_PROSE}'


def _timeago(today: date) -> str:
    """jQuery timeago markup: the text says "12 jam lalu", the title holds the real time."""
    day = today - timedelta(days=TIMEAGO_DAYS)
    return "".join(
        f'<div class="berita-item"><h3><a href="/berita/t{i}/">Sosialisasi program {i}</a>'
        f'</h3><time class="grey foot timeago" title="{day - timedelta(days=i)} 16:29:06">'
        f'{12 + i} jam lalu</time></div>' for i in range(3)) + PROSE


def announcement_body(today: date, event_days_ago: int = 5) -> str:
    """A post of 100 days ago and an announcement whose prose names the event's date (in
    the recent past): the event date is not a publication date."""
    event = today - timedelta(days=event_days_ago)
    return (f'<div class="pengumuman"><h3><a href="/pengumuman/musyawarah/">Pengumuman '
            f'musyawarah kelurahan</a></h3><p>Musyawarah rencana pembangunan akan '
            f'dilaksanakan pada tanggal {event.day} {BULAN[event.month - 1]} {event.year} di '
            f'balai kelurahan.</p></div>'
            + _post("Pelantikan ketua RT", today - timedelta(days=100), markup=False) + PROSE)


def _stamps(today: date) -> list[FleetSite]:
    return [
        FleetSite("fresh_static_relative", {"/": Page(body=_page("", static_relative_body()))}),
        FleetSite("fresh_clock_listing", {"/": Page(body=_page("", _clock_listing()))}),
        FleetSite("fresh_timeago_title", {"/": Page(body=_page("", _timeago(today)))}),
        FleetSite("fresh_event_in_prose", {"/": Page(body=_page("", announcement_body(today)))}),
    ]


def freshness_sites(today: date | None = None) -> list[FleetSite]:
    today = today or now_jakarta().date()
    return [_dead_wordpress(), *_single_sources(today), _traps(today), _disagree(today),
            _hostile(today), *_stamps(today)]


Expected = tuple[str | None, str | None, str]


def expected(today: date | None = None) -> dict[str, Expected]:
    """name: (last_update, last_update_source, activity)."""
    today = today or now_jakarta().date()

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    return {
        "fresh_wp_dead_today_header": (DEAD_POST.isoformat(), "wp-api", "tidak_aktif"),
        "fresh_wp_api_only": (ago(10), "wp-api", "aktif"),
        "fresh_feed_only": (ago(40), "feed", "kurang_aktif"),
        "fresh_sitemap_only": (ago(100), "sitemap", "tidak_aktif"),
        "fresh_jsonld_only": (ago(3), "jsonld", "aktif"),
        "fresh_meta_only": (ago(20), "meta", "aktif"),
        "fresh_time_only": (ago(45), "time", "kurang_aktif"),
        "fresh_text_only": (ago(60), "text", "kurang_aktif"),
        # a relative stamp alone never dates a site (first sweep: kept as "tentative")
        "fresh_relative_text": (None, None, "tidak_aktif"),
        "fresh_static_relative": (STATIC_OLD[0].isoformat(), "text", "tidak_aktif"),
        "fresh_clock_listing": (None, None, "tidak_aktif"),
        "fresh_timeago_title": (ago(TIMEAGO_DAYS), "time", "tidak_aktif"),
        "fresh_event_in_prose": (ago(100), "text", "tidak_aktif"),
        "fresh_header_only": (ago(200), "http-header", "tidak_aktif"),
        "fresh_header_now": (None, None, "tidak_aktif"),
        "fresh_no_dates": (None, None, "tidak_aktif"),
        "fresh_traps": ("2024-03-05", "text", "tidak_aktif"),
        "fresh_disagree": (ago(12), "wp-api", "aktif"),
        "fresh_hostile": (ago(8), "time", "aktif"),
    }
