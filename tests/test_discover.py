"""`monitor discover`: candidate addresses for areas with no url, judged on what the page says.

The simulated fleet plays the city's portals and a few area hosts; an injected resolver maps
host names onto it (port 443 is refused, as on a host without HTTPS, so HTTP is tried next),
and every other name does not resolve. Nothing here touches the internet.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from monitor import USER_AGENT
from monitor.core.errors import UsageError
from monitor.core.snapshot import Fetched
from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.discover.apply import apply
from monitor.discover.fetch import Limits
from monitor.discover.names import AreaIndex
from monitor.discover.output import render, safe_cell
from monitor.discover.run import DiscoverOptions, Discovery, discover
from monitor.discover.verify import judge, page_facts
from monitor.sweep.fetch import default_ssl_context
from monitor.targets.loader import Target, load, parse

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "bandarlampungkota.go.id"
PORTAL = f"https://{DOMAIN}/"
KEL_PORTAL = f"kelurahan.{DOMAIN}"
PATTERNS = {"kecamatan": ["kecamatan{slug}.{domain}", "kec-{slug}.{domain}", "{slug}.{domain}"],
            "kelurahan": ["kelurahan.{domain}/{snake}_sejarah", "kelurahan{slug}.{domain}",
                          "{slug}.{domain}"]}


def html(title: str, *, h1: str = "", h2: str = "", body: str = "") -> Page:
    return Page(body=f"<!doctype html><html><head><title>{title}</title></head><body>"
                     f"<h1>{h1}</h1><h2>{h2}</h2>{body}</body></html>")


def fleet_sites() -> list[FleetSite]:
    portal_home = html("Pemerintah Kota Bandar Lampung", h1="Selamat datang", body="""
        <h3>Camat Kedaton resmikan posyandu</h3>
        <a href="/berita/camat-kedaton">Kecamatan Kedaton resmikan posyandu</a>
        <a href="http://tkpusat.bandarlampungkota.go.id/profil">Website Kec. Tanjung Karang
           Pusat</a>
        <a href="https://lampost.co/kecamatan-kedaton">Kecamatan Kedaton di Lampost</a>
        <a href="/kecamatan">Daftar kecamatan</a>
        <a href="mailto:diskominfo@bandarlampungkota.go.id">surat</a>""")
    return [
        FleetSite("portal", {
            "/": portal_home,
            "/kecamatan": html("Daftar Kecamatan", body="""
                <a href="https://tbbarat.bandarlampungkota.go.id/">Kecamatan Teluk Betung
                   Barat</a>"""),
            "/berita/camat-kedaton": html("Kecamatan Kedaton resmikan posyandu",
                                          h1="Kecamatan Kedaton resmikan posyandu")}),
        FleetSite("kel_portal", {
            "/": html("Portal Kelurahan Kota Bandar Lampung", body="""
                <a href="/gotong_royong_sejarah">Gotong Royong</a>
                <a href="/sukarame_ii_sejarah">Sukarame 2</a>"""),
            "/gotong_royong_sejarah": html("Portal Kelurahan Kota Bandar Lampung",
                                           h1="Kelurahan Gotong Royong", h2="Sejarah"),
            "/sukarame_ii_sejarah": html("Portal Kelurahan Kota Bandar Lampung",
                                         h1="Kelurahan Sukarame II", h2="Sejarah")}),
        # the right area, by pattern; its news headings name a kelurahan
        FleetSite("kedaton", {"/": html("Kecamatan Kedaton - Kota Bandar Lampung",
                                        h1="Kecamatan Kedaton",
                                        h2="Kelurahan Sidodadi juara lomba kebersihan")}),
        # a bare pattern host shared by kecamatan and kelurahan Kedaton: the page says which
        FleetSite("kel_kedaton", {"/": html("Kelurahan Kedaton", h1="Kelurahan Kedaton")}),
        # found by link only, under spelling variants
        FleetSite("tkpusat", {"/": html("Kecamatan Tanjung Karang Pusat")}),
        FleetSite("tbbarat", {"/": html("Kec. Teluk Betung Barat | Bandar Lampung")}),
        # hosts that exist but belong to another area
        FleetSite("rajabasa_wrong", {"/": html("Kecamatan Kemiling", h1="Kecamatan Kemiling")}),
        FleetSite("sukarame_baru", {"/": html("Kelurahan Sukarame Baru")}),
        # parked, and garbage
        FleetSite("parked", {"/": html("Kecamatan Enggal",
                                       body="kecamatanenggal.bandarlampungkota.go.id - "
                                            "This domain may be for sale")}),
        FleetSite("garbage", {"/": Page(raw=b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")}),
        # a bare name: fine when the address says the level, not when it is shared
        FleetSite("wayhalim", {"/": html("Way Halim", h1="Selamat datang")}),
        FleetSite("labuhanratu", {"/": html("Labuhan Ratu")}),
    ]


HOSTS = {
    DOMAIN: "portal", KEL_PORTAL: "kel_portal",
    f"kecamatankedaton.{DOMAIN}": "kedaton", f"kedaton.{DOMAIN}": "kel_kedaton",
    f"tkpusat.{DOMAIN}": "tkpusat", f"tbbarat.{DOMAIN}": "tbbarat",
    f"kec-rajabasa.{DOMAIN}": "rajabasa_wrong", f"sukarame.{DOMAIN}": "sukarame_baru",
    f"kecamatanenggal.{DOMAIN}": "parked", f"kecamatankemiling.{DOMAIN}": "garbage",
    f"kec-wayhalim.{DOMAIN}": "wayhalim", f"labuhanratu.{DOMAIN}": "labuhanratu",
}


class FleetResolver:
    """Names -> fleet sites; port 443 refused (no HTTPS there); anything else: no such name."""

    def __init__(self, fleet: Fleet | None, hosts: dict[str, str],
                 wildcard: str | None = None) -> None:
        self.fleet, self.hosts, self.wildcard = fleet, hosts, wildcard
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> tuple[str, int] | None:
        self.asked.append(host)
        name = self.hosts.get(host)
        if name is None and self.wildcard and host.endswith("." + DOMAIN):
            name = self.wildcard
        if name is None or self.fleet is None:
            return None
        site = self.fleet.sites[name]
        return (site.host, 1) if port == 443 else (site.host, site.port)


def options(**limits: float) -> DiscoverOptions:
    return DiscoverOptions(DOMAIN, (PORTAL, f"https://{KEL_PORTAL}/"), KEL_PORTAL, PATTERNS,
                           limits=Limits(timeout=3, time_limit=60, **limits))  # type: ignore[arg-type]


def shipped_targets(*, clear: tuple[str, ...] = ()) -> list[Target]:
    return [dataclasses.replace(t, url="") if t.code in clear else t
            for t in load(ROOT / "targets.csv")]


def run(targets: list[Target], resolver: FleetResolver, opts: DiscoverOptions | None = None
        ) -> Discovery:
    return asyncio.run(discover(targets, opts or options(), ssl_context=default_ssl_context(),
                                resolver=resolver))


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with Fleet(fleet_sites()) as running:
        yield running


@pytest.fixture(scope="module")
def found(fleet: Fleet) -> tuple[Discovery, FleetResolver]:
    resolver = FleetResolver(fleet, HOSTS)
    targets = shipped_targets(clear=("18.71.06.1002", "18.71.08.1008"))
    return run(targets, resolver), resolver


def urls(discovery: Discovery, code: str) -> list[str]:
    return [p.url for p in discovery.proposals if p.area.code == code]


def test_pattern_host_naming_the_right_area_is_proposed_first(
    found: tuple[Discovery, FleetResolver],
) -> None:
    discovery, _ = found
    assert urls(discovery, "18.71.01") == [f"http://kecamatankedaton.{DOMAIN}/"]
    best = next(p for p in discovery.proposals if p.area.code == "18.71.01")
    assert best.confidence >= 0.9
    assert 'title "Kecamatan Kedaton - Kota Bandar Lampung" names Kecamatan Kedaton' \
        in best.evidence[0]
    # the shared bare host says "Kelurahan Kedaton": the kelurahan's, not the kecamatan's
    assert urls(discovery, "18.71.01.1003") == [f"http://kedaton.{DOMAIN}/"]
    # a kelurahan named in the kecamatan site's news headings does not make it theirs
    assert urls(discovery, "18.71.01.1006") == []


def test_portal_links_found_under_spelling_variants(
    found: tuple[Discovery, FleetResolver],
) -> None:
    discovery, _ = found
    tkp = [p for p in discovery.proposals if p.area.code == "18.71.06"]
    assert [p.url for p in tkp] == [f"http://tkpusat.{DOMAIN}/"]
    assert tkp[0].found_by == {"portal-link"}
    assert "Website Kec. Tanjung Karang Pusat" in " ".join(tkp[0].evidence)
    # linked from a page one hop into the portal, spelt "Teluk Betung Barat"
    assert urls(discovery, "18.71.08") == [f"http://tbbarat.{DOMAIN}/"]
    # the kelurahan portal's own pages, by link and by pattern
    gotong = next(p for p in discovery.proposals if p.area.code == "18.71.06.1002")
    assert gotong.url == f"http://{KEL_PORTAL}/gotong_royong_sejarah"
    assert gotong.found_by == {"portal-link", "pattern"}
    assert urls(discovery, "18.71.08.1008") == [f"http://{KEL_PORTAL}/sukarame_ii_sejarah"]


def test_never_proposes_another_areas_site(found: tuple[Discovery, FleetResolver]) -> None:
    discovery, _ = found
    proposed = {(p.area.code, p.url) for p in discovery.proposals}
    assert proposed == {
        ("18.71.01", f"http://kecamatankedaton.{DOMAIN}/"),
        ("18.71.01.1003", f"http://kedaton.{DOMAIN}/"),
        ("18.71.06", f"http://tkpusat.{DOMAIN}/"),
        ("18.71.06.1002", f"http://{KEL_PORTAL}/gotong_royong_sejarah"),
        ("18.71.08", f"http://tbbarat.{DOMAIN}/"),
        ("18.71.08.1008", f"http://{KEL_PORTAL}/sukarame_ii_sejarah"),
        ("18.71.15", f"http://kec-wayhalim.{DOMAIN}/"),
    }
    why = {(code, url): reason for code, url, reason in discovery.rejected}
    # a host naming Rajabasa whose page names Kemiling: neither area gets it
    assert "names kecamatan 'Kecamatan Kemiling', not Kecamatan Rajabasa" in why[
        ("18.71.10", f"//kec-rajabasa.{DOMAIN}/")]
    # "Kelurahan Sukarame Baru" is not Sukarame, kecamatan or kelurahan
    assert "not Kecamatan Sukarame" in why[("18.71.02", f"//sukarame.{DOMAIN}/")]
    assert "not Kelurahan Sukarame" in why[("18.71.02.1003", f"//sukarame.{DOMAIN}/")]
    assert "parked" in why[("18.71.17", f"//kecamatanenggal.{DOMAIN}/")]
    assert "broken HTTP" in why[("18.71.13", f"//kecamatankemiling.{DOMAIN}/")]
    # "Labuhan Ratu" alone: both a kecamatan and a kelurahan, and the address does not say
    assert "neither page nor address says which" in why[("18.71.14",
                                                         f"//labuhanratu.{DOMAIN}/")]
    assert "does not resolve" in why[("18.71.20", f"//kecamatanbumiwaras.{DOMAIN}/")]


def test_a_bare_name_counts_less_than_a_level_word(found: tuple[Discovery, FleetResolver]
                                                   ) -> None:
    discovery, _ = found
    by_code = {p.area.code: p for p in discovery.proposals}
    assert by_code["18.71.15"].confidence < by_code["18.71.01"].confidence
    assert "no level word" in by_code["18.71.15"].evidence[0]


def test_portal_articles_and_outside_links_are_not_candidates(
    fleet: Fleet, found: tuple[Discovery, FleetResolver],
) -> None:
    discovery, resolver = found
    assert "lampost.co" not in resolver.asked  # not go.id and its host names no area
    judged = {url for _, url, _ in discovery.rejected} | {p.url for p in discovery.proposals}
    assert not any("/berita/" in url for url in judged)
    portal_paths = [r.path for r in fleet.sites["portal"].requests]
    assert "/kecamatan" in portal_paths  # the crawl followed the portal's own page
    agents = {r.user_agent for site in fleet.sites.values() for r in site.requests}
    assert agents == {USER_AGENT}


def test_csv_lists_best_first_with_evidence(found: tuple[Discovery, FleetResolver]) -> None:
    discovery, _ = found
    rows = list(csv.DictReader(io.StringIO(render(discovery))))
    assert list(rows[0]) == ["code", "level", "name", "kecamatan", "url", "found_by",
                             "confidence", "evidence"]
    first = rows[0]
    assert (first["code"], first["url"]) == ("18.71.01", f"http://kecamatankedaton.{DOMAIN}/")
    assert first["evidence"].startswith(f"http://kecamatankedaton.{DOMAIN}/ answered 200")
    assert all(0 < float(r["confidence"]) < 1 for r in rows)


def test_wildcard_dns_pages_are_rejected(fleet: Fleet) -> None:
    resolver = FleetResolver(fleet, {DOMAIN: "portal"}, wildcard="portal")
    kecamatan = [t for t in shipped_targets() if t.level != "kelurahan"]
    discovery = run(kecamatan, resolver)
    assert discovery.proposals == []
    assert discovery.wildcard is not None
    # the portal's news heading "Camat Kedaton ..." would otherwise pass for Kedaton's site
    reasons = [why for _, url, why in discovery.rejected if url.startswith("//kecamatan")]
    assert len(reasons) == 20
    assert all("same page as a made-up host's page (wildcard DNS)" in why for why in reasons)


def test_offline_run_on_shipped_targets_proposes_nothing(
    run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    from monitor.cli import discover_cmd

    resolver = FleetResolver(None, {})
    monkeypatch.setattr(discover_cmd, "RESOLVER", resolver)
    result = run_cli("discover", "--targets", str(ROOT / "targets.csv"),
                     "--output", str(tmp_path / "d.csv"))
    assert result.code == 0, result  # type: ignore[attr-defined]
    assert "could not reach the portals" in result.out  # type: ignore[attr-defined]
    assert "0 proposed" in result.out  # type: ignore[attr-defined]
    text = (tmp_path / "d.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["code,level,name,kecamatan,url,found_by,confidence,evidence"]
    # the portals' names did not resolve, so nothing else under the city domain was asked
    assert set(resolver.asked) <= {DOMAIN, KEL_PORTAL} | {
        h for h in resolver.asked if h.startswith("discover-probe-")}


def test_requests_per_host_are_bounded(fleet: Fleet) -> None:
    resolver = FleetResolver(fleet, HOSTS)
    before = len(fleet.sites["kel_portal"].requests)
    discovery = run(shipped_targets(), resolver, options(host_requests=5))
    assert len(fleet.sites["kel_portal"].requests) - before <= 5
    assert discovery.skipped["per-host request limit"] > 0
    assert any("per-host request limit" in line for line in discovery.summary())


def test_time_limit_stops_asking(fleet_factory: Callable[[list[FleetSite]], Fleet]) -> None:
    hanging = fleet_factory([FleetSite("portal", {"/": Page(hang=True)})])
    resolver = FleetResolver(hanging, {DOMAIN: "portal", KEL_PORTAL: "portal"})
    opts = dataclasses.replace(options(), limits=Limits(timeout=0.5, time_limit=0.3))
    discovery = run(shipped_targets(), resolver, opts)
    assert discovery.portal_errors[PORTAL].startswith("timeout")
    assert discovery.skipped["time limit"] > 0


# -- names and judgements --------------------------------------------------------------------

@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(load(ROOT / "targets.csv"))


@pytest.mark.parametrize(("text", "expected"), [
    ("Kecamatan Tanjung Karang Pusat", [("tanjungkarangpusat", "kecamatan")]),
    ("KEC. TANJUNGKARANG PUSAT", [("tanjungkarangpusat", "kecamatan")]),
    ("Kel. Sukarame Baru", [("sukaramebaru", "kelurahan")]),
    ("Kelurahan Sukarame 2", [("sukarameii", "kelurahan")]),
    ("Camat Teluk Betung Utara", [("telukbetungutara", "kecamatan")]),
    ("Kecamatan Tanjung Seneng", [("tanjungsenang", "kecamatan")]),
    ("Tj. Karang Timur", [("tanjungkarangtimur", None)]),
    ("Pemerintah Kota Bandar Lampung", []),
    ("Sidodadi, Kedaton", [("sidodadi", None), ("kedaton", None)]),
])
def test_names_match_whole_words_longest_first(
    index: AreaIndex, text: str, expected: list[tuple[str, str | None]],
) -> None:
    assert [(m.key, m.level) for m in index.mentions(text)] == expected


@pytest.mark.parametrize(("label", "expected"), [
    ("kecamatankedaton", ("kecamatan", "kedaton")),
    ("kec-tanjungkarangpusat", ("kecamatan", "tanjungkarangpusat")),
    ("kelapatiga", (None, "kelapatiga")),
    ("kelurahan-sidodadi", ("kelurahan", "sidodadi")),
    ("diskominfo", None),
])
def test_host_labels_read_as_areas(
    index: AreaIndex, label: str, expected: tuple[str | None, str] | None,
) -> None:
    assert index.label_match(label) == expected


def page(url: str, body: str) -> Fetched:
    return Fetched(url=url, final_url=url, status_code=200, body=body.encode(),
                   headers={"content-type": "text/html"})


def test_a_kelurahan_page_naming_another_kecamatan_is_rejected(index: AreaIndex) -> None:
    area = index.by_code["18.71.01.1006"]  # Sidodadi, in Kedaton
    wrong = page(f"https://sidodadi.{DOMAIN}/",
                 "<title>Kelurahan Sidodadi - Kecamatan Kemiling</title>")
    right = page(f"https://sidodadi.{DOMAIN}/",
                 "<title>Kelurahan Sidodadi - Kecamatan Kedaton</title>")
    assert not judge(area, page_facts(wrong), index, None).accepted
    verdict = judge(area, page_facts(right), index, None)
    assert verdict.accepted and verdict.confidence == 0.95


def test_hosts_outside_go_id_are_capped(index: AreaIndex) -> None:
    verdict = judge(index.by_code["18.71.01"],
                    page_facts(page("https://kedaton.example.com/",
                                    "<title>Kecamatan Kedaton</title>")), index, None)
    assert verdict.accepted and verdict.confidence <= 0.3
    assert "not under go.id" in verdict.evidence


def test_hostile_page_text_is_cut_and_spreadsheet_safe(index: AreaIndex) -> None:
    huge = "=HYPERLINK(\"http://evil\")" + "x" * 1_000_000
    facts = page_facts(page(f"https://x.{DOMAIN}/", f"<title>{huge}</title><h1>\x07</h1>"))
    assert len(facts.title) <= 300
    assert safe_cell(facts.title).startswith("'=")
    assert safe_cell("a\r\nb\x00c") == "a b c"


# -- --apply ---------------------------------------------------------------------------------

TARGETS = ("\ufeffcode,level,name,kecamatan,url,email,note\r\n"
           "18.71.01,kecamatan,Kedaton,Kedaton,,camat@kedaton.go.id,\"a, b\"\r\n"
           "18.71.01.1006,kelurahan,Sidodadi,Kedaton,https://set.example.go.id/,,\r\n"
           "18.71.01.1003,kelurahan,Kedaton,Kedaton,,,x\r\n")


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def kept(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "level", "name", "kecamatan", "url", "found_by", "confidence",
                     "evidence"])
    for code, name, url in rows:
        writer.writerow([code, "", name, "", url, "pattern", "0.95", "title ..."])
    return write(tmp_path / "discovered.csv", out.getvalue())


def test_apply_fills_only_empty_urls_and_keeps_every_other_byte(tmp_path: Path) -> None:
    targets = write(tmp_path / "targets.csv", TARGETS)
    result = apply(kept(tmp_path, [("18.71.01", "Kedaton", "https://kec.example.go.id/"),
                                   ("18.71.01.1006", "Sidodadi", "https://new.example.go.id/")]),
                   targets)
    assert result.written == [("18.71.01", "https://kec.example.go.id/")]
    assert result.unchanged == [("18.71.01.1006", "https://set.example.go.id/")]
    expected = TARGETS.replace("Kedaton,Kedaton,,camat", "Kedaton,Kedaton,"
                               "https://kec.example.go.id/,camat")
    assert targets.read_bytes().decode("utf-8") == expected
    assert parse(expected.lstrip("\ufeff"))[0].url == "https://kec.example.go.id/"


@pytest.mark.parametrize(("rows", "message"), [
    ([("18.71.01", "Kedaton", "https://a.go.id/"), ("18.71.01", "Kedaton", "https://b.go.id/")],
     "keep one address per area"),
    ([("18.71.99", "Nowhere", "https://a.go.id/")], "18.71.99 is not in"),
    ([("18.71.01", "Kedaton", "javascript:alert(1)")], "must start with http"),
    ([("18.71.01", "Sidodadi", "https://a.go.id/")], "but 18.71.01 is 'Kedaton'"),
])
def test_apply_refuses_bad_rows_and_writes_nothing(
    tmp_path: Path, rows: list[tuple[str, str, str]], message: str,
) -> None:
    targets = write(tmp_path / "targets.csv", TARGETS)
    with pytest.raises(UsageError, match=message):
        apply(kept(tmp_path, rows), targets)
    assert targets.read_bytes().decode("utf-8") == TARGETS


def test_apply_cli_exit_status(run_cli: Callable[..., object], tmp_path: Path) -> None:
    targets = write(tmp_path / "targets.csv", TARGETS)
    good = kept(tmp_path, [("18.71.01.1003", "Kedaton", "https://kel.example.go.id/")])
    result = run_cli("discover", "--targets", str(targets), "--apply", str(good))
    assert result.code == 0, result  # type: ignore[attr-defined]
    assert "1 address(es) written" in result.out  # type: ignore[attr-defined]
    assert load(targets)[2].url == "https://kel.example.go.id/"
    bad = kept(tmp_path, [("nope", "", "https://x.go.id/")])
    result = run_cli("discover", "--targets", str(targets), "--apply", str(bad))
    assert result.code == 2  # type: ignore[attr-defined]


def test_a_pattern_typo_is_a_usage_error(run_cli: Callable[..., object]) -> None:
    result = run_cli("discover", "--targets", str(ROOT / "targets.csv"),
                     env={"MONITOR_DISCOVER_KECAMATAN_PATTERNS": "kecamatan{nama}.{domain}"})
    assert result.code == 2  # type: ignore[attr-defined]
    assert "kecamatan{nama}.{domain}" in result.err  # type: ignore[attr-defined]
