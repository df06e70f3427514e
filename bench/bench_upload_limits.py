"""Hostile and huge uploads against a real web process, through the upload path as it is: the request checks and
stores (202), a background job reads the pages in a memory-limited child with a time budget, the client polls the
status until done or refused.

Starts `flask run` (one process, so its memory is the service's; jobs run in its threads, 2 at a time, each reading
in its own child) on a fresh DATA_DIR with the demo data, then, as the office's API client:
  1. the issue's Flate bomb: 30 pages whose content streams are 74 MB of spaces deflated to ~72 kB each;
  2. --files files of --pages blank pages each (the issue: 50 × 300): by default each file its own upload, all posted
     at once and then followed (the queue and the readers under load); with --one-request all in one upload.
Prints per file the outcome (HTTP answer, then done / refused with the reason), the seconds from posting to the end,
the web process's peak RSS above idle, the peak RSS of one reader child and of all children at once; writes the
figures to bench/results/upload-limits-<time>.json. Target: < 500 MB above idle, every upload ended in bounded time.
Polling deadlines come from the service's own reader budget (2 s per page, 60–600 s per upload) plus the queue.
Usage: .venv/bin/python bench/bench_upload_limits.py [--files 50] [--pages 300] [--one-request]
(BENCH_DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL.)
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_packet import write_results  # noqa: E402
from service.archive.reader import ReaderBudget  # noqa: E402
from tests.hostile_pdfs import blank_pdf, flate_bomb  # noqa: E402

JOB_THREADS = 2  # the embedded job pool of one web process (JobService's default)


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    kids = [int(p) for p in out]
    return kids + [g for k in kids for g in descendants(k)]


class Sampler(threading.Thread):
    """Peak RSS of the web process, of any one descendant (a reader, its pdftoppm) and of all descendants at once,
    sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.web_peak, self.child_peak, self.children_peak, self.readers = pid, 0, 0, 0, 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.web_peak = max(self.web_peak, rss_kb(self.pid))
            kids = descendants(self.pid)
            sizes = [rss_kb(k) for k in kids]
            self.child_peak = max([self.child_peak, *sizes])
            self.children_peak = max(self.children_peak, sum(sizes))
            self.readers = max(self.readers, len(kids))
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, headers: dict, unit_id: int, files: list[tuple[str, bytes]]) -> dict:
    """POST one upload; what the service answered at once."""
    start = time.monotonic()
    resp = requests.post(base + "/api/v1/archive/uploads", headers=headers, timeout=600, data={"unit_id": str(unit_id)},
                         files=[("files", (name, data, "application/pdf")) for name, data in files])
    body = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
    return {"files": [name for name, _ in files], "pages": None, "http": resp.status_code,
            "answer_s": round(time.monotonic() - start, 2), "start": start, "body": body,
            "status_url": body.get("status_url"), "outcome": None if resp.status_code == 202 else "refused at once",
            "error": body.get("error"), "seconds": round(time.monotonic() - start, 2)}


def follow(base: str, headers: dict, uploads: list[dict], pages: list[int]) -> None:
    """Poll every accepted upload until it is done or refused, within a deadline from the reader's own budget: each
    upload's budget, served JOB_THREADS at a time (never less than the longest one), plus two minutes."""
    budget = ReaderBudget()
    waiting = [u for u in uploads if u["status_url"]]
    budgets = [budget.seconds(p) for p in pages] or [0]
    deadline = time.monotonic() + max(max(budgets), sum(budgets) / JOB_THREADS) + 120
    while waiting:
        for u in list(waiting):
            status = requests.get(base + u["status_url"], headers=headers, timeout=60).json()
            u["progress"] = status.get("progress")
            if status["status"] != "processing":
                u["outcome"], u["seconds"] = status["status"], round(time.monotonic() - u["start"], 1)
                u["error"] = status.get("error")
                report = status.get("report") or {}
                u["pages_read"] = sum(f["pages"] for f in report.get("files", [])) or None
                waiting.remove(u)
        if waiting and time.monotonic() > deadline:
            for u in waiting:
                u["outcome"], u["seconds"] = "still processing at the deadline", round(time.monotonic() - u["start"], 1)
            break
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--one-request", action="store_true", help="all --files files in one upload")
    args = parser.parse_args()
    load_before = list(os.getloadavg())
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        env = {**os.environ, "DATA_DIR": tmp, "FLASK_APP": "app"}
        env.pop("REDIS_URL", None)  # the embedded job system: the readers are this web process's children
        env.pop("DATABASE_URL", None) if not os.environ.get("BENCH_DATABASE_URL") else env.update(
            DATABASE_URL=os.environ["BENCH_DATABASE_URL"])
        flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
        subprocess.run(flask + ["demo", "--members", "3"], env=env, cwd=ROOT, check=True, capture_output=True)
        token = subprocess.run(flask + ["tokens", "create", "vanphong"], env=env, cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload", "--no-debugger"], env=env,
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/login", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            units = requests.get(base + "/api/v1/units", headers=headers, timeout=30).json()
            unit_id = next(u["id"] for u in units if u.get("kind") == "chi_bo")
            requests.get(base + "/api/v1/kinds", headers=headers, timeout=30)  # warm the imports
            idle = rss_kb(server.pid)
            print(f"web process idle: {idle / 1024:.0f} MB (pid {server.pid}); load {load_before[0]:.2f}")
            blank = blank_pdf(args.pages)
            names = [f"trang-trang-{n:02d}.pdf" for n in range(1, args.files + 1)]
            many = ([[(name, blank) for name in names]] if args.one_request else [[(name, blank)] for name in names])
            title = f"{args.files} × {args.pages} blank pages" + (" in one upload" if args.one_request else
                                                                   ", one upload each, posted at once")
            cases = [("Flate bomb, 30 pages × 74 MB of spaces", [[("bom.pdf", flate_bomb())]]), (title, many)]
            for title, batches in cases:
                sampler = Sampler(server.pid)
                sampler.start()
                started = time.monotonic()
                uploads = [post(base, headers, unit_id, files) for files in batches]
                pages = [sum(args.pages if n.startswith("trang-trang") else 30 for n, _ in files)
                         for files in batches]
                follow(base, headers, uploads, pages)
                total = time.monotonic() - started
                sampler.running = False
                sampler.join()
                print(f"\n{title}: {total:.1f} s in all, load {os.getloadavg()[0]:.2f}")
                for u in uploads:
                    what = u["error"] or (f"{u.get('pages_read')} pages read" if u["outcome"] == "done" else "")
                    print(f"   {', '.join(u['files'][:2])}{' …' if len(u['files']) > 2 else ''}: HTTP {u['http']} "
                          f"in {u['answer_s']:.2f} s → {u['outcome']} after {u['seconds']} s"
                          + (f" — {what[:160]}" if what else ""))
                print(f"   web process peak {sampler.web_peak / 1024:.0f} MB "
                      f"(+{(sampler.web_peak - idle) / 1024:.0f} MB above idle); one reader/renderer at most "
                      f"{sampler.child_peak / 1024:.0f} MB; all children at once at most "
                      f"{sampler.children_peak / 1024:.0f} MB ({sampler.readers} processes)")
                results.append({
                    "case": title, "seconds": round(total, 1), "load_after_case": list(os.getloadavg()),
                    "web_idle_mb": round(idle / 1024), "web_peak_mb": round(sampler.web_peak / 1024),
                    "web_above_idle_mb": round((sampler.web_peak - idle) / 1024),
                    "child_peak_mb": round(sampler.child_peak / 1024),
                    "children_peak_mb": round(sampler.children_peak / 1024),
                    "uploads": [{k: u.get(k) for k in ("files", "http", "answer_s", "outcome", "seconds", "error",
                                                       "pages_read")} for u in uploads]})
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    path = write_results("upload-limits", {"load_before": load_before, "files": args.files, "pages": args.pages,
                                           "one_request": args.one_request,
                                           "database": "postgresql" if os.environ.get("BENCH_DATABASE_URL")
                                           else "sqlite", "cases": results})
    print(f"\n{path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
