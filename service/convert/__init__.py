"""DOCX → PDF through a pool of warm LibreOffice instances (see pool.ConverterPool)."""
from __future__ import annotations

import atexit
import threading

from .pool import ConverterPool
from .probe import probe

__all__ = ["ConverterPool", "probe", "get_pool", "pool_from_settings", "set_default_pool"]

_default: ConverterPool | None = None
_default_lock = threading.Lock()


def get_pool() -> ConverterPool:
    """The process-wide pool, created on first use (after any fork) and closed at exit. Outside the app (an RQ
    worker), it follows the same settings as the app's pool: CONVERTER_SIZE instances (0: one per core),
    CONVERTER_TIMEOUT, CONVERTER_RECYCLE_AFTER, its files under DATA_DIR/converter."""
    global _default
    with _default_lock:
        if _default is None:
            _default = pool_from_settings()
            atexit.register(_default.close)
        return _default


def pool_from_settings(settings=None) -> ConverterPool:
    """A (not yet started) pool sized and limited by the settings (Settings.from_env() when none are given)."""
    from service.config import Settings

    settings = settings or Settings.from_env()
    return ConverterPool(settings.converter_size or None, timeout=settings.converter_timeout,
                         recycle_after=settings.converter_recycle_after, work_dir=settings.data_dir / "converter")


def set_default_pool(pool: ConverterPool | None) -> ConverterPool | None:
    """Install the pool get_pool() returns (the app factory or tests); return the previous one, unclosed."""
    global _default
    with _default_lock:
        previous, _default = _default, pool
        return previous
