"""`monitor admin`: a small local web page where Diskominfotik admins follow up on sites.

``app`` builds the Flask application (routes and rendering), ``security`` holds its guards
(password, CSRF, same-origin, headers), ``serve`` runs it on a local address.
"""

from __future__ import annotations

from monitor.admin.app import create_app

__all__ = ["create_app"]
