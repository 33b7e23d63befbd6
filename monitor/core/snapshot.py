"""What the sweep fetched for one site: the input every check reads.

A snapshot is plain, picklable data (checks may run in another process). It holds the home
page, the attempts made at it, the extra URLs checks asked for, and what the store remembers
of the site's previous findings (so a check can compare sweep to sweep without SQL).
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


_PARSERS = threading.local()


def html_parser() -> Any:
    """lxml.html's parser, with its elements' classes chosen in C, one per thread.

    lxml.html picks each element's Python class (``HtmlElement``, ``FormElement``...) in a
    Python callback every time an element is touched from Python, which made walking a
    256-element page cost 144 us against 36 us (measured here); the checks walk the page
    several times. The checks use no form element's extras, so every element gets
    ``HtmlElement`` (``text_content``, ``find_class`` and the rest still work). lxml's
    parsers must not be shared between threads, hence one per thread."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        import lxml.html
        from lxml import etree

        parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
        _PARSERS.parser = parser
    return parser


@dataclass(frozen=True)
class Request:
    """An extra URL a check wants fetched (same deadline as the site, smaller body cap)."""

    url: str
    user_agent: str | None = None  # None: the monitor's own User-Agent
    max_bytes: int = 2_000_000
    headers: tuple[tuple[str, str], ...] = ()  # more request headers (a visitor's Referer)
    follow: bool = True  # False: stop at the first redirect and record where it points
    # False: a check asks for it only now and then (the daily crawler view), so the next
    # sweep does not ask for it ahead of the home page (monitor.sweep.foresight)
    every_sweep: bool = field(default=True, compare=False)

    @property
    def key(self) -> str:
        key = self.url if self.user_agent is None else f"{self.url} [UA: {self.user_agent}]"
        if self.headers:
            key += " [" + "; ".join(f"{k}: {v}" for k, v in self.headers) + "]"
        return key if self.follow else key + " [no redirects]"


@dataclass(frozen=True)
class TLSInfo:
    """The certificate of the final HTTPS hop, as verified by our SSL context."""

    verified: bool
    not_after: datetime | None = None
    days_left: int | None = None
    issuer: str | None = None
    error: str | None = None


@dataclass
class Fetched:
    """One URL fetched, with redirects followed. ``error`` uses the SPEC's words."""

    url: str
    final_url: str | None = None
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    error: str | None = None
    error_detail: str = ""
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, next URL)
    elapsed_ms: float | None = None
    ttfb_ms: float | None = None
    tls: TLSInfo | None = None
    started_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def charset(self) -> str:
        """Charset from the header, else a <meta> in the first 4 KB, else UTF-8."""
        header = self.headers.get("content-type", "")
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", header, re.I)
        name = match.group(1) if match else None
        if name is None and (meta := _META_CHARSET.search(self.body[:4096])):
            name = meta.group(1).decode("ascii", "replace")
        if name:
            try:
                info = codecs.lookup(name)
            except LookupError:
                info = None
            # 'rot13', 'hex', 'base64' are codecs but not text encodings: a page naming one
            # must not make .text raise (a hostile charset is the site's fault, not ours)
            if info is not None and getattr(info, "_is_text_encoding", True):
                return info.name
        return "utf-8"

    @cached_property
    def text(self) -> str:
        """The body as text; bytes that do not decode become U+FFFD, never an exception."""
        return self.body.decode(self.charset(), errors="replace")

    @cached_property
    def document(self) -> Any:
        """The body parsed once with lxml.html (shared by every check in this process).

        Read-only: a check that needs to change the tree must deep-copy it first. lxml is
        used, not BeautifulSoup, because parsing a 120 KB page costs ~1.3 ms vs ~15 ms
        (measured here). An empty or unparseable body gives an empty <html>."""
        from lxml import etree

        # lxml refuses str input that carries an XML encoding declaration; drop it.
        text = _XML_DECL.sub("", self.text, count=1)
        parser = html_parser()
        if text.strip():
            try:
                root = etree.fromstring(text, parser)
            except (etree.ParserError, ValueError):
                root = None
            if root is not None:
                return root
        return etree.fromstring("<html></html>", parser)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("text", None)  # cached; rebuilt on the other side
        state.pop("document", None)
        return state


@dataclass(frozen=True)
class Attempt:
    """One try at the home page; a retried site has two."""

    started_at: datetime
    error: str | None
    status_code: int | None
    elapsed_ms: float | None
    detail: str = ""


@dataclass(frozen=True)
class PreviousFinding:
    """A check's own stored output from an earlier sweep of this site."""

    taken_at: datetime
    data: dict[str, Any]


@dataclass
class Snapshot:
    """Everything known about one site at one sweep; checks read it and never fetch."""

    code: str
    level: str
    name: str
    kecamatan: str
    url: str
    taken_at: datetime
    home: Fetched | None = None  # None: no website (empty URL)
    attempts: list[Attempt] = field(default_factory=list)
    extra: dict[str, Fetched] = field(default_factory=dict)  # by Request.key
    previous: dict[str, PreviousFinding] = field(default_factory=dict)  # by check name
    browser: dict[str, Any] | None = None  # filled by the optional real-browser audit

    def fetched(self, request: Request | str) -> Fetched | None:
        key = request if isinstance(request, str) else request.key
        return self.extra.get(key)
