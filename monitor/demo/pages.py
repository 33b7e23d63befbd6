"""Markup the demo's sites share: a phone viewport and a small responsive stylesheet."""

DEVICE = '<meta name="viewport" content="width=device-width, initial-scale=1">'
RESPONSIVE_CSS = """body { margin: 0; font: 16px/1.5 sans-serif; }
.wrap { max-width: 960px; margin: 0 auto; padding: 0 12px; }
@media (max-width: 600px) { .menu a { display: block; padding: 14px 0; } }"""
