"""What the store keeps of a finding (checks._plain) is exactly ``dataclasses.asdict`` of it,
on every real corpus page and the fleet's test pages, only cheaper."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from monitor import checks
from monitor.core.snapshot import Fetched, Snapshot

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
URL = "http://127.0.0.1:9/"


def test_kept_findings_equal_asdict_on_every_corpus_page() -> None:
    pages = sorted(CORPUS.glob("*/*.html"))
    assert len(pages) > 100
    compared = 0
    for page in pages:
        snapshot = Snapshot("s1", "kelurahan", "s1", "K", URL, datetime(2026, 12, 1, tzinfo=UTC),
                            previous={})
        snapshot.home = Fetched(URL, URL, 200, {"content-type": "text/html; charset=utf-8"},
                                page.read_bytes(), elapsed_ms=300)
        for check in checks.CHECKS:
            finding = check.run(snapshot, {"aktif_days": 30, "kurang_aktif_days": 90})
            kept = checks._plain(finding)
            expected = dataclasses.asdict(finding)  # type: ignore[call-overload]
            assert kept == expected, (page.name, check.name)
            assert type(kept) is dict
            compared += 1
    assert compared == len(pages) * len(checks.CHECKS)


def test_nested_values_keep_their_shape() -> None:
    @dataclasses.dataclass
    class Inner:
        when: datetime
        tags: tuple[str, ...]

    @dataclasses.dataclass
    class Outer:
        items: list[Inner]
        by_name: dict[str, list[int]]
        note: str | None

    finding = Outer([Inner(datetime(2026, 1, 2, tzinfo=UTC), ("a", "b"))], {"x": [1, 2]}, None)
    kept = checks._plain(finding)  # type: ignore[arg-type]
    assert kept == dataclasses.asdict(finding)
    assert type(kept["items"][0]["tags"]) is tuple
    kept["by_name"]["x"].append(3)  # a copy: the finding itself is not changed
    assert finding.by_name["x"] == [1, 2]
