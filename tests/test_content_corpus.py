"""Precision first (issue 5): no content flag on any page of ../shared/corpus/.

Every page there is honest (news, government, blog, desa/kecamatan sites, Lighthouse and
axe-core test pages), so any flag is a false alarm that would tell a kelurahan its site was
hacked. Each page is judged as a site's home page answering 200, and also as the version a
visitor profile sees (phone from Google, Googlebot: the same page, so no cloaking may be
reported).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shared_paths

from monitor.checks.content.check import ContentCheck, profile_request
from monitor.checks.content.profiles import PROFILES
from monitor.core.snapshot import Fetched, Snapshot

CORPUS = shared_paths.CORPUS
PAGES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*.html"))
URL = "https://kelurahan.example.go.id/"


def _fetched(body: bytes) -> Fetched:
    return Fetched(url=URL, final_url=URL, status_code=200,
                   headers={"content-type": "text/html"}, body=body)


def test_the_corpus_is_there() -> None:
    assert len(PAGES) >= 140, f"expected the shared corpus at {CORPUS}"


@pytest.mark.parametrize("page", PAGES)
def test_no_flag_on_an_honest_page(page: str) -> None:
    body = (CORPUS / page).read_bytes()
    snapshot = Snapshot("18.71.01.1001", "kelurahan", "Contoh", "Contoh", URL,
                        datetime.now(UTC), home=_fetched(body))
    for profile in PROFILES:
        snapshot.extra[profile_request(profile, URL).key] = _fetched(body)
    finding = ContentCheck().run(snapshot, {})
    assert finding.flags == [], [m.summary() for m in finding.matches]
    assert not finding.cloaked
