"""The admin page: the sites that need action, and a form to record a review on each.

Flask with server-rendered Jinja templates (autoescape on for .html, so every string from a
site or targets.csv is escaped) and no JavaScript. Reading goes through ``monitor.verdicts``
(the same verdict as the weekly reports and `monitor inactive`), wording through
``monitor.report.wording``, writing through ``monitor.store.reviews``: the page holds no SQL
and no judgement of its own.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from flask import Flask, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from monitor.admin import security
from monitor.core.clock import Clock, system_clock
from monitor.core.errors import UsageError
from monitor.core.words import check_lang, format_datetime, has, t
from monitor.report.wording import action_text, reason_text
from monitor.store import Store
from monitor.store.reviews import MAX_BY, MAX_NOTE, STATUSES, add_review, history
from monitor.verdicts import Limits, Reason, Settings, needs_action

log = logging.getLogger(__name__)
DEFAULT_DAYS = 7


def create_app(store: Store, *, password: str = "", allowed_hosts: Collection[str] = (),
               clock: Clock = system_clock, settings: Settings | None = None,
               lang: str = "id") -> Flask:
    """``allowed_hosts`` (``host:port``, lower case) limits the Host header; empty: any.
    ``settings`` give the verdicts' limits (``cert_warn_days``...; default: the defaults).
    Every word on the page comes from the wording catalogue in ``lang`` (core.words)."""
    limits = Limits.from_settings(settings)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_bytes(32), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", MAX_CONTENT_LENGTH=64 * 1024)
    check_lang(lang)
    app.jinja_env.filters.update(wib=partial(_wib, lang), http_url=_http_url,
                                 reason_text=partial(_reason, lang),
                                 action_text=partial(_action, lang))
    app.jinja_env.globals.update(_=partial(t, lang), lang=lang, reason_label=partial(
        _reason_label, lang))
    app.jinja_env.globals.update(csrf_token=security.csrf_token, STATUSES=STATUSES,
                                 MAX_NOTE=MAX_NOTE, MAX_BY=MAX_BY, CSRF_FIELD=security.CSRF_FIELD)
    hosts = frozenset(h.lower() for h in allowed_hosts)

    @app.before_request
    def guard() -> Response | None:
        if not security.host_ok(request, hosts):
            return Response("unknown host\n", 400, {"Content-Type": "text/plain"})
        if not security.password_ok(request, password):
            return security.challenge()
        if request.method == "POST" and (security.cross_site(request)
                                         or not security.csrf_ok(request)):
            log.warning("refused a form post without a valid CSRF token or from another site")
            return Response("cross-site or expired form refused; reload the page\n", 403,
                            {"Content-Type": "text/plain; charset=utf-8"})
        return None

    app.after_request(security.harden)

    @app.get("/")
    def index() -> tuple[str, int]:
        return _render_list(store, clock, limits, lang)

    @app.post("/review")
    def record() -> BaseResponse | tuple[str, int]:
        code = request.form.get("code", "")
        try:
            add_review(store, code, request.form.get("status", ""),
                       request.form.get("note", ""), request.form.get("by", ""), clock())
        except UsageError as exc:
            return _render_list(store, clock, limits, lang, error=str(exc), status=400)
        flash(t(lang, "adm_recorded", code=code))
        target = url_for("index") + _query(_filters()) + f"#site-{quote(code)}"
        return redirect(target, 303)

    @app.get("/site/<code>")
    def site_history(code: str) -> str:
        if code not in {s.code for s in store.sites(include_removed=True)}:
            abort(404)
        return render_template("history.html", code=code, reviews=history(store, code))

    return app


def _filters() -> dict[str, str]:
    """The list's filters, carried from query string or form."""
    values = {k: request.values.get(k, "") for k in ("kecamatan", "days")}
    return {k: v for k, v in values.items() if v}


def _query(filters: dict[str, str]) -> str:
    return "?" + urlencode(filters) if filters else ""


def _render_list(store: Store, clock: Clock, limits: Limits, lang: str, *, error: str = "",
                 status: int = 200) -> tuple[str, int]:
    filters = _filters()
    items: list[Any] = []
    try:
        days = int(filters.get("days", DEFAULT_DAYS))
        items = needs_action(store, clock(), days=days, kecamatan=filters.get("kecamatan"),
                             limits=limits)
    except ValueError:
        error, status = t(lang, "adm_bad_days"), 400
    except UsageError as exc:
        error, status = str(exc), 400
    kecamatan = sorted({s.kecamatan for s in store.sites() if s.kecamatan})
    return render_template("index.html", items=items, error=error, filters=filters,
                           kecamatan_names=kecamatan), status


def _reason(lang: str, reason: Reason, level: str) -> str:
    return reason_text(reason, lang, level)


def _action(lang: str, reason: Reason, level: str) -> str:
    return action_text(reason, lang, level)


def _wib(lang: str, value: datetime | None) -> str:
    """A time as admins read it: 'Senin, 23 November 2026 pukul 08.00 WIB'."""
    return "-" if value is None else format_datetime(value, lang)


def _reason_label(lang: str, key: str) -> str:
    """The reason word in plain words; a reason this page does not know shows its word."""
    return t(lang, f"rs_{key}") if has(lang, f"rs_{key}") else key


def _http_url(value: str | None) -> str | None:
    """Only http(s) addresses become links: a ``javascript:`` URL stays text."""
    if not value or urlsplit(value).scheme.lower() not in ("http", "https"):
        return None
    return value

