"""The one severity order of the reasons a site needs action, worst first.

Every list that says "needs action" (both weekly reports, the email summary, `monitor
inactive`, the admin page) is sorted by this table, so it is the only place the order is
written. Why this order: what harms residents and the city most comes first.

1. ``judi_spam``, ``defaced``: a hacked site serves gambling spam or a hacker's page under
   the city's name, so it goes first even when it is up.
2. ``down_week``: no sweep of the period reached the home page; one bad sweep is noise, a
   week is a site that needs a phone call.
3. ``suspended``, ``default_page``, ``empty`` and any other content flag: the site answers,
   but shows nothing of use (the host suspended it, a placeholder, an empty shell).
4. ``down_now`` (down at the last sweep, up earlier) and ``unstable`` (up in fewer than
   ``unstable_pct`` % of the sweeps): availability trouble short of a whole week.
5. ``tidak_aktif``, ``kurang_aktif``: UU 14/2008 (Keterbukaan Informasi Publik) asks for
   periodic information at least every six months, and SPBE evaluators look for current
   content.
   ``verification_tag`` sits between the two: a search-console verification tag new since
   the sweep before is how attackers take over a site's search listing (the content check
   keeps it; not a content flag on its own, but worth a look before the listing is lost).
6. ``not_mobile_friendly``: most residents open the site on a phone.
7. ``cert`` (certificate expiring within ``cert_warn_days``) and ``no_https``: SPBE security
   (BSSN asks for TLS on government sites); the site still works today.
8. ``no_site``: the area has no website yet; a plan, not an emergency.

The severity numbers are what the reports print and compare week over week (a higher number is
worse); the reports colour 60 and above as urgent and below 30 as minor.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.core.activity import KURANG_AKTIF, TIDAK_AKTIF


@dataclass(frozen=True)
class Kind:
    """One kind of reason: its severity and the ids of its wording and suggested action
    (keys of the report wording tables, ``monitor.report.i18n``)."""

    name: str
    severity: int
    wording: str
    action: str


ORDER: tuple[Kind, ...] = (
    Kind("judi_spam", 100, "p_judi_spam", "a_judi_spam"),
    Kind("defaced", 100, "p_defaced", "a_defaced"),
    Kind("down_week", 90, "p_down_week", "a_down_week"),
    Kind("suspended", 85, "p_suspended", "a_suspended"),
    Kind("default_page", 80, "p_default_page", "a_default_page"),
    Kind("empty", 75, "p_empty", "a_empty"),
    Kind("other_flag", 70, "p_other_flag", "a_other_flag"),
    Kind("down_now", 65, "p_down_now", "a_down_now"),
    Kind("unstable", 55, "p_unstable", "a_unstable"),
    Kind(TIDAK_AKTIF, 50, "p_stale", "a_stale"),
    Kind("verification_tag", 45, "p_verification_tag", "a_verification_tag"),
    Kind(KURANG_AKTIF, 30, "p_less_active", "a_less_active"),
    Kind("not_mobile_friendly", 25, "p_not_mobile", "a_not_mobile"),
    Kind("cert", 20, "p_cert", "a_cert"),
    Kind("no_https", 15, "p_no_https", "a_no_https"),
    Kind("no_site", 10, "p_no_site", "a_no_site"),
)

KINDS: dict[str, Kind] = {k.name: k for k in ORDER}
HACKED = frozenset({"judi_spam", "defaced"})  # SPEC: judi_spam means the site is hacked
FLAG_KINDS = frozenset({"judi_spam", "defaced", "suspended", "default_page", "empty"})


def kind(name: str) -> Kind:
    """The table entry of ``name`` (a KeyError names a kind this table does not know)."""
    return KINDS[name]


def rank(name: str) -> int:
    """0 for the worst kinds (hacked), then 1, 2...: the position of its severity."""
    levels = sorted({k.severity for k in ORDER}, reverse=True)
    return levels.index(KINDS[name].severity)
