"""The report's words: a view of the one wording catalogue (``monitor.core.words``).

Kept so report code and other stages that build on the report can import from here.
"""

from __future__ import annotations

from monitor.core.words import (
    LANGS,
    STRINGS,
    check_lang,
    day_name,
    format_date,
    format_datetime,
    format_number,
    format_pct,
    format_time,
    month_name,
    t,
    word,
)

__all__ = ["LANGS", "STRINGS", "check_lang", "day_name", "format_date", "format_datetime",
           "format_number", "format_pct", "format_time", "month_name", "t", "word"]
