"""The admin page: lists sites that need action, records reviews, escapes everything a site
or targets.csv says, refuses cross-site posts and requests without the password."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from review_seed import DOWN, NOW, SITES, UP_AKTIF, healthy_week, stale

from monitor.admin import create_app
from monitor.admin.serve import build_server
from monitor.store import Store
from monitor.store.reviews import add_review, history

TKP, SIDODADI, GOTONG = "18.71.02", "18.71.01.1001", "18.71.02.1001"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = dict(UP_AKTIF, content_flags=["defaced"], findings={"content": {"evidence": [
    {"rule": "defacement", "url": "javascript:alert(2)", "text": "<img src=x onerror=alert(3)>"}]}})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'admin.db'}")
    healthy_week(store, {SIDODADI: DOWN, TKP: stale(120), GOTONG: HOSTILE})
    store.sync_targets([replace(t, name=SCRIPT) if t.code == GOTONG else t for t in SITES], NOW)
    return store


def make_app(store: Store, **kwargs: Any) -> Flask:
    app = create_app(store, clock=lambda: NOW, **kwargs)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return make_app(store).test_client()


def token_of(client: FlaskClient, **headers: str) -> str:
    page = client.get("/", headers=headers).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def review_form(token: str, **more: str) -> dict[str, str]:
    return dict({"csrf_token": token, "code": TKP, "status": "dihubungi",
                 "note": "Telepon operator", "by": "dina"}, **more)


def test_lists_sites_that_need_action_worst_first(client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r'<tr id="site-([^"]+)"', page)
    # the verdicts' one order: defaced, down all week, tidak_aktif, no website
    assert rows == [GOTONG, SIDODADI, TKP, "18.71.01.1002"]
    assert "Situs tidak dapat diakses sepanjang minggu (server terlalu lama menjawab)" in page
    assert "Yang perlu dilakukan: Periksa hosting" in page and "belum ditinjau" in page
    assert "Tidak dapat diakses sepanjang periode" in page  # the reason's label
    assert "<code>down_week</code>" in page  # the raw reason, in <details>


def test_filters_by_kecamatan(client: FlaskClient) -> None:
    page = client.get("/?kecamatan=tanjung+karang+pusat").get_data(as_text=True)
    assert re.findall(r'<tr id="site-([^"]+)"', page) == [GOTONG, TKP]
    assert client.get("/?kecamatan=Atlantis").status_code == 400


def test_escapes_everything_from_sites_and_targets(client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(2)" in page
    assert "script-src" not in response.headers["Content-Security-Policy"]  # no script at all
    assert response.headers["X-Frame-Options"] == "DENY"


def test_records_a_review_and_shows_it(client: FlaskClient, store: Store) -> None:
    token = token_of(client)
    response = client.post("/review", data=review_form(token, note=f"lihat {SCRIPT}"))
    assert response.status_code == 303
    assert [(r.status, r.by) for r in history(store, TKP)] == [("dihubungi", "dina")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tinjauan untuk 18.71.02 dicatat." in page
    assert SCRIPT not in page and "lihat &lt;script&gt;" in page
    hist = client.get(f"/site/{TKP}").get_data(as_text=True)
    assert "dihubungi" in hist and SCRIPT not in hist


def test_a_contradicted_selesai_shows_as_reopened(client: FlaskClient, store: Store) -> None:
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(days=3))
    page = client.get("/").get_data(as_text=True)
    row = page[page.index(f'id="site-{TKP}"'):page.index('id="site-18.71.01.1002"')]
    assert "dibuka kembali" in row and "Sudah diperbarui" in row
    assert '<option value="selesai" selected>' in row  # the form starts from the last status


def test_a_bad_review_is_refused_with_a_message(client: FlaskClient, store: Store) -> None:
    response = client.post("/review", data=review_form(token_of(client), note=" "))
    assert response.status_code == 400
    assert "needs a note" in response.get_data(as_text=True)
    assert history(store, TKP) == []


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_refuses_a_post_without_the_csrf_token(client: FlaskClient, store: Store,
                                               token: str) -> None:
    token_of(client)  # the session has a token; the post does not carry it
    assert client.post("/review", data=review_form(token)).status_code == 403
    assert history(store, TKP) == []


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}])
def test_refuses_a_cross_site_post_even_with_a_token(client: FlaskClient, store: Store,
                                                     headers: dict[str, str]) -> None:
    token = token_of(client)
    assert client.post("/review", data=review_form(token), headers=headers).status_code == 403
    assert history(store, TKP) == []


def test_same_origin_post_is_accepted(client: FlaskClient, store: Store) -> None:
    token = token_of(client)
    response = client.post("/review", data=review_form(token),
                           headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and len(history(store, TKP)) == 1


def test_password_is_required_when_set(store: Store) -> None:
    client = make_app(store, password="rahasia").test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", auth=("admin", "salah")).status_code == 401
    assert client.get(f"/site/{TKP}").status_code == 401
    assert client.post("/review", data=review_form("x")).status_code == 401
    ok = client.get("/", auth=("admin", "rahasia"))
    assert ok.status_code == 200 and "Tanjungkarang Pusat" in ok.get_data(as_text=True)


def test_unknown_host_header_is_refused(store: Store) -> None:
    client = make_app(store, allowed_hosts={"127.0.0.1:8765"}).test_client()
    assert client.get("/", headers={"Host": "rebind.evil.test"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_admin_beyond_loopback_needs_a_password(run_cli: Any, store: Store) -> None:
    db = str(store.engine.url)
    result = run_cli("admin", "--db", db, "--host", "0.0.0.0", "--port", "0")
    assert result.code == 2 and "admin_password" in result.err


# -- once in a real browser -----------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "reports" / "screenshots"  # README "Weekly reports"
# English that must not reach an Indonesian admin (visible text, <details> closed)
ENGLISH = ("failed", "attempts", "down in all", "sweeps", "hacked", "not mobile", "unknown",
           "evidence", "last update", "review")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture
def live_url(store: Store) -> Iterator[str]:
    server = build_server(store, "127.0.0.1", 0, "rahasia", clock=lambda: NOW)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_an_admin_records_a_review_in_chromium(live_url: str, store: Store) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_context(
                http_credentials={"username": "admin", "password": "rahasia"}).new_page()
            def dismiss(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", dismiss)
            page.goto(live_url)
            assert page.locator(f'[id="site-{GOTONG}"] strong').inner_text() == SCRIPT
            row = page.locator(f'[id="site-{TKP}"]')
            row.locator("select[name=status]").select_option("selesai")
            row.locator("textarea[name=note]").fill("Berita baru sudah terbit")
            row.locator("button[type=submit]").click()
            page.wait_for_load_state()
            assert "Tinjauan untuk 18.71.02 dicatat." in page.inner_text("body")
            assert row.locator(".status").inner_text() == "selesai"
            page.set_viewport_size({"width": 360, "height": 640})
            widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert widths[0] <= widths[1], widths  # the review form stays on screen
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "admin-360px.png"), full_page=True)
            text = page.inner_text("body")
            assert [w for w in ENGLISH if w in text.lower()] == [], text
        finally:
            browser.close()
    assert dialogs == []  # no injected script ran
    assert [(r.status, r.note) for r in history(store, TKP)] == [
        ("selesai", "Berita baru sudah terbit")]
