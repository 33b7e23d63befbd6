"""Scripted fleet sites for the mobile audit, one per issue, with the verdicts expected.

``MOBILE`` maps a site name to (static issues, browser issues): the tests assert both, the
demo and ``benchmarks/mobile.py`` reuse the sites. ``mobile_friendly`` follows from the issues
(see ``monitor.checks.mobile.check.BLOCKING``).
"""

from __future__ import annotations

from monitor.demo.fleet import FleetSite, Page, Route
from monitor.demo.pages import DEVICE, RESPONSIVE_CSS

TEXT = ("<h1>Kelurahan Contoh</h1><p>Selamat datang di situs resmi Kelurahan Contoh, Kota "
        "Bandar Lampung. Layanan administrasi kependudukan buka Senin sampai Jumat.</p>"
        "<p>Pengumuman: kerja bakti warga hari Minggu pukul 07.00 WIB di balai kelurahan.</p>")


def _page(head: str, body: str, css: str = RESPONSIVE_CSS) -> str:
    link = '<link rel="stylesheet" href="/style.css">' if css else ""
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8">{head}{link}'
            f"<title>Kelurahan Contoh</title></head><body>{body}</body></html>")


def _site(name: str, head: str, body: str = TEXT, css: str = RESPONSIVE_CSS) -> FleetSite:
    routes: dict[str, Route] = {"/": Page(body=_page(head, f'<div class="wrap">{body}</div>',
                                                     css))}
    if css:
        routes["/style.css"] = Page(body=css, content_type="text/css")
    return FleetSite(name, routes)


TINY_LINKS = "".join(f'<a href="/p{i}" style="display:inline-block;width:20px;height:20px;'
                     f'background:#ccc"></a>' for i in range(8))
LATE_WIDE = ("<script>document.body.insertAdjacentHTML('beforeend', "
             "'<div style=\"width:900px;height:20px;background:red\">banner</div>')</script>")
LATE_VIEWPORT = ("<script>var m = document.createElement('meta'); m.name = 'viewport'; "
                 "m.content = 'width=device-width, initial-scale=1'; "
                 "document.head.appendChild(m);</script>")


def mobile_sites() -> list[FleetSite]:
    """One site per mobile issue the SPEC names, plus a good one and two controls."""
    return [
        _site("mobile_ok", DEVICE),
        _site("no_viewport", ""),
        _site("viewport_fixed", '<meta name="viewport" content="width=1024">'),
        _site("viewport_zoom", '<meta name="viewport" content="width=device-width, '
                               'initial-scale=1, maximum-scale=1, user-scalable=no">'),
        _site("fixed_width", DEVICE, css="body { margin: 0 } #wrapper { width: 1000px; }",
              body=f'<div id="wrapper">{TEXT}</div>'),
        _site("fixed_width_undone", DEVICE, body=f'<div class="container">{TEXT}</div>',
              css=".container { width: 1000px; }\n"
                  "@media (max-width: 768px) { .container { width: auto; } }"),
        _site("table_layout", DEVICE, body=f'<table width="900"><tr><td>{TEXT}</td></tr></table>'),
        _site("small_text", DEVICE, css="body { font-size: 10px; }\n"
                                         "@media (max-width: 600px) { h1 { margin: 0 } }"),
        _site("no_responsive_css", DEVICE, css="body { font-family: sans-serif; }"),
        _site("heavy_page", DEVICE, body=TEXT + "<!-- " + "x" * 1_700_000 + " -->"),
        _site("plugin_content", DEVICE, body=TEXT + '<embed src="/intro.swf" width="300" '
              'height="200" type="application/x-shockwave-flash">'),
        _site("small_tap_targets", DEVICE, body=TEXT + f"<div>{TINY_LINKS}</div>"),
        _site("horizontal_scroll", DEVICE, body=TEXT + LATE_WIDE),
        _site("script_viewport", "", body=TEXT + LATE_VIEWPORT),
        _site("hostile_css", DEVICE, css="}}}{{{ @media { body { font-size: 4" + "{" * 5000
              + " .x { width: 99999px } @media screen and (max-width:" + "a" * 100_000),
    ]


# name: (static issues, browser issues)
MOBILE: dict[str, tuple[list[str], list[str]]] = {
    "mobile_ok": ([], []),
    "no_viewport": (["no_viewport"], ["no_viewport", "horizontal_scroll"]),
    "viewport_fixed": (["viewport_not_device_width"],
                       ["viewport_not_device_width", "horizontal_scroll"]),
    "viewport_zoom": (["viewport_blocks_zoom"], ["viewport_blocks_zoom"]),
    "fixed_width": (["fixed_width_layout", "no_responsive_css"],
                    ["horizontal_scroll", "fixed_width_layout", "no_responsive_css"]),
    "fixed_width_undone": ([], []),
    "table_layout": (["fixed_width_layout"], ["horizontal_scroll", "fixed_width_layout"]),
    "small_text": (["small_text"], ["small_text"]),
    "no_responsive_css": (["no_responsive_css"], ["no_responsive_css"]),
    "heavy_page": (["heavy_page"], ["heavy_page"]),
    "plugin_content": (["plugin_content"], ["plugin_content"]),
    "small_tap_targets": ([], ["small_tap_targets"]),
    "horizontal_scroll": ([], ["horizontal_scroll"]),
    "script_viewport": (["no_viewport"], []),
    "hostile_css": (["no_responsive_css"], ["no_responsive_css"]),  # its one query is broken
}
