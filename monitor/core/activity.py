"""The SPEC's activity words, from the age of the newest real content update.

``aktif``: updated within the ``aktif_days`` setting (30); ``kurang_aktif``: within
``kurang_aktif_days`` (90); ``tidak_aktif``: older, or reachable with no evidence of any update;
``tidak_diketahui``: never reached and no earlier evidence; ``tidak_ada_situs``: no website.
"""

from __future__ import annotations

from monitor.core.settings import DEFAULTS

AKTIF = "aktif"
KURANG_AKTIF = "kurang_aktif"
TIDAK_AKTIF = "tidak_aktif"
TIDAK_DIKETAHUI = "tidak_diketahui"
TIDAK_ADA_SITUS = "tidak_ada_situs"

WORDS = (AKTIF, KURANG_AKTIF, TIDAK_AKTIF, TIDAK_DIKETAHUI, TIDAK_ADA_SITUS)


def classify(
    *,
    has_site: bool,
    reachable: bool,
    days_since_update: int | None,
    aktif_days: int = DEFAULTS.aktif_days,
    kurang_aktif_days: int = DEFAULTS.kurang_aktif_days,
) -> str:
    """``days_since_update`` may come from an earlier sweep when the site is down now."""
    if not has_site:
        return TIDAK_ADA_SITUS
    if days_since_update is None:
        return TIDAK_AKTIF if reachable else TIDAK_DIKETAHUI
    if days_since_update <= aktif_days:
        return AKTIF
    if days_since_update <= kurang_aktif_days:
        return KURANG_AKTIF
    return TIDAK_AKTIF
