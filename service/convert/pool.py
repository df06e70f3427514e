"""A pool of warm LibreOffice instances turning DOCX bytes into PDF bytes, safe to share between threads."""
from __future__ import annotations

import logging
import os
import queue
import shutil
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from pathlib import Path

from service.errors import ConversionFailed, ConverterUnavailable

from .instance import BadDocument, Instance, InstanceFailed, InstanceTimeout
from .probe import probe

log = logging.getLogger(__name__)

UNAVAILABLE = "Trình chuyển đổi PDF (LibreOffice) chưa sẵn sàng. Vui lòng thử lại sau ít phút."


def _cpu_count() -> int:
    """Cores this process may use (respects affinity masks), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _what(name: str) -> str:
    """'văn bản “…”' for messages, or plain 'văn bản' when the caller gave no name."""
    name = unicodedata.normalize("NFC", name or "").strip()
    return "văn bản" if name in ("", "văn bản") else f"văn bản “{name}”"


class ConverterPool:
    """Warm soffice processes, one document each at a time, with timeouts, one retry and recycling."""

    def __init__(self, size: int | None = None, *, timeout: float = 60.0, recycle_after: int = 200,
                 work_dir: str | os.PathLike | None = None, soffice: str = "soffice",
                 python: str = "/usr/bin/python3") -> None:
        self.size = max(1, size if size is not None else _cpu_count())
        self.timeout = timeout
        self.recycle_after = max(1, recycle_after)
        self.work_dir = Path(work_dir) if work_dir is not None else None
        self.soffice, self.python = soffice, python
        self._instances: list[Instance] = []
        self._idle: queue.Queue[Instance] = queue.Queue()
        self._lock = threading.Lock()  # start/close
        self._counts: Counter[str] = Counter()
        self._busy = 0.0   # seconds instances spent converting (successful conversions), for utilisation figures
        self._counts_lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._dir: Path | None = None
        self._started = self._closed = False

    def __enter__(self) -> ConverterPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start every instance in parallel; fine if some fail, ConverterUnavailable if all do."""
        with self._lock:
            if self._closed:
                raise ConverterUnavailable(UNAVAILABLE, detail="the converter pool is closed")
            if self._started:
                return
            reason = probe(self.soffice, self.python)
            if reason:
                raise ConverterUnavailable(UNAVAILABLE, detail=reason)
            if self.work_dir is not None:
                self.work_dir.mkdir(parents=True, exist_ok=True)
            self._dir = Path(tempfile.mkdtemp(prefix="convert-", dir=self.work_dir))
            self._instances = [Instance(i, self._dir, soffice=self.soffice, python=self.python)
                               for i in range(self.size)]
            errors: list[str] = []
            threads = [threading.Thread(target=self._start_one, args=(inst, errors), daemon=True)
                       for inst in self._instances]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if len(errors) == self.size:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._instances, self._dir = [], None
                raise ConverterUnavailable(UNAVAILABLE, detail=errors[0])
            for inst in self._instances:
                self._idle.put(inst)
            self._started = True

    def _start_one(self, inst: Instance, errors: list[str]) -> None:
        """Start one instance at pool start; a failure leaves it stopped, to retry on first use."""
        try:
            inst.start()
        except InstanceFailed as exc:
            log.error("LibreOffice instance %d failed to start: %s", inst.index, exc)
            errors.append(str(exc))

    def to_pdf(self, docx: bytes, *, pdfa: bool = False, name: str = "văn bản",
               timeout: float | None = None, dests: bool = False) -> bytes:
        """Convert one DOCX; a hang or crash gets one retry on a fresh instance, then ConversionFailed."""
        what = _what(name)
        if not docx:
            raise ConversionFailed(f"Không chuyển được {what} sang PDF: tệp DOCX trống.")
        self.start()
        limit = self.timeout if timeout is None else timeout
        job = Path(tempfile.mkdtemp(prefix="job-", dir=self._dir))
        try:
            src = job / "in.docx"
            src.write_bytes(docx)
            failure: InstanceFailed | None = None
            for attempt in (1, 2):
                dst = job / f"out-{attempt}.pdf"
                inst = self._checkout()
                try:
                    # A retry follows a crash, which may have taken more than one instance (all killed, the OOM
                    # killer): before the last attempt, make sure this one's soffice.bin is still there. Not on
                    # every conversion: reading /proc costs a little each time.
                    if not inst.running or (attempt == 2 and inst.soffice_bin_pid() is None):
                        self._restart(inst)
                    started = time.monotonic()
                    pdf = inst.convert(src, dst, pdfa, limit, dests)
                except BadDocument as exc:
                    self._checkin(inst)
                    self._count("bad_documents")
                    log.info("LibreOffice cannot read %s: %s", what, exc)
                    raise ConversionFailed(
                        f"Không chuyển được {what} sang PDF: tệp DOCX bị hỏng hoặc không đọc được.",
                        detail=str(exc)) from None
                except InstanceFailed as exc:
                    failure = exc
                    self._count("timeouts" if isinstance(exc, InstanceTimeout) else "crashes")
                    log.warning("LibreOffice instance %d failed on %s (attempt %d): %s",
                                inst.index, what, attempt, exc)
                    inst.kill()
                    self._restart_later(inst)
                    continue
                except BaseException:
                    self._checkin(inst)
                    raise
                took = time.monotonic() - started
                with self._counts_lock:
                    self._counts["conversions"] += 1
                    self._busy += took
                log.debug("converted %s in %.2f s on instance %d", what, took, inst.index)
                if inst.conversions >= self.recycle_after:
                    self._count("recycles")
                    inst.kill()
                    self._restart_later(inst)
                else:
                    self._checkin(inst)
                return pdf
            self._count("failures")
            if isinstance(failure, InstanceTimeout):
                problem = f"LibreOffice xử lý quá {limit:g} giây"
            else:
                problem = "LibreOffice dừng đột ngột khi xử lý"
            raise ConversionFailed(f"Không chuyển được {what} sang PDF: {problem}, đã thử lại một lần "
                                   "vẫn không được. Vui lòng thử lại sau hoặc kiểm tra lại văn bản.",
                                   detail=str(failure))
        finally:
            shutil.rmtree(job, ignore_errors=True)

    def _checkout(self) -> Instance:
        """Wait for an idle instance; give up only if the pool is closed meanwhile."""
        while True:
            if self._closed:
                raise ConverterUnavailable(UNAVAILABLE, detail="the converter pool is closed")
            try:
                inst = self._idle.get(timeout=0.5)
            except queue.Empty:
                continue
            inst.busy = True
            return inst

    def _checkin(self, inst: Instance) -> None:
        """Hand an instance back, or stop it if the pool closed while it was out."""
        inst.busy = False
        if self._closed:
            inst.stop()
        else:
            self._idle.put(inst)

    def _restart(self, inst: Instance) -> None:
        """Start (again) an instance the caller holds; ConverterUnavailable if LibreOffice will not come up."""
        try:
            inst.start()
        except InstanceFailed as exc:
            log.error("LibreOffice instance %d failed to restart: %s", inst.index, exc)
            raise ConverterUnavailable(UNAVAILABLE, detail=str(exc)) from None
        self._count("restarts")
        if self._closed:  # close() ran while we were starting: do not leave this one behind
            inst.stop()
            raise ConverterUnavailable(UNAVAILABLE, detail="the converter pool is closed")

    def _restart_later(self, inst: Instance) -> None:
        """Restart in the background so the caller is not kept waiting, then return it to the queue."""
        def run() -> None:
            try:
                if not self._closed:
                    self._restart(inst)
            except ConverterUnavailable:
                pass  # left stopped; the next checkout tries again and reports it
            finally:
                self._checkin(inst)
                with self._lock:
                    self._threads.discard(thread)

        thread = threading.Thread(target=run, name=f"soffice-restart-{inst.index}", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _count(self, key: str) -> None:
        """Bump a stats counter; callers come from many threads."""
        with self._counts_lock:
            self._counts[key] += 1

    def ready(self) -> bool:
        """True once at least one instance is up and has answered."""
        return self._started and not self._closed and any(i.running for i in self._instances)

    @property
    def stats(self) -> dict:
        """Counters since creation, the seconds instances spent converting (busy_s), and per instance, pids and
        soffice.bin RSS (read from /proc)."""
        with self._counts_lock:
            counts = {k: self._counts[k] for k in ("conversions", "bad_documents", "timeouts", "crashes",
                                                   "failures", "restarts", "recycles")}
            busy = self._busy
        return {**counts, "busy_s": round(busy, 3), "size": self.size, "started": self._started, "closed": self._closed,
                "instances": [inst.info() for inst in self._instances]}

    def close(self) -> None:
        """Kill every process group (busy ones too), wait for restarts, remove the temp dir."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
        for inst in self._instances:
            inst.kill()
        for t in threads:
            t.join(timeout=60)
        while True:  # instances out with a caller are reaped by that caller's checkin
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        log.info("converter pool closed: %s", {k: v for k, v in self.stats.items() if k != "instances"})
