"""Scripted fleet sites whose state changes from sweep to sweep, for the alert tests.

``Script.sweep`` is the sweep number the sites answer for; ``EXPECTED`` says which alerts
(site, kind) each sweep must raise, exactly once, with the default settings.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fleet_content import (
    CPANEL_SUSPENDED,
    DEFACED,
    NGINX_DEFAULT,
    SPAM_HIDDEN_BLOCK,
    kelurahan_page,
)

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page

HEALTHY = kelurahan_page("Sukarame")
DOWN = Page(status=503, body="<h1>503 Service Unavailable</h1>")


@dataclass
class Script:
    sweep: int = 0


def _site(name: str, script: Script, page_at: Callable[[int], Page], **kw: object) -> FleetSite:
    def home(_request: FleetRequest) -> Page:
        return page_at(script.sweep)

    return FleetSite(name, {"/": home}, **kw)  # type: ignore[arg-type]


def _from(sweep: int, bad: Page) -> Callable[[int], Page]:
    return lambda n: bad if n >= sweep else Page(body=HEALTHY)


def alert_sites(script: Script) -> list[FleetSite]:
    return [
        _site("judi", script, _from(1, Page(body=SPAM_HIDDEN_BLOCK))),
        _site("deface", script, _from(2, Page(body=DEFACED))),
        _site("susp", script, _from(1, Page(body=CPANEL_SUSPENDED))),
        _site("deflt", script, _from(1, Page(body=NGINX_DEFAULT))),
        _site("flaky", script, lambda n: DOWN if n in (1, 2) else Page(body=HEALTHY)),
        _site("blip", script, lambda n: DOWN if n == 1 else Page(body=HEALTHY)),
        _site("steady", script, lambda n: Page(body=HEALTHY)),
        _site("badcert", script, lambda n: Page(body=HEALTHY), tls="self_signed"),
        # the fleet's valid certificates run 60 days: "expiring" with alert_cert_days=90
        _site("certsoon", script, lambda n: Page(body=HEALTHY), tls="valid"),
        _site("lain", script, lambda n: DOWN),  # in the other kecamatan
    ]


# sweep number -> the alerts it must raise, as (site code, kind), with alert_cert_days=90
EXPECTED: dict[int, set[tuple[str, str]]] = {
    0: {("badcert", "cert_invalid"), ("certsoon", "cert_expiring")},
    1: {("judi", "judi_spam"), ("susp", "suspended"), ("deflt", "default_page"),
        ("badcert", "down"), ("lain", "down")},
    2: {("deface", "defaced"), ("flaky", "down")},
    3: {("flaky", "back_up")},
    4: set(),
}
KECAMATAN_UJI = {"judi", "deface", "susp", "deflt", "flaky", "blip", "steady", "badcert",
                 "certsoon"}


def write_targets(fleet: Fleet, path: Path, *, uji_urls: str = "", lain_urls: str = "",
                  emails: dict[str, str] | None = None) -> Path:
    """Kecamatan Uji (most sites) and Lain (one site), an area with no website, and the
    optional alert_urls column on the kecamatan rows."""
    emails = emails or {}
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "level", "name", "kecamatan", "url", "email", "alert_urls"])
        writer.writerow(["K1", "kecamatan", "Uji", "Uji", "", emails.get("K1", ""), uji_urls])
        writer.writerow(["K2", "kecamatan", "Lain", "Lain", "", "", lain_urls])
        for name in fleet.sites:
            kecamatan = "Uji" if name in KECAMATAN_UJI else "Lain"
            writer.writerow([name, "kelurahan", name.title(), kecamatan, fleet.url(name),
                             emails.get(name, ""), ""])
        writer.writerow(["nosite", "kelurahan", "Tanpa Situs", "Uji", "", "", ""])
    return path
