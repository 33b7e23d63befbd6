"""Where the sweep may go: address safety, the site's own hosts, and browser-style URLs.

Why: a hacked or hostile site answering ``302 Location: http://127.0.0.1:PORT/secret`` (or
``http://169.254.169.254/`` on a cloud server) must not make the monitor fetch an internal
page and print its text in reports and emails. The rule is checked on the address actually
connected to (``network.ResolvingBackend``), so a public name that later resolves to a private
address (DNS rebinding) is caught too. A target whose own address is private (an intranet
site, and every simulated site in the tests) is trusted to redirect within its network.

No HTTP here: only the decisions, so they can be tested alone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from monitor.core.errors import ConfigError

# Decides whether an IP address (as text) is on the public internet.
PublicTest = Callable[[str], bool]

# Cloud metadata services outside the link-local range (AWS IPv6, Alibaba in CGNAT space).
_METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
# What browsers leave alone when they percent-encode a URL (RFC 3986 reserved + "%").
_SAFE = "!#$%&'()*+,/:;=?@[]~"


class AddressRefused(Exception):
    """A connection from a public site to a non-public address was refused."""

    def __init__(self, host: str, address: str) -> None:
        self.host, self.address = host, address
        super().__init__(f"refused: {host} is at {address}, {kind_of(address)}, and the "
                         "site itself is on a public address")


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def kind_of(address: str) -> str:
    """A reader's word for what kind of address this is (for evidence)."""
    ip = _ip(address)
    if ip is None:
        return "not an IP address"
    if ip in _METADATA or str(ip) == "169.254.169.254":
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    return "a non-public address" if not ip.is_global else "a public address"


def is_public(address: str) -> bool:
    """True for an address on the public internet: not loopback, RFC 1918, ULA, link-local,
    CGNAT, metadata, multicast or reserved (``ipaddress``'s ``is_global``)."""
    ip = _ip(address)
    return ip is not None and ip.is_global and ip not in _METADATA and not ip.is_multicast


class AddressGuard:
    """One site's rule: the first connection says whether the site is public; from then on
    a public site may only reach public addresses. One guard per site client."""

    def __init__(self, public: PublicTest = is_public) -> None:
        self._public = public
        self.origin_public: bool | None = None

    def check(self, host: str, address: str) -> None:
        """Raise AddressRefused for a hop from a public site to a non-public address."""
        public = self._public(address)
        if self.origin_public is None:
            self.origin_public = public
        elif self.origin_public and not public:
            raise AddressRefused(host, address)


def browser_url(url: str) -> str:
    """Percent-encode spaces and non-ASCII characters as browsers do (``/berita terbaru/``
    -> ``/berita%20terbaru/``), and IDNA-encode a non-ASCII host. Existing %XX stay."""
    if url.isascii() and " " not in url and "\t" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if not netloc.isascii():
        host = parts.hostname or ""
        try:
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        except UnicodeError:
            return url
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_SAFE),
                       quote(parts.query, safe=_SAFE), quote(parts.fragment, safe=_SAFE)))


def trusting(networks: str, public: PublicTest = is_public) -> PublicTest:
    """``public`` plus the admin's trusted private networks (setting ``trusted_networks``),
    so a site may lead to the city's own servers that internal DNS puts on 10.x.

    Raises ConfigError naming the setting for a network that does not parse."""
    nets = []
    for item in networks.split():
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"setting trusted_networks: {item!r} is not a network "
                              f"(CIDR such as 10.20.0.0/16): {exc}") from None
    if not nets:
        return public

    def test(address: str) -> bool:
        ip = _ip(address)
        return public(address) or (ip is not None and any(ip in net for net in nets))
    return test
