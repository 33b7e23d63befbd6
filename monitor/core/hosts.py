"""Which hosts belong to one site: shared by the sweep (extras stay on the site's own hosts)
and the content check (a phone sent to the site's own ``m.`` host is honest).

Without a public-suffix list, "one organisation" is approximated: a name, its subdomains and
its parent domain, unless the parent is a shared second level such as ``go.id``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

# Second-level labels under a country code that are not one organisation ("go.id", "co.id").
_SHARED_SECOND = {"go", "co", "ac", "or", "sch", "net", "web", "my", "mil", "desa", "ponpes",
                  "biz", "com", "org", "gov", "edu", "id"}


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def bare_host(host: str) -> str:
    """The host without the ``www.`` and ``m.`` a site adds for desktop and phone visitors."""
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


def _organisation(host: str) -> str | None:
    """The parent domain that one organisation owns, or None ("go.id" is not one)."""
    labels = host.split(".")
    if len(labels) < 3 or _is_ip(host):
        return None
    parent = labels[1:]
    if len(parent) == 2 and parent[0] in _SHARED_SECOND:
        return None
    return ".".join(parent)


def own_host(host: str, site_hosts: Iterable[str]) -> bool:
    """Is ``host`` one of the site's own: the same name (give or take ``www.``/``m.``), a
    subdomain of one, or the organisation's parent domain (``kota.go.id`` for
    ``sukarame.kota.go.id``, whose portal often serves its styles)."""
    host = bare_host(host)
    if not host:
        return False
    for site in (bare_host(h) for h in site_hosts if h):
        if _is_ip(host) or _is_ip(site):
            if host == site:
                return True
            continue
        if host == site or host.endswith("." + site):
            return True
        parent = _organisation(site)
        if parent is not None and (host == parent or host.endswith("." + parent)):
            return True
    return False


def host_in(url: str) -> str:
    """The lower-case host of a URL, "" when it has none or cannot be read."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
