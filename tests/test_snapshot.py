"""Decoding what a site sent never raises: the charset a page claims is used when it is a
real text encoding, and bytes that do not decode become U+FFFD."""

from __future__ import annotations

import pickle

import pytest

from monitor.core.snapshot import Fetched


def page(body: bytes, content_type: str = "text/html") -> Fetched:
    return Fetched(url="http://kel.example.test/", headers={"content-type": content_type},
                   body=body)


def test_header_charset_then_meta_then_utf8() -> None:
    latin = "Kelurahan Sukarame – é".encode("latin-1", "replace")
    assert page(latin, "text/html; charset=ISO-8859-1").text.endswith("é")
    meta = b'<meta charset="windows-1252"><p>caf\xe9</p>'
    assert "café" in page(meta).text
    assert page("Sukarame é".encode()).charset() == "utf-8"


@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "x-bogus", "utf-8\x00"])
def test_a_hostile_or_unknown_charset_falls_back_to_utf8(charset: str) -> None:
    fetched = page("<p>Kelurahan é</p>".encode(), f"text/html; charset={charset}")
    assert fetched.text == "<p>Kelurahan é</p>"


def test_invalid_bytes_become_replacement_characters_and_the_tree_still_parses() -> None:
    fetched = page(b"<html><title>Kel \xff\xfe</title><body>\x80 isi</body></html>",
                   "text/html; charset=utf-8")
    assert "\ufffd" in fetched.text
    assert fetched.document.findtext(".//title").startswith("Kel ")


def test_a_snapshot_page_pickles_without_its_caches() -> None:
    fetched = page(b"<title>x</title>")
    assert fetched.document is not None and fetched.text
    copy = pickle.loads(pickle.dumps(fetched))
    assert "document" not in copy.__dict__ and copy.document.findtext(".//title") == "x"
