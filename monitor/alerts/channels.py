"""Who gets an alert, and how a channel is named without giving its secrets away.

Routing (SPEC): MONITOR_ALERT_URLS gets every alert; a row's ``alert_urls`` get that row's
alerts, and a kecamatan row's also get its kelurahan's. With MONITOR_ALERT_EMAIL=true the
site's own ``email`` addresses and its kecamatan row's get it too, by SMTP.

An Apprise URL often *is* the secret (a Telegram bot token, a webhook path), so a channel
is stored and shown as ``url:<hash>`` plus a masked label; the URL itself lives only in
the settings and targets.csv.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from monitor.core.names import name_key
from monitor.targets.loader import Target

SECRET_MIN = 6  # shorter URL parts (a port, "json") are not worth hiding


@dataclass(frozen=True)
class Channel:
    key: str  # url:<sha256 prefix> or mailto:<address>
    label: str  # safe to print and store
    url: str = field(default="", repr=False)  # the Apprise URL (secret); empty for email
    address: str = ""  # for email channels

    @property
    def is_email(self) -> bool:
        return bool(self.address)


def secrets_of(url: str) -> list[str]:
    """The parts of an Apprise URL that may be credentials: the password, the user, the
    host when it is not a host name (tgram://<bot token>/), path segments and query values.
    Used to scrub log lines and error texts."""
    try:
        parts = urlsplit(url)
        found = [url, parts.password or "", parts.username or ""]
        host = parts.hostname or ""
    except ValueError:
        return [url]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if not (host.replace(".", "").replace("-", "").isalnum() and "." in host):
        found.append(netloc)
    found += [seg for seg in parts.path.split("/") if seg]
    found += [kv.split("=", 1)[-1] for kv in parts.query.split("&") if "=" in kv]
    return sorted({s for s in found if len(s) >= SECRET_MIN}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def mask(url: str) -> str:
    """``tgram://***/***``, ``json://127.0.0.1:8080/``: the scheme and the host name stay,
    anything that may be a credential goes."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("://", 1)[0] + "://***"
    shown = scrub(f"{host}{port}", secrets_of(url)) if host else "***"
    if parts.username or parts.password:
        shown = "***@" + shown
    path = "/".join(scrub(seg, secrets_of(url)) for seg in parts.path.split("/"))
    return f"{parts.scheme}://{shown}{path or '/'}"


def url_channel(url: str) -> Channel:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return Channel(f"url:{digest}", mask(url), url=url)


def email_channel(address: str) -> Channel:
    address = address.strip().lower()
    return Channel(f"mailto:{address}", address, address=address)


class Routes:
    """The channels of every site, from the settings and targets.csv."""

    def __init__(self, city_urls: Sequence[str], targets: Sequence[Target], *,
                 email: bool) -> None:
        self.city = [url_channel(u) for u in city_urls]
        self.email = email
        self.rows = {t.code: t for t in targets}
        self.kecamatan_rows = {name_key(t.name): t for t in targets if t.level == "kecamatan"}

    def _rows_of(self, code: str) -> list[Target]:
        row = self.rows.get(code)
        if row is None:
            return []
        rows = [row]
        if row.level == "kelurahan":
            parent = self.kecamatan_rows.get(name_key(row.kecamatan))
            if parent is not None:
                rows.append(parent)
        return rows

    def for_site(self, code: str) -> list[Channel]:
        """Every channel an alert about ``code`` goes to, each once."""
        channels = list(self.city)
        for row in self._rows_of(code):
            channels += [url_channel(u) for u in row.alert_urls]
            if self.email:
                channels += [email_channel(a) for a in row.emails]
        return list({c.key: c for c in channels}.values())

    def every(self) -> list[Channel]:
        """All channels configured anywhere (for ``monitor alerts --test`` and retries)."""
        channels = list(self.city)
        for row in self.rows.values():
            channels += [url_channel(u) for u in row.alert_urls]
            if self.email:
                channels += [email_channel(a) for a in row.emails]
        return list({c.key: c for c in channels}.values())
