"""The RQ worker class scripts/worker.sh starts: the job worker's composition root.

The kinds' fields are declared in the domain (service/kinds/), so packet jobs build template contexts without
the input layer. SimpleWorker runs jobs in this process, so its warm LibreOffice pool serves every job. The pool follows the app's
settings (CONVERTER_SIZE instances, one per core when 0) and starts with the worker, in the background, so the first
job — or the first part of a large packet this worker helps with — does not wait for LibreOffice to come up
(CONVERTER_AUTOSTART=0 leaves it to the first job); so do the packet's fonts (service.packets.warm_up)."""
from __future__ import annotations

import logging
import os
import threading

from rq.worker import SimpleWorker

from service import packets
from service.convert import get_pool

log = logging.getLogger(__name__)


def _warm() -> None:
    try:
        get_pool().start()
    except Exception:  # reported again by the first job that needs a conversion
        log.exception("LibreOffice could not be started")
    packets.warm_up()


class Worker(SimpleWorker):
    """SimpleWorker whose LibreOffice pool is started as the worker starts."""

    def work(self, *args, **kwargs):
        if os.environ.get("CONVERTER_AUTOSTART", "1") != "0":
            threading.Thread(target=_warm, name="converter-warmup", daemon=True).start()
        return super().work(*args, **kwargs)
