"""The RQ worker class scripts/worker.sh starts: the job worker's composition root.

Importing forms registers each document kind's schema, which packet jobs need to build template contexts;
SimpleWorker runs jobs in this process, so its warm LibreOffice pool serves every job."""
from __future__ import annotations

from rq.worker import SimpleWorker

import forms  # noqa: F401  (see the module docstring)

Worker = SimpleWorker
