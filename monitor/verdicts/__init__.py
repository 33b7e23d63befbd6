"""Verdicts: the one place that decides whether a site needs action, why, and how urgently.

From a site's results over a period and its newest review, ``judge`` returns a ``Verdict``:
the ``Reason``s it needs action (kind, severity, wording id, evidence, suggested action id),
worst first, its rank and sort key, and whether a ``selesai`` review is contradicted by a later
sweep (reopened). The severity order is written once, in ``severity.ORDER``; the limits come
from the settings (``Limits.from_settings``).

Both weekly reports, the email summary, `monitor inactive`, the admin page and the reopening
of reviews all read these verdicts; none of them judges on its own. Wording lives with the
readers (``monitor.report.wording`` turns a reason into words in a language).
"""

from monitor.verdicts.judge import judge, review_state, worst_first
from monitor.verdicts.limits import Limits, Settings
from monitor.verdicts.listing import SiteVerdict, needs_action
from monitor.verdicts.model import DONE, REOPENED, Reason, ReviewState, Verdict
from monitor.verdicts.severity import HACKED, ORDER, Kind

__all__ = ["DONE", "HACKED", "ORDER", "REOPENED", "Kind", "Limits", "Reason", "ReviewState",
           "Settings", "SiteVerdict", "Verdict", "judge", "needs_action", "review_state",
           "worst_first"]
