"""Alerts: after each sweep, one short message per change of state of a site.

    stored results -> detect (what changed) -> store (alert + a pending delivery per channel)
                   -> deliver (Apprise URLs, SMTP; hard deadline) -> store (outcome per channel)

* ``rules``: the alert settings, read once per sweep (down after N sweeps, quiet hours...).
* ``detect``: pure: a site's last results and its open alerts in, changes out.
* ``wording``: the message table (Bahasa Indonesia and English), phone-first.
* ``channels``: who gets what (the city's MONITOR_ALERT_URLS, a kecamatan row's
  ``alert_urls``, email) and masking of the secrets inside Apprise URLs.
* ``deliver``: sends with a hard deadline, so a hanging channel cannot hold up a sweep.
* ``run``: the job ``monitor check`` runs at its end, and ``monitor alerts --test``.

A condition (hacked, suspended, placeholder, down, certificate) is an alert that stays open
while it lasts: said once, reminded every N days, closed silently when it ends (``down``
ends with a "back up" alert). An event (back up, a new verification tag) is said once.
Nothing here may fail a sweep: ``run.after_sweep`` logs its own faults and returns.
"""
