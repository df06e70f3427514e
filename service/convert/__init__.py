"""DOCX → PDF through a pool of warm LibreOffice instances (see pool.ConverterPool)."""
from __future__ import annotations

import atexit
import threading

from .pool import ConverterPool
from .probe import probe

__all__ = ["ConverterPool", "probe", "get_pool", "set_default_pool"]

_default: ConverterPool | None = None
_default_lock = threading.Lock()


def get_pool() -> ConverterPool:
    """The process-wide pool, created on first use (after any fork) and closed at exit."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ConverterPool()
            atexit.register(_default.close)
        return _default


def set_default_pool(pool: ConverterPool | None) -> ConverterPool | None:
    """Install the pool get_pool() returns (the app factory or tests); return the previous one, unclosed."""
    global _default
    with _default_lock:
        previous, _default = _default, pool
        return previous
