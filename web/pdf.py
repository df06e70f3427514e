"""The app's LibreOffice pool: started in the background at launch so the first PDF is fast."""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from service import packets
from service.convert import ConverterPool, pool_from_settings, set_default_pool
from service.pdfcache import PdfCache

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Create the pool from settings; warm it in a thread unless tests say otherwise."""
    settings = app.config["SETTINGS"]
    pool: ConverterPool = app.config.get("CONVERTER_POOL") or pool_from_settings(settings)
    app.extensions["converter"] = pool
    set_default_pool(pool)  # background jobs in this process share the same warm instances
    if app.config.get("CONVERTER_AUTOSTART"):
        def warm() -> None:
            try:
                pool.start()
            except Exception:  # reported by /healthz and on each conversion
                log.exception("LibreOffice could not be started")
            packets.warm_up()
        threading.Thread(target=warm, name="converter-warmup", daemon=True).start()


def pdf_cache() -> PdfCache:
    """The cache packets and single downloads share (DATA_DIR/pdf-cache), the same folder the packet jobs use."""
    return PdfCache(current_app.config["SETTINGS"].data_dir / "pdf-cache")


def converter() -> ConverterPool:
    """The app's converter pool."""
    return current_app.extensions["converter"]
