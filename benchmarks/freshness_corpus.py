"""How often do our date readers find the right date on the shared corpora, next to htmldate?

    .venv/bin/python benchmarks/freshness_corpus.py [--corpus ../shared/corpus]

* ``dates/``: htmldate's own test pages (mostly European articles). For each labelled case we
  ask for the article's date (``freshness_article.article_date``: published when the label is
  ``original``, updated otherwise; once with our own rules only, once with htmldate as the
  fallback for pages no markup of ours dates) and htmldate's ``find_date`` with the same
  ``original_date`` and the keyword arguments its test used. A hit is within one day of the
  expected date; a page that expects no date is a hit when no date is returned.
* ``id/``: Indonesian pages, dated the way the freshness check dates a site (the newest
  content date on the page, ``newest(page_candidates(...))``), against
  ``expected_newest_date`` (or inside ``accept_newest_range``).

"Now" is the time of the run for dates/ (every saved page is older). For id/ the labels are
"the newest date shown when the page was saved", so the expected date + 30 days stands in for
the unknown capture time (012's agenda page, modified after the label, stays "future"), as in
tests/test_freshness_corpus.py. Relative dates ("2 jam lalu") are ignored: on a saved page
they refer to its capture time ("saved" mode).

"live" mode runs the same id/ pages through the freshness check as a sweep today sees them
(relative stamps on, read against today's clock): a first sweep, then a second a week later
with the page unchanged. A page whose date comes out newer than the newest date it really
shows is "false-fresh": the error that hides abandoned sites. Prints shares, false-fresh
counts and CPU milliseconds per page; never fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html

from monitor.checks.freshness.article import article_date
from monitor.checks.freshness.check import FreshnessCheck
from monitor.checks.freshness.page import newest_on_page
from monitor.core.clock import JAKARTA
from monitor.core.snapshot import Fetched, PreviousFinding, Snapshot

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def within_one_day(found: str | None, expected: str | None) -> bool:
    if expected is None or found is None:
        return found is None and expected is None
    return abs((date.fromisoformat(found) - date.fromisoformat(expected)).days) <= 1


def in_range(found: str | None, entry: dict[str, Any]) -> bool:
    expected = entry.get("expected_newest_date")
    window = entry.get("accept_newest_range")
    if window and found is not None:
        return window[0] <= found <= window[1] or within_one_day(found, expected)
    return within_one_day(found, expected)


def _htmldate(raw: str, entry: dict[str, Any]) -> str | None:
    from htmldate import find_date

    kwargs = {k: v for k, v in (entry.get("find_date_kwargs") or {}).items()
              if k != "outputformat"}
    kwargs.setdefault("original_date", entry["kind"] == "original")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = find_date(raw, url=entry.get("url"), **kwargs)
        except Exception:  # noqa: BLE001 - a crash is a miss for the benchmark
            return None
    return str(result) if result else None


def ours_article(raw: bytes, entry: dict[str, Any], now: datetime, *,
                 fallback: bool = True) -> str | None:
    doc = lxml.html.document_fromstring(raw)
    found = article_date(doc, entry.get("url") or "", now, original=entry["kind"] == "original",
                         fallback=fallback)
    return found.day if found else None


def ours_site(raw: bytes, url: str, now: datetime) -> tuple[str | None, str]:
    doc = lxml.html.document_fromstring(raw)
    best = newest_on_page(doc, url, now, live=False)
    return (best.day, best.source) if best else (None, "")


def dates_corpus(folder: Path, now: datetime) -> dict[str, float]:
    """htmldate alone first (so its caches are not warmed by our fallback's calls), then our
    own rules alone, then our rules with htmldate as the fallback (``article_date``)."""
    entries = json.loads((folder / "manifest.json").read_text())
    raws = [(folder / entry["file"]).read_bytes() for entry in entries]
    readers: dict[str, Callable[[bytes, dict[str, Any]], str | None]] = {
        "htmldate": lambda raw, e: _htmldate(raw.decode("utf-8", "replace"), e),
        "own": lambda raw, e: ours_article(raw, e, now, fallback=False),
        "ours": lambda raw, e: ours_article(raw, e, now),
    }
    result: dict[str, float] = {"cases": len(entries)}
    for name, reader in readers.items():
        hits = 0
        start = time.process_time()
        for raw, entry in zip(raws, entries, strict=True):
            hits += within_one_day(reader(raw, entry), entry["expected_date"])
        result[name] = hits / len(entries)
        result[f"{name}_ms"] = (time.process_time() - start) / len(entries) * 1000
    return result


Row = tuple[str, str | None, str | None, bool, str | None, bool]


def id_corpus(folder: Path, now: datetime) -> list[Row]:
    """Per page: expected, ours, ours ok, htmldate's newest (original_date=False), its ok."""
    rows = []
    for entry in json.loads((folder / "manifest.json").read_text()):
        if "expected_newest_date" not in entry:
            continue
        raw = (folder / entry["file"]).read_bytes()
        expected = entry["expected_newest_date"]
        captured = now if expected is None else datetime.combine(
            date.fromisoformat(expected) + timedelta(days=30), datetime.min.time(), JAKARTA)
        found, _source = ours_site(raw, entry.get("url") or "https://example.invalid/", captured)
        other = _htmldate(raw.decode("utf-8", "replace"), {"kind": "updated", "url": None})
        rows.append((entry["file"], entry["expected_newest_date"], found, in_range(found, entry),
                     other, in_range(other, entry)))
    return rows


def false_fresh(found: str | None, entry: dict[str, Any]) -> bool:
    """Newer than the newest date the page shows (beyond one day and any accepted range)."""
    if found is None or in_range(found, entry):
        return False
    window = entry.get("accept_newest_range")
    newest = max(filter(None, [entry.get("expected_newest_date"), *(window or [])]),
                 default=None)
    return newest is None or found > newest


LIVE_OPTIONS = {"aktif_days": 30, "kurang_aktif_days": 90}
LiveRow = tuple[str, str | None, str | None, str | None, str, str]


def _live_snapshot(raw: bytes, url: str, taken: datetime,
                   previous: PreviousFinding | None) -> Snapshot:
    home = Fetched(url, final_url=url, status_code=200, body=raw,
                   headers={"content-type": "text/html; charset=utf-8"})
    return Snapshot("ID", "kelurahan", "ID", "Uji", url, taken, home,
                    previous={"freshness": previous} if previous else {})


def live_sweeps(raw: bytes, url: str, now: datetime) -> tuple[Any, Any]:
    """The freshness check on the page as served today: a first sweep a week ago, then
    today's sweep of the same, unchanged page (``PreviousFinding`` as the store keeps it)."""
    check = FreshnessCheck()
    before = now - timedelta(days=7)
    first = check.run(_live_snapshot(raw, url, before, None), LIVE_OPTIONS)
    previous = PreviousFinding(before, dataclasses.asdict(first))
    second = check.run(_live_snapshot(raw, url, now, previous), LIVE_OPTIONS)
    return first, second


def id_live(folder: Path, now: datetime) -> list[LiveRow]:
    """Per page: expected, first sweep's last_update, second's, its source and activity."""
    rows = []
    for entry in json.loads((folder / "manifest.json").read_text()):
        if "expected_newest_date" not in entry:
            continue
        raw = (folder / entry["file"]).read_bytes()
        first, second = live_sweeps(raw, entry.get("url") or "https://example.invalid/", now)
        rows.append((entry["file"], entry["expected_newest_date"], first.last_update,
                     second.last_update, str(second.last_update_source), second.activity))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    now = datetime.now(JAKARTA)
    result = dates_corpus(args.corpus / "dates", now)
    print(f"dates/ ({result['cases']:.0f} labelled cases, hit = within one day)")
    for name, label in (("ours", "ours (own rules, htmldate as fallback)"),
                        ("own", "ours (own rules only)"), ("htmldate", "htmldate")):
        print(f"  {label:40} {result[name]:6.1%}   {result[name + '_ms']:6.2f} ms CPU/page")
    rows = id_corpus(args.corpus / "id", now)
    print(f"id/ (the site's newest content date): ours {sum(r[3] for r in rows)}/{len(rows)}, "
          f"htmldate (original_date=False) {sum(r[5] for r in rows)}/{len(rows)}")
    for name, expected, found, ok, other, other_ok in rows:
        print(f"  {name} expected {expected}  ours {found} {'ok' if ok else 'MISS'}"
              f"  htmldate {other} {'ok' if other_ok else 'MISS'}")
    entries = {e["file"]: e for e in json.loads((args.corpus / "id" / "manifest.json")
                                                .read_text())}
    start = time.process_time()
    live = id_live(args.corpus / "id", now)
    live_ms = (time.process_time() - start) / max(1, 2 * len(live)) * 1000
    hits = [sum(in_range(r[col], entries[r[0]]) for r in live) for col in (2, 3)]
    print(f"id/ live (the freshness check as a sweep today sees each page, relative stamps "
          f"on; a first sweep, then a second a week later): first {hits[0]}/{len(live)}, "
          f"second {hits[1]}/{len(live)}   {live_ms:.2f} ms CPU/sweep")
    for name, expected, first, second, source, activity in live:
        ok = in_range(first, entries[name]) and in_range(second, entries[name])
        print(f"  {name} expected {expected}  first {first}  second {second} ({source}, "
              f"{activity}) {'ok' if ok else 'MISS'}")
    saved = sum(false_fresh(r[2], entries[r[0]]) for r in rows)
    first_ff, second_ff = (sum(false_fresh(r[col], entries[r[0]]) for r in live)
                           for col in (2, 3))
    print(f"false-fresh on id/ (a date newer than the page shows): saved {saved}/{len(rows)}, "
          f"live first sweep {first_ff}/{len(live)}, live second sweep {second_ff}/{len(live)}")


if __name__ == "__main__":
    main()
