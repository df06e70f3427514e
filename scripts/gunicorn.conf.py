"""gunicorn's settings that are code rather than flags (scripts/serve.sh passes the flags and this file)."""
from __future__ import annotations

import gc
import os
import sys


def post_worker_init(worker) -> None:
    """Put what the app built at start-up (SQLAlchemy's mappers, Jinja's templates, the rules and kinds: about 170,000
    objects) out of the cyclic garbage collector's reach. Python's oldest-generation collection otherwise walks them
    all every few hundred requests: a 90 ms pause of the whole process, every page in flight with it, which made
    the slowest twentieth of pages under load (issue 13). Objects made later are collected as before.

    Then shorten the interval after which a thread running Python hands the interpreter lock to a waiting one
    (WEB_GIL_SWITCH_MS, default 1; Python's own is 5). A short page's thread comes back from each of its few
    database round trips wanting the lock while a board page's thread computes; with 5 ms it waits up to 5 ms each
    time. Measured with one or three workers against board pages read without pause on 2 cores: a review page's
    p95 76–83 ms with 1 ms against 89–119 ms with 5 ms, the boards' throughput unchanged."""
    gc.collect()
    gc.freeze()
    raw = os.environ.get("WEB_GIL_SWITCH_MS", "1")
    try:
        interval_ms = float(raw)
    except ValueError:
        interval_ms = -1.0
    if not 0.05 <= interval_ms <= 100:
        worker.log.warning("WEB_GIL_SWITCH_MS=%r is not a number of milliseconds from 0.05 to 100: 1 ms is used", raw)
        interval_ms = 1.0
    sys.setswitchinterval(interval_ms / 1000)
