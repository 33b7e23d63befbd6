"""judi_spam: online-gambling spam planted in a hacked site.

Precision first: Indonesian government pages honestly write about gambling ("Satgas
berantas judi online", arrests for "togel") and use "slot" for appointments ("slot waktu
pelayanan"). So one word is never enough. The vocabulary (monitor/data/judi_patterns.toml)
has three tiers: ``promo`` (marketing phrases only a gambling seller uses: "slot gacor",
"maxwin", "rtp live", "deposit pulsa", brand-like "slot88"), ``topic`` (words naming gambling
that news also uses: "judi online", "togel", "slot online") and ``weak`` (everyday words:
"slot", "jackpot", "bonus"). Honest phrases ("slot antrian") are blanked before matching, and
``anti`` words ("berantas", "ditangkap", "bahaya") mark text written *against* gambling.

A page is ``judi_spam`` when any rule below holds; each yields the rule, the place and the
exact text:

* ``judi:hidden-block`` - text a visitor cannot see (display:none, visibility:hidden,
  off-screen, font-size 0/1px, zero-size box; Google's spam policies, "hidden text and
  links") has a promo term, or - without anti words - two topic terms, or a topic term and
  two weak ones. Honest sites hide menus and modals, never gambling ads.
* ``judi:title-meta`` - <title> or a meta description/keywords/og tag has a promo term, or
  two topic terms without anti words: injected SEO spam targets exactly these.
* ``judi:foreign-link`` - a link to another host whose text or address has a promo term, or
  whose host name or bare keyword anchor (gambling terms plus at most one other word, no
  anti words: "togel online", not "Aduan konten judi online") has a topic term: the paid
  backlinks that are the point of most of these hacks.
* ``judi:page-text`` - the page's text has two promo terms (six when it has two or more
  distinct anti words: news of the fight names the sellers' words), or one promo and two
  topic terms without anti words, or four topic terms without anti words: a whole landing
  page (only reported when no hidden block already explains the words). Terms inside
  double quotes are not counted: an article quoting "slot gacor" names it.
* ``judi:redirect`` - the home page redirected to another host whose address has a promo or
  topic term (expired or hijacked domains sold on to gambling operators).

Cloaking (the spam shown only to search engines) is found by running the same rules on the
page fetched with a crawler User-Agent (see content.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from monitor.checks.content.match import Match, excerpt
from monitor.checks.content.page import Link, PageView
from monitor.checks.content.vocab import Hits, Vocabulary, normalise

FLAG = "judi_spam"
EXTRA_WORDS = 1  # words besides gambling terms in a keyword anchor ("situs judi terpercaya")
MAX_LINK_MATCHES = 5
ANTI_PROMO = 6  # promo terms that make a page spam when it has several anti words
_QUOTED_HINT = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_QUOTED = re.compile('["\u201c\u201e\u00ab][^"\u201c\u201d\u201e\u00ab\u00bb\n]{1,60}'
                     '["\u201d\u00bb]')


def _count(hits: Hits, tier: str) -> int:
    return len(hits.tier(tier))


def block_is_spam(hits: Hits) -> bool:
    """The hidden-block and title/meta threshold (see the module docstring)."""
    if _count(hits, "promo"):
        return True
    if hits.anti:
        return False
    topic = _count(hits, "topic")
    return topic >= 2 or (topic >= 1 and _count(hits, "weak") >= 2)


def text_is_spam(hits: Hits) -> bool:
    """The visible-text threshold: a landing page, not one honest mention. News of the
    fight against gambling names the sellers' words and uses several anti words
    ("Kominfo", "pemblokiran", "lapor"): then it takes ``ANTI_PROMO`` promo terms."""
    promo, topic = _count(hits, "promo"), _count(hits, "topic")
    if promo >= (ANTI_PROMO if hits.anti_words >= 2 else 2):
        return True
    return not hits.anti and ((promo >= 1 and topic >= 2) or topic >= 4)


def unquoted(text: str) -> str:
    """The text with short double-quoted spans blanked (same length): an article that
    quotes the keywords ("slot gacor", "slot88") names them, a landing page sells them."""
    if not _QUOTED_HINT.search(text):
        return text
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _gambling_terms(hits: Hits) -> tuple[str, ...]:
    return tuple(t for t, tier in hits.terms.items() if tier != "weak") + tuple(
        t for t, tier in hits.terms.items() if tier == "weak")


def quote(text: str, hits: Hits) -> str:
    """The original text around the first match (normalised text if lengths differ)."""
    norm = normalise(text)
    return excerpt(text if len(norm) == len(text) else norm, hits.first_at)


def _title_meta(view: PageView, vocab: Vocabulary) -> list[Match]:
    out = []
    places = [("<title>", view.title)] + [(m.where, m.text) for m in view.meta]
    for where, text in places:
        hits = vocab.scan(text)
        if hits.any and block_is_spam(hits):
            out.append(Match(FLAG, "judi:title-meta", view.url, where, quote(text, hits),
                             _gambling_terms(hits)))
    return out


def _hidden_blocks(view: PageView, vocab: Vocabulary) -> list[Match]:
    out = []
    for block in view.hidden:
        hits = vocab.scan(block.text)
        if hits.any and block_is_spam(hits):
            where = f"hidden block {block.where} ({block.hidden_by})"
            out.append(Match(FLAG, "judi:hidden-block", view.url, where,
                             quote(block.text, hits), _gambling_terms(hits)))
    return out


def _bare_host(host: str) -> str:
    return host.lower().removeprefix("www.")


def _bare_keywords(text: str, hits: Hits) -> bool:
    """A keyword anchor: gambling terms and at most one other word ("togel online",
    "situs judi resmi"), unlike an honest "Aduan konten judi online" or a news headline."""
    words = normalise(text).split()
    term_words = {w for term in hits.terms for w in term.split()}
    return sum(1 for w in words if w not in term_words) <= EXTRA_WORDS


def _split(url: str) -> tuple[str, str]:
    """(host, path and query) of a URL; a hostile one ("http://[x") gives what it can."""
    try:
        parts = urlsplit(url)
        return parts.hostname or "", f"{parts.path} {parts.query}"
    except ValueError:
        return "", url


def spam_link(link: Link, vocab: Vocabulary) -> Hits | None:
    """The terms that make one off-site link a spam link, or None."""
    host, rest = _split(link.href)
    host = host or link.host
    address = vocab.scan(f"{host} {rest}")
    anchor = vocab.scan(link.text)
    if _count(address, "promo") or _count(anchor, "promo"):
        return anchor if _count(anchor, "promo") else address
    if _count(anchor, "topic") and not anchor.anti and _bare_keywords(link.text, anchor):
        return anchor
    host_hits = vocab.scan(host)
    return host_hits if _count(host_hits, "topic") else None


def _foreign_links(view: PageView, vocab: Vocabulary) -> list[Match]:
    own = _bare_host(_split(view.url)[0])
    found: list[tuple[Link, Hits]] = []
    for link in view.links:
        if link.host and _bare_host(link.host) != own and (hits := spam_link(link, vocab)):
            found.append((link, hits))
    out = []
    for link, hits in found[:MAX_LINK_MATCHES]:
        where = f"link {link.where}" + (f" (hidden: {link.hidden_by})" if link.hidden_by else "")
        text = f"{link.text[:100]!r} -> {link.href[:150]}"
        out.append(Match(FLAG, "judi:foreign-link", view.url, where, text,
                         _gambling_terms(hits)))
    if len(found) > MAX_LINK_MATCHES:
        hosts = sorted({_bare_host(link.host) for link, _ in found})
        out.append(Match(FLAG, "judi:foreign-link", view.url, "links",
                         f"{len(found)} spam links in all, to {', '.join(hosts[:10])}"))
    return out


def _page_text(view: PageView, vocab: Vocabulary) -> list[Match]:
    text = view.text
    hits = vocab.scan(unquoted(text))
    if hits.any and text_is_spam(hits):
        return [Match(FLAG, "judi:page-text", view.url, "page text", quote(text, hits),
                      _gambling_terms(hits))]
    return []


def address_hits(url: str, vocab: Vocabulary) -> tuple[str, ...] | None:
    """The gambling terms that make an address a gambling one: a promo term anywhere in it,
    or a topic term in its host name ("togel-resmi.example"), else None."""
    host, rest = _split(url)
    hits = vocab.scan(f"{host} {rest}")
    if _count(hits, "promo") or _count(vocab.scan(host), "topic"):
        return _gambling_terms(hits)
    return None


def _redirects(start_url: str, hops: Sequence[str], vocab: Vocabulary) -> list[Match]:
    own = _bare_host(_split(start_url)[0])
    for hop in hops:
        host, _rest = _split(hop)
        if _bare_host(host) == own:
            continue
        if (terms := address_hits(hop, vocab)) is not None:
            return [Match(FLAG, "judi:redirect", start_url, "redirect", f"-> {hop[:200]}",
                          terms)]
    return []


def suspicious(view: PageView, vocab: Vocabulary) -> bool:
    """Cheap pre-check: does any promo or topic term occur anywhere in the page at all?
    (``view.text`` holds hidden text and link texts too; hrefs are added here.)"""
    everything = " ".join([view.title, *(m.text for m in view.meta), view.text,
                           *(href for _a, href in view.anchors)])
    hits = vocab.scan(everything)
    return bool(_count(hits, "promo") or _count(hits, "topic"))


def find_spam(
    view: PageView, vocab: Vocabulary, start_url: str = "", hops: Sequence[str] = ()
) -> list[Match]:
    """Every judi_spam rule that holds for this page, with its evidence."""
    out = _redirects(start_url, hops, vocab) if start_url else []
    if not suspicious(view, vocab):
        return out
    hidden = _hidden_blocks(view, vocab)
    out += _title_meta(view, vocab) + hidden + _foreign_links(view, vocab)
    return out + ([] if hidden else _page_text(view, vocab))
