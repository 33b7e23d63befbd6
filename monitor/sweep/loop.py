"""The event loop a sweep runs on: uvloop (libuv) where it is installed, else asyncio's own.

Why: with the sweep's own HTTP client (``monitor.sweep.client``) the event loop itself became
the largest single cost left on the request path. Measured on the 2-core machine,
``benchmarks/sweep.py --n 10000 --concurrency 500 --timeout 5`` (all checks): CPU per site
10.8 -> 8.4 ms and the longest loop stall 161 -> 75 ms with uvloop, the same sites down and
the same requests per site. The setting ``event_loop`` = ``asyncio`` goes back to the standard
loop (a machine without uvloop gets it anyway, with a warning).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def loop_factory(kind: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes the loop for ``kind`` (None: asyncio's default)."""
    if kind != "uvloop":
        return None
    try:
        import uvloop
    except ImportError:  # e.g. Windows, where uvloop does not exist
        log.warning("event_loop = uvloop, but uvloop is not installed: using asyncio's loop")
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], kind: str = "uvloop") -> T:
    """``asyncio.run(main)`` on the loop ``kind`` names."""
    with asyncio.Runner(loop_factory=loop_factory(kind)) as runner:
        return runner.run(main)
