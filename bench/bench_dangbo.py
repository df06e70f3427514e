"""A đảng bộ's packet on Redis with RQ workers as separate processes (issue 15). Prints its figures, writes JSON.

PostgreSQL (a throwaway database on 127.0.0.1:5432, or --database-url), a temp DATA_DIR, `demo --members M
--chi-bo N`, then for 1 worker and for 2 (scripts/worker.sh, one LibreOffice each: CONVERTER_SIZE=1, one worker
per core, each worker's LibreOffice started and warm before the clock starts): the cold packet (empty caches) and the packet after one member's edit, each queued exactly as the API
queues it (dossier.packet_params + JobService.enqueue with the dedupe key) and polled until done. Sampled while it
runs: progress (done/total must never go back), peak memory of every process (VmHWM of the workers, VmRSS of
their LibreOffice processes), the CPU seconds the workers and their LibreOffice used (so "cores busy" = CPU / wall
tells how much room a second worker had), and at the end the packet's pages and size.

The full size is the default (80 chi bộ × 25 members ≈ 6,000 documents); on a busy machine run a scaled version,
e.g. --chi-bo 8, and say so.

Usage: PYTHONPATH=. .venv/bin/python bench/bench_dangbo.py [--chi-bo 80] [--members 25] [--workers 1,2]
       [--converter-size 1] [--pin]
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_packet import commit, cores, proc_stat, stat_cpu, write_results  # noqa: E402

YEAR = 2026
MIB = 1024


def throwaway_database(admin_url: str) -> str:
    """A new empty PostgreSQL database for this run, dropped at exit."""
    import psycopg

    name = f"bench_dangbo_{uuid.uuid4().hex[:8]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    atexit.register(drop)
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def proc_status(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (0 when it is gone)."""
    return cpu_sample(pid)[1]


def cpu_sample(pid: int) -> tuple[int, float]:
    """(start time in clock ticks since boot, utime + stime in seconds) of one process; (0, 0.0) when it is gone.
    The start time tells a recycled LibreOffice from the one before it under a reused pid."""
    fields = proc_stat(pid)
    return (0, 0.0) if fields is None else stat_cpu(fields)


def comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (its LibreOffice instances), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := proc_stat(entry)) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


class Workers:
    """N `scripts/worker.sh` processes (each in its own session, so they are stopped by their own group)."""

    def __init__(self, count: int, env: dict, logs: Path, pin: bool = False) -> None:
        self.procs = []
        for n in range(count):
            log = open(logs / f"worker-{count}-{n}.log", "wb")
            # --pin: worker n and its LibreOffice on core n only (taskset execs, so the pid stays the worker's)
            prefix = ["taskset", "-c", str(n % cores())] if pin else []
            self.procs.append(subprocess.Popen([*prefix, "bash", "scripts/worker.sh", "--name",
                                                f"bench-{uuid.uuid4().hex[:6]}"],
                                               cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True))
            log.close()
        self.peaks: dict[str, int] = {}
        # CPU seconds of every LibreOffice process ever seen, by (pid, start time): an instance recycled after N
        # conversions (or killed after a timeout) is gone from /proc, but its CPU still counts
        self._office_cpu: dict[tuple[int, int], float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for n, proc in enumerate(self.procs):
                worker = proc_status(proc.pid, "VmHWM")   # bash exec's python: the same pid
                self.peaks[f"worker {n} (python)"] = max(self.peaks.get(f"worker {n} (python)", 0), worker)
                below = descendants(proc.pid)
                office = max((proc_status(p, "VmRSS") for p in below), default=0)
                self.peaks[f"worker {n} LibreOffice"] = max(self.peaks.get(f"worker {n} LibreOffice", 0), office)
                self._note_office(below)

    def _note_office(self, pids: list[int]) -> None:
        with self._lock:
            for pid in pids:
                start, seconds = cpu_sample(pid)
                if start:
                    self._office_cpu[(pid, start)] = max(self._office_cpu.get((pid, start), 0.0), seconds)

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: the workers (python) and every LibreOffice process they ran, the ones recycled
        since included (as last sampled, at most 0.5 s before they ended), so the counter never goes back."""
        python = sum(cpu_seconds(p.pid) for p in self.procs)
        self._note_office([c for p in self.procs for c in descendants(p.pid)])
        with self._lock:
            office = sum(self._office_cpu.values())
        return {"workers": python, "libreoffice": office}

    def offices_ready(self, size: int) -> bool:
        """Every worker has its `size` soffice.bin running (started at worker start, see web/worker.py)."""
        return all(sum(comm(c) == "soffice.bin" for c in descendants(p.pid)) >= size for p in self.procs)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def run_packet(service, db, unit_id: int, scope: str, member_id: int | None = None,
               deadline_s: float = 7200) -> tuple[float, object, list[tuple[float, int, int]]]:
    """Queue a packet as the API does and wait; (seconds, job row, progress samples)."""
    from service import dossier
    from service.models import Unit

    t0 = time.perf_counter()
    with db.session() as session:
        params = dossier.packet_params(session, session.get(Unit, unit_id),
                                       {"year": YEAR, "kind": scope, **({"member_id": member_id} if member_id
                                                                        else {})})
    job = service.enqueue("packet", params, dedupe_key=dossier.dedupe_key(params))
    samples = []
    deadline = time.monotonic() + deadline_s
    while True:
        row = service.get(job.id)
        samples.append((time.perf_counter() - t0, row.done, row.total))
        if row.state not in ("queued", "running"):
            break
        assert time.monotonic() < deadline, f"job {job.id} still {row.state}"
        time.sleep(0.25)
    return time.perf_counter() - t0, row, samples


def job_steps(data_dir: Path, job_id: str) -> dict:
    """Where the packet job's time went (its timings.json: plan, parts, front, stamp, write, zip, record)."""
    import json

    try:
        spent = json.loads((data_dir / "jobs" / job_id / "timings.json").read_text())
    except (OSError, ValueError):
        return {}
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in spent.items()}


def honest(samples: list[tuple[float, int, int]]) -> bool:
    """Progress never goes back and ends at total."""
    done = [d for _t, d, _total in samples]
    return all(b >= a for a, b in zip(done, done[1:])) and samples[-1][1] == samples[-1][2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chi-bo", type=int, default=80)
    ap.add_argument("--members", type=int, default=25)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--converter-size", type=int, default=1, help="LibreOffice instances per worker (CONVERTER_SIZE)")
    ap.add_argument("--pin", action="store_true",
                    help="each worker (with its LibreOffice) on one core of its own: the scale-out unit measured alone "
                         "(unpinned, one worker's rendering and its LibreOffice already overlap on both cores)")
    ap.add_argument("--database-url", default=None, help="default: a throwaway database on 127.0.0.1:5432")
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    counts = [int(c) for c in args.workers.split(",")]

    root = Path(tempfile.mkdtemp(prefix="bench-dangbo-"))
    atexit.register(shutil.rmtree, root, True)
    url = args.database_url or throwaway_database("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    queue = f"bench-dangbo-{os.getpid()}"
    os.environ.update({"DATA_DIR": str(root / "data"), "DATABASE_URL": url, "JOBS_QUEUE": queue})
    os.environ.pop("REDIS_URL", None)
    from app import create_app
    from service.jobs import JobService
    from service.models import Document, Unit

    app = create_app({"TESTING": True, "CONVERTER_AUTOSTART": False})
    assert app.test_cli_runner().invoke(args=["migrate"]).exit_code == 0
    t0 = time.perf_counter()
    out = app.test_cli_runner().invoke(args=["demo", "--members", str(args.members), "--chi-bo", str(args.chi_bo),
                                             "--year", str(YEAR)])
    assert out.exit_code == 0, out.output[-2000:]
    generated = time.perf_counter() - t0
    unit_id = int(re.search(r"\(mã (\d+)\)", out.output).group(1))
    db = app.extensions["db"]
    settings = app.config["SETTINGS"]
    with db.session() as session:
        unit = session.get(Unit, unit_id)
        member = unit.children[0].members[0]
        warmers = [(m.unit_id, m.id) for m in unit.children[0].members[:max(int(c) for c in
                                                                          args.workers.split(","))]]
        edit_doc = next(d.id for d in session.query(Document).filter(Document.member_id == member.id)
                        if d.kind_code.startswith(("member-review", "leader-review")))
    print(f"machine: {cores()} cores, load {load_before[0]:.1f}; commit {commit()}; PostgreSQL, Redis queue {queue}; "
          f"{args.converter_size} LibreOffice per worker{'; each worker pinned to one core' if args.pin else ''}")
    print(f"generated đảng bộ of {args.chi_bo} chi bộ × {args.members} members in {generated:.0f} s")

    env = {**os.environ, "REDIS_URL": args.redis_url, "CONVERTER_SIZE": str(args.converter_size),
           "VENV": str(Path(sys.executable).parent.parent)}
    service = JobService(db, settings.data_dir, args.redis_url, queue_name=queue, job_timeout=4 * 3600)
    results: dict = {}
    for count in counts:
        shutil.rmtree(settings.data_dir / "pdf-cache", ignore_errors=True)   # cold: nothing rendered or converted
        workers = Workers(count, env, root, pin=args.pin)
        try:
            # warm: every worker starts its LibreOffice as it starts (web/worker.py); wait until each has them all
            # running, then one-member packets (different members: different jobs) so the code paths are warm too
            deadline = time.monotonic() + 120
            while not workers.offices_ready(args.converter_size):
                assert time.monotonic() < deadline, "a worker's LibreOffice did not start within 120 s"
                time.sleep(0.5)
            warm = [threading.Thread(target=run_packet, args=(service, db, uid, "member", mid))
                    for uid, mid in warmers[:count]]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            cpu_before = workers.cpu()
            cold, job, cold_samples = run_packet(service, db, unit_id, "dang_bo")
            cpu_cold = {k: v - cpu_before[k] for k, v in workers.cpu().items()}
            assert job.state == "done", (job.state, job.error)
            pdf = service.result_file(job, "pdf")
            size_mb = pdf.stat().st_size / 1e6
            import pikepdf
            with pikepdf.open(pdf) as opened:
                pages = len(opened.pages)
            with db.session() as session:
                doc = session.get(Document, edit_doc)
                from service import documents
                documents.save_revision(session, doc, {**doc.data, "a_vi": doc.data["a_vi"] + f" Bổ sung {count}."},
                                        None, status="submitted")
            edit, job2, edit_samples = run_packet(service, db, unit_id, "dang_bo")
            assert job2.state == "done", (job2.state, job2.error)
        finally:
            workers.stop()
        busy = sum(cpu_cold.values()) / cold
        steps = {name: job_steps(settings.data_dir, j.id) for name, j in (("cold", job), ("edit", job2))}
        results[count] = {"cold_s": round(cold, 1), "edit_s": round(edit, 1), "documents": job.total,
                          "cold_cpu_s": {k: round(v, 1) for k, v in cpu_cold.items()}, "cold_cores_busy": round(busy, 2),
                          "pages": pages, "packet_mb": round(size_mb, 1),
                          "progress_honest": honest(cold_samples) and honest(edit_samples),
                          "peak_mib": {k: round(v / MIB) for k, v in workers.peaks.items()},
                          "steps_s": steps, "load_after": list(os.getloadavg())}
        print(f"{count} worker(s): cold {cold:.1f} s, after one edit {edit:.1f} s; {job.total} documents, {pages} "
              f"pages, {size_mb:.1f} MB; cold CPU: workers {cpu_cold['workers']:.1f} s + LibreOffice "
              f"{cpu_cold['libreoffice']:.1f} s = {busy:.2f} cores busy; progress honest: "
              f"{results[count]['progress_honest']}; peak memory: "
              + ", ".join(f"{k} {v / MIB:.0f} MiB" for k, v in workers.peaks.items())
              + f"; load {os.getloadavg()[0]:.1f}")
        for name, spent in steps.items():
            print(f"  {name} packet job's steps: " + ", ".join(f"{k} {v}" for k, v in spent.items()))
    service.shutdown()
    print()
    print(f"{'':<22}" + "".join(f"{c} worker(s)".rjust(16) for c in counts))
    for key, label in (("cold_s", "cold (s)"), ("edit_s", "after one edit (s)")):
        print(f"{label:<22}" + "".join(f"{results[c][key]:16.1f}" for c in counts))
    if 1 in results and 2 in results:
        speedup = results[1]["cold_s"] / results[2]["cold_s"]
        print(f"2 workers vs 1 (cold): {speedup:.2f}× (target ≥ 1.7×): {'OK' if speedup >= 1.7 else 'BELOW TARGET'}")
        results["speedup_2_vs_1"] = round(speedup, 2)
    worst = max(v for r in results.values() if isinstance(r, dict) for v in r["peak_mib"].values())
    edit_worst = max(r["edit_s"] for r in results.values() if isinstance(r, dict))
    print(f"after one edit ≤ 30 s: {'OK' if edit_worst <= 30 else 'SLOWER THAN TARGET'} (worst {edit_worst:.1f} s); "
          f"peak memory per process ≤ 1 GB: {'OK' if worst <= 1024 else 'OVER'} (worst {worst} MiB)")
    path = write_results("dangbo", {"load_before": load_before, "chi_bo": args.chi_bo, "members": args.members,
                                    "converter_size": args.converter_size, "pinned": args.pin,
                                    "full_size": args.chi_bo >= 80 and args.members >= 25,
                                    "generated_s": round(generated), "by_workers": results})
    print(f"figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
