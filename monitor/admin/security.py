"""The admin page's guards: password, CSRF token, same-origin posts, and response headers.

* Password: HTTP Basic (RFC 7617), any user name, the ``admin_password`` setting as password,
  compared in constant time. When a password is set every request needs it, even from
  127.0.0.1. Basic sends the password in clear: listen beyond 127.0.0.1 only behind TLS.
* CSRF: the synchronizer-token pattern (OWASP CSRF Prevention Cheat Sheet): a random token in
  the signed session cookie (SameSite=Strict) must come back in every form post.
* Cross-site posts are refused outright when the browser says so: ``Origin`` naming another
  host, or ``Sec-Fetch-Site: cross-site|same-site`` (Fetch Metadata, W3C).
* Host allow-list when bound to loopback without a password: defeats DNS rebinding, where a
  hostile page renames its host to 127.0.0.1 and reads the page as same-origin.
* Headers: a CSP with no scripts at all, no framing (clickjacking), no MIME sniffing.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Collection
from urllib.parse import urlsplit

from flask import Request, Response, session

CSRF_FIELD = "csrf_token"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def password_ok(request: Request, password: str) -> bool:
    """True when no password is set or the request's Basic credentials carry it."""
    if not password:
        return True
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    _, _, given = decoded.partition(":")
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def challenge() -> Response:
    return Response("password required\n", 401, {
        "WWW-Authenticate": 'Basic realm="monitor admin", charset="UTF-8"',
        "Content-Type": "text/plain; charset=utf-8"})


def host_ok(request: Request, allowed: Collection[str]) -> bool:
    """An empty allow-list accepts any Host (the password guards the page then)."""
    return not allowed or request.host.lower() in allowed


def csrf_token() -> str:
    """The session's token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(request: Request) -> bool:
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    return (isinstance(expected, str) and bool(given)
            and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")))


def cross_site(request: Request) -> bool:
    """The browser tells us the post came from another site."""
    if request.headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()


def harden(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
