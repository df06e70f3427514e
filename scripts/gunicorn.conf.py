"""gunicorn's settings that are code rather than flags (scripts/serve.sh passes the flags and this file)."""
from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """Put what the app built at start-up (SQLAlchemy's mappers, Jinja's templates, the rules and kinds: about 170,000
    objects) out of the cyclic garbage collector's reach. Python's oldest-generation collection otherwise walks them
    all every few hundred requests: a 90 ms pause of the whole process, every page in flight with it, which made
    the slowest twentieth of pages under load (issue 13). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()
