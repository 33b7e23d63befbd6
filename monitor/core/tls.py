"""The one TLS trust everything uses: sites, discovery and the mail server.

certifi's CA bundle (the same trust on every machine, whatever the distribution ships) plus,
optionally, the ``ca_bundle`` setting: a PEM file of extra CAs (a local government CA, or the
simulated fleet's CA in tests and the demo). Building a context costs ~17 ms, so a sweep
builds one and shares it.
"""

from __future__ import annotations

import ssl

import certifi

from monitor.core.errors import ConfigError


def default_ssl_context() -> ssl.SSLContext:
    """A verifying context trusting certifi's CAs."""
    return ssl.create_default_context(cafile=certifi.where())


def ssl_context_for(ca_bundle: str = "") -> ssl.SSLContext:
    """certifi's CAs plus the PEM file ``ca_bundle`` (none when empty); a file that cannot
    be loaded is a ConfigError naming the setting."""
    context = default_ssl_context()
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"{ca_bundle}: cannot load as PEM CA certificates: "
                              f"{exc}") from None
    return context
