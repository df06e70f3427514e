"""One warm LibreOffice seen from the app: a uno_worker.py process group and its pipe protocol."""
from __future__ import annotations

import json
import logging
import os
import select
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("uno_worker.py")
MIN_PDF_BYTES = 300  # LibreOffice's emptiest one-page PDF is several KB


class InstanceFailed(Exception):
    """The instance hung, crashed or spoke nonsense: kill it and try the document elsewhere."""


class InstanceTimeout(InstanceFailed):
    """No answer within the document's time limit: soffice is presumed hung."""


class BadDocument(Exception):
    """LibreOffice is fine but cannot read this document: retrying will not help."""


def group_pids(pgid: int) -> list[int]:
    """Every live process in a process group, read from /proc (no psutil)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            pids.append(int(entry))
    return pids


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process in KiB, None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def read_pdf(path: Path) -> bytes:
    """Return the output only if it really is a PDF: an empty or cut file is the instance's fault."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InstanceFailed(f"no output file: {exc}") from exc
    if not data.startswith(b"%PDF-") or len(data) < MIN_PDF_BYTES or b"%%EOF" not in data[-1024:]:
        raise InstanceFailed(f"output is not a complete PDF ({len(data)} bytes)")
    return data


def _comm(pid: int) -> str:
    """The short command name of a process, empty when it is gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Instance:
    """A worker + soffice pair in its own process group; one document at a time."""

    def __init__(self, index: int, base: Path, *, soffice: str, python: str,
                 connect_timeout: float = 20.0) -> None:
        self.index = index
        self.dir = base / f"instance-{index}"
        self.soffice, self.python, self.connect_timeout = soffice, python, connect_timeout
        self.proc: subprocess.Popen | None = None
        self.soffice_pid: int | None = None  # oosplash; soffice.bin is its child, same group
        self.conversions = 0  # since the last (re)start, for recycling
        self.starts = 0
        self.busy = False  # checked out by a caller (set by the pool)
        self._buf = b""
        self._lock = threading.Lock()  # guards proc against a concurrent kill() from close()

    @property
    def running(self) -> bool:
        """True while the worker process is alive and has said it is ready."""
        return self.proc is not None and self.proc.poll() is None and self.soffice_pid is not None

    @property
    def pid(self) -> int | None:
        """The worker's pid, which is also the process group id."""
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        """Spawn worker + soffice with a fresh profile and wait until UNO answers."""
        self.stop()
        profile = self.dir / "profile"
        shutil.rmtree(profile, ignore_errors=True)  # never inherit a profile from a killed soffice
        self.dir.mkdir(parents=True, exist_ok=True)
        pipe = f"convpool_{os.getpid()}_{self.index}_{uuid.uuid4().hex[:12]}"
        cmd = [self.python, "-I", str(WORKER), "--soffice", self.soffice, "--profile", profile.as_uri(),
               "--pipe", pipe, "--connect-timeout", str(self.connect_timeout)]
        with self._lock, open(self.dir / "worker.log", "wb") as errlog:
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog,
                                             bufsize=0, start_new_session=True, close_fds=True)
            except OSError as exc:
                raise InstanceFailed(f"cannot run {self.python}: {exc}") from exc
            self._buf = b""
        try:
            msg = self._read(time.monotonic() + self.connect_timeout + 10)
        except InstanceFailed as exc:
            self.stop()
            raise InstanceFailed(f"{exc}; worker log: {self.log_tail()}") from exc
        if msg.get("event") != "ready":
            self.stop()
            raise InstanceFailed(f"{msg.get('error', msg)}; worker log: {self.log_tail()}")
        self.soffice_pid = int(msg["soffice_pid"])
        self.conversions = 0
        self.starts += 1
        log.info("LibreOffice instance %d ready (group %d)", self.index, self.proc.pid)

    def convert(self, src: Path, dst: Path, pdfa: bool, timeout: float, dests: bool = False) -> bytes:
        """Convert one file and return the PDF; raise BadDocument or InstanceFailed, never hang past timeout."""
        if not self.running:
            raise InstanceFailed("instance is not running")
        line = json.dumps({"in": str(src), "out": str(dst), "pdfa": pdfa, "dests": dests}) + "\n"
        try:
            self.proc.stdin.write(line.encode())
        except (OSError, ValueError) as exc:
            raise InstanceFailed(f"worker gone: {exc}") from exc
        reply = self._read(time.monotonic() + timeout)
        self.conversions += 1
        if reply.get("ok"):
            return read_pdf(dst)
        if reply.get("kind") == "load":
            raise BadDocument(reply.get("error", ""))
        raise InstanceFailed(f"{reply.get('kind')}: {reply.get('error')}")

    def _read(self, deadline: float) -> dict:
        """Read one JSON line from the worker before the deadline."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            raise InstanceFailed("instance is not running")
        fd = proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise InstanceTimeout("timed out")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError as exc:
                raise InstanceFailed(f"worker pipe broke: {exc}") from exc
            if not chunk:
                raise InstanceFailed(f"worker exited (code {proc.poll()})")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError as exc:
            raise InstanceFailed(f"unreadable reply {line[:200]!r}") from exc

    def kill(self) -> None:
        """Kill the process group without reaping: safe from another thread mid-conversion."""
        with self._lock:
            if self.proc is not None and self.proc.returncode is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def stop(self) -> None:
        """Kill the whole process group (worker, oosplash, soffice.bin), then reap the worker."""
        with self._lock:
            proc, self.proc, self.soffice_pid = self.proc, None, None
        if proc is None:
            return
        try:
            # Safe while the leader is unreaped: its pid (= the pgid) cannot be reused yet.
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("LibreOffice worker %d did not die after SIGKILL", proc.pid)
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def soffice_bin_pid(self) -> int | None:
        """The soffice.bin process doing the work (the one that grows and may hang)."""
        pid = self.pid
        if pid is None:
            return None
        return next((p for p in group_pids(pid) if _comm(p) == "soffice.bin"), None)

    def info(self) -> dict:
        """Pids and memory of this instance, for stats and the tests that kill it."""
        bin_pid = self.soffice_bin_pid() if self.running else None
        return {"index": self.index, "running": self.running, "pid": self.pid,
                "soffice_pid": bin_pid, "rss_kib": rss_kib(bin_pid) if bin_pid else None,
                "busy": self.busy, "conversions": self.conversions, "starts": self.starts}

    def log_tail(self, limit: int = 500) -> str:
        """The end of the worker's stderr, for error messages in the log."""
        try:
            data = (self.dir / "worker.log").read_bytes()[-limit:]
        except OSError:
            return ""
        return data.decode("utf-8", "replace").strip().replace("\n", " | ")
