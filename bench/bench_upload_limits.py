"""Hostile and huge uploads against a real web process: refused or processed within a bounded time, and how much
memory the web process and the page reader (its child, memory-limited) took.

Starts `flask run` (one process, so its memory is the service's) on a fresh DATA_DIR with the demo data, then posts
through the API as the office would:
  1. the issue's Flate bomb: 30 pages whose content streams are 74 MB of spaces deflated to ~72 kB each;
  2. --files files of --pages blank pages each (the issue: 50 × 300), in one request.
Prints per upload the status, the message, the seconds, the web process's peak RSS above idle, and the peak RSS of
the reader process(es) it started. Target: < 500 MB above idle.
Usage: .venv/bin/python bench/bench_upload_limits.py [--files 50] [--pages 300]
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

from tests.hostile_pdfs import blank_pdf, flate_bomb  # noqa: E402


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
    """Peak RSS of the web process and of any of its descendants, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.web_peak, self.child_peak, self.running = pid, 0, 0, True

    def run(self) -> None:
        while self.running:
            self.web_peak = max(self.web_peak, rss_kb(self.pid))
            for child in descendants(self.pid):
                self.child_peak = max(self.child_peak, rss_kb(child))
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        env = {**os.environ, "DATA_DIR": tmp, "FLASK_APP": "app"}
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
            print(f"web process idle: {idle / 1024:.0f} MB (pid {server.pid})")
            cases = [("Flate bomb, 30 pages × 74 MB of spaces", [("bom.pdf", flate_bomb())]),
                     (f"{args.files} × {args.pages} blank pages",
                      [(f"trang-trang-{n}.pdf", blank_pdf(args.pages)) for n in range(args.files)])]
            for title, files in cases:
                sampler = Sampler(server.pid)
                sampler.start()
                start = time.monotonic()
                resp = requests.post(base + "/api/v1/archive/uploads", headers=headers, timeout=1800,
                                     data={"unit_id": str(unit_id)},
                                     files=[("files", (name, data, "application/pdf")) for name, data in files])
                seconds = time.monotonic() - start
                sampler.running = False
                sampler.join()
                body = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
                what = body.get("error") or (f"{len(body.get('files', []))} tệp, "
                                             f"{sum(f['pages'] for f in body.get('files', []))} trang đã nhận")
                print(f"{title}: HTTP {resp.status_code} in {seconds:.1f} s — {what}")
                print(f"   web process peak {sampler.web_peak / 1024:.0f} MB "
                      f"(+{(sampler.web_peak - idle) / 1024:.0f} MB above idle); "
                      f"reader/renderer peak {sampler.child_peak / 1024:.0f} MB")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
