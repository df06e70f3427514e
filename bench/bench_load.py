"""Load: 200 simulated people against `make run`'s configuration on PostgreSQL (issue 13).

Creates a throwaway PostgreSQL database, seeds the demo with a generated đảng bộ whose members each get an account,
starts gunicorn exactly as `make run` does (scripts/serve.sh) and drives it with Locust:
  1. one member and one secretary alone (the one-user p95 of each page, measured in this run), after a warm-up
     in which every worker process has served every page (a process's first board compiles its template: left in,
     that one slow page was the one-user p95 of the board),
  2. 150 members reading and saving their review and 50 secretaries on the board and meeting page, 1–3 s think
     time, for --duration seconds (default 180; --quick: 60) after a ramp of --ramp seconds (default 45),
  3. the board page at saturation (readers with no pause) with the default worker count, then with one worker,
     each on a server started afresh and counted after 15 s of warm-up.
Prints the 0-errors check, p95 per page beside the one-user p95 (target ≤ 3×), requests/s at saturation (target
≥ 1.8× on 2 cores), and writes the figures to bench/results/load-<time>.json.

The population is a đảng bộ with 200 people online: the 150 members spread over --chi-bo chi bộ (default 6, so 25
each: real chi bộ have about 10–40 members, and the regulation splits one of over 30 into tổ), each secretary
account on one of those chi bộ. --single-chi-bo runs the earlier shape instead: all 150 members in one chi bộ
(its board is six times the size of a real one).
People arrive over the ramp (200 log-ins within seconds would be a storm of password hashes no office sees); the
p95 figures count only requests after the ramp (Locust's --reset-stats), so the log-in pages are not in them.

    .venv/bin/python bench/bench_load.py [--quick] [--duration S] [--ramp S] [--users N] [--chi-bo N]
                                         [--single-chi-bo] [--database-url URL]
Locust (requirements-dev.txt, its FastHttpUser: a lighter client than requests) runs on the same machine as the
server: on a small machine it takes a share of the cores it measures, so the saturation figures are a floor.
"""
from __future__ import annotations

import argparse
import csv
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dangbo import comm, throwaway_database  # noqa: E402
from bench_packet import cores, proc_stat, stat_cpu, write_results  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOCUST = str(ROOT / ".venv" / "bin" / "locust")
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
YEAR = 2026
PASSWORD = "Tai-khoan-tai-thu-2026"
SECRETARY_ACCOUNTS = 12  # at least one per chi bộ (the bí thư and phó bí thư of six chi bộ)
WARM_UP_S = 10  # seconds of the one-user run before its figures count
WARM_UP_PAUSELESS_S = 15  # before it: as many people as the server has worker threads, no pause, not counted
# The load generator stands in for 200 people's own devices: it is started at a higher priority (when this process
# may: root or CAP_SYS_NICE), so that the times it records are the server's and not its own wait for a core on a
# saturated machine. It takes the same CPU either way (its share is printed).
CLIENT_NICE = -10
SATURATION_USERS = 16  # board readers with no pause: enough to keep every worker thread busy
SATURATION_WARM_UP_S = 15
SATURATION_ROUNDS = 2  # default and one worker alternate, this many times each

MAKE_ACCOUNTS = r"""
import json, sys
from sqlalchemy import select
from werkzeug.security import generate_password_hash
from service.accounts import PASSWORD_METHOD
from service.db import Database
from service.models import Member, Unit, User

url, parent_id, password, secretaries = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
digest = generate_password_hash(password, method=PASSWORD_METHOD)  # one hash for all: setup speed only
db = Database(url)
with db.session() as s:
    chi_bo = s.scalars(select(Unit).where(Unit.parent_id == parent_id).order_by(Unit.id)).all()
    out = {"members": [], "secretaries": [], "chi_bo": [{"id": u.id, "name": u.name} for u in chi_bo]}
    for m in s.scalars(select(Member).where(Member.unit_id.in_([u.id for u in chi_bo])).order_by(Member.id)):
        name = f"tai.dv{m.id}"
        s.add(User(username=name, password_hash=digest, role="member", member_id=m.id, unit_id=m.unit_id))
        out["members"].append({"username": name, "password": password})
    for i in range(max(secretaries, len(chi_bo))):  # every chi bộ has a secretary account, taken in turn
        name, unit = f"tai.bithu{i}", chi_bo[i % len(chi_bo)]
        s.add(User(username=name, password_hash=digest, role="secretary", unit_id=unit.id))
        out["secretaries"].append({"username": name, "password": password, "unit_id": unit.id})
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as `make run` starts it (scripts/serve.sh), on a free port."""

    def __init__(self, env: dict, workers: int | None) -> None:
        self.port = free_port()
        env = {**env, "BIND": f"127.0.0.1:{self.port}", "ACCESS_LOG": "/dev/null"}
        if workers:
            env["WEB_WORKERS"] = str(workers)
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench_load_server_", suffix=".log", delete=False)
        # Every process of the server writes to this file: with O_APPEND each line goes to the end (without it, a
        # worker's write at its own offset overwrote serve.sh's first line, which says how many workers started).
        fcntl.fcntl(self.log.fileno(), fcntl.F_SETFL, fcntl.fcntl(self.log.fileno(), fcntl.F_GETFL) | os.O_APPEND)
        self.proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"the server did not become ready; log: {self.log.name}")
            time.sleep(1)
        # Read by its path, not through the handle the server's processes write to (that read once came back empty).
        started = re.search(r"gunicorn: (\d+) tiến trình", Path(self.log.name).read_text(encoding="utf-8"))
        if started is None:
            self.stop()
            raise SystemExit(f"the server's log does not say how many workers started: {self.log.name}")
        self.workers = int(started.group(1))

    def settle(self, limit: float = 300) -> float:
        """Wait until the server answers /healthz within a second (the previous run's backlog served); seconds."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            asked = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=30):
                    pass
            except OSError:
                pass
            if time.monotonic() - asked < 1:
                break
            time.sleep(1)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def host_speed_ms() -> float:
    """Milliseconds of a fixed pure-Python loop, best of five. This machine's two cores are shared with its
    neighbours: the same pages took 2.2× the CPU time an hour apart in one session (board 16.5 → 37 ms in-process),
    so the run's figures are read beside this one (lower is faster)."""
    best = float("inf")
    for _ in range(5):
        started, total = time.perf_counter(), 0
        for i in range(300_000):
            total += i * i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


class CpuShares:
    """Where the machine's CPU went while the crowd was measured (after the ramp, so not the log-ins' password hashes):
    the server's processes (gunicorn and its LibreOffice), PostgreSQL, Locust (a child of this process) and
    everything else, in cores. On 2 shared cores this says how much head-room the server had, which is what p95
    under the crowd is made of. Sampled from /proc by two timers, since the run itself blocks."""

    def __init__(self, server_group: int, start_after: float, end_after: float) -> None:
        self.group = server_group
        self.samples: list[dict] = []
        self.timers = [threading.Timer(t, lambda: self.samples.append(self._sample())) for t in (start_after, end_after)]
        for timer in self.timers:
            timer.daemon = True
            timer.start()

    def _sample(self) -> dict:
        hz = os.sysconf("SC_CLK_TCK")
        totals = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]  # the machine's
        procs = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or (fields := proc_stat(entry)) is None:
                continue
            name = comm(int(entry))
            group = ("server" if int(fields[2]) == self.group else "postgres" if name.startswith("postgres")
                     else "locust" if int(fields[1]) == os.getpid() else None)
            if group:
                procs[int(entry)] = (group, *stat_cpu(fields))  # (group, start time, CPU seconds): one read
        return {"at": time.monotonic(), "busy": (sum(totals) - totals[3] - totals[4]) / hz, "procs": procs}

    def finish(self) -> dict[str, float]:
        for timer in self.timers:
            timer.cancel()
        if len(self.samples) < 2:
            return {}
        start, end = self.samples
        wall = end["at"] - start["at"]
        groups = {"server": 0.0, "postgres": 0.0, "locust": 0.0}
        for pid, (group, started, cpu) in end["procs"].items():
            before = start["procs"].get(pid)  # the same process, not another under a reused pid
            groups[group] += cpu - (before[2] if before and before[1] == started else 0.0)
        busy = end["busy"] - start["busy"]
        groups["other"] = max(0.0, busy - sum(groups.values()))
        shares = {k: round(v / wall, 2) for k, v in groups.items()}
        shares["machine"] = round(busy / wall, 2)
        return shares


def locust(host: str, users: int, seconds: int, env: dict, label: str, ramp: int = 0) -> dict[str, dict]:
    """Run Locust headless; per request name: count, failures, p50, p95 (ms), requests/s. With `ramp`, the users
    arrive evenly over that many seconds and the figures count only the `seconds` after it (--reset-stats)."""
    prefix = Path(tempfile.mkdtemp(prefix="bench_load_")) / label
    spawn = users / ramp if ramp else max(1, min(users, 20))
    after_ramp = ["--reset-stats"] if ramp else []
    done = subprocess.run([*_client_priority(), LOCUST, "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless", "--only-summary",
                           "-u", str(users), "-r", f"{spawn:g}", "-t", f"{seconds + ramp}s", "--host", host,
                           "--csv", str(prefix), "--csv-full-history", "--stop-timeout", "10", *after_ramp],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=seconds + ramp + 600)
    if done.returncode not in (0, 1):  # 1: Locust's "there were failures", reported below
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"locust failed ({done.returncode})")
    stats: dict[str, dict] = {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            stats[row["Name"]] = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                  "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
                                  "rps": float(row["Requests/s"] or 0)}
    # A simulated person whose code raised (a login page without a form, say) sent no failing request: count it.
    with open(f"{prefix}_exceptions.csv", newline="", encoding="utf-8") as fh:
        crashes = list(csv.DictReader(fh))
    stats["Aggregated"]["failures"] += sum(int(row["Count"]) for row in crashes)
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    stats["_failures_csv"] = failures + "".join(f"{r['Count']} × {r['Message']}\n" for r in crashes)  # type: ignore
    stats["_steady_rps"] = _steady_rps(f"{prefix}_stats_history.csv")  # type: ignore[assignment]
    if stats["Aggregated"]["requests"] == 0:  # reported as such (a server still busy with a backlog, say)
        print(f"!! locust ({label}): no request completed\n{stats['_failures_csv'][:1000]}", file=sys.stderr)
    return stats


def _client_priority() -> list[str]:
    """`nice -n CLIENT_NICE` where this process may raise a priority, else nothing (the client then competes)."""
    allowed = os.geteuid() == 0 or _may_raise_priority()
    return ["nice", "-n", str(CLIENT_NICE)] if allowed else []


def _may_raise_priority() -> bool:
    """CAP_SYS_NICE in this process's effective capabilities (bit 23 of CapEff)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> 23 & 1)
    return False


def _steady_rps(history: str) -> dict[str, float]:
    """Requests/s per page over the second half of the run, once every simulated person has logged in."""
    rows: dict[str, list[tuple[int, int]]] = {}
    with open(history, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["Name"], []).append((int(row["Timestamp"]), int(row["Total Request Count"])))
    out = {}
    for name, points in rows.items():
        points.sort()
        first, last = points[len(points) // 2], points[-1]
        out[name] = (last[1] - first[1]) / (last[0] - first[0]) if last[0] > first[0] else 0.0
    return out


def saturation_figures(saturated: dict[str, list[dict]]) -> dict:
    """The board's requests/s with the default workers and with one, each the mean of its runs, their ratio, and
    per run the CPU shares (so a ratio below 2 can be read against what PostgreSQL and Locust took of the cores)."""
    runs: dict[str, list[dict]] = {key: [] for key in saturated}
    for key, measured in saturated.items():
        for run in measured:
            rps = run["_steady_rps"].get("secretary: board", 0.0)
            server = run["_cpu"].get("server", 0.0)
            runs[key].append({"workers": run["_workers"], "rps": round(rps, 1), "cpu_cores": run["_cpu"],
                              "server_cpu_ms_per_request": round(server * 1000 / rps, 2) if rps else 0.0})
    mean = {key: sum(r["rps"] for r in rs) / len(rs) if rs else 0.0 for key, rs in runs.items()}
    failures = sum(run["Aggregated"]["failures"] for rs in saturated.values() for run in rs)
    return {"board_rps_default_workers": round(mean["default"], 1), "board_rps_one_worker": round(mean["one"], 1),
            "speedup": round(mean["default"] / mean["one"], 2) if mean["one"] else None, "failures": failures,
            "runs": runs}


def _ms(value: str) -> float:
    return float(value) if value and value != "N/A" else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="60 s of load, shorter baseline and saturation runs")
    parser.add_argument("--duration", type=int, help="seconds of the 200-people run (default 180, --quick 60)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--ramp", type=int, default=45, help="seconds over which the people arrive (default 45); "
                        "the figures count the --duration seconds after it")
    parser.add_argument("--chi-bo", type=int, default=6, help="chi bộ the members are spread over (default 6)")
    parser.add_argument("--single-chi-bo", action="store_true",
                        help="the earlier shape: all members in one chi bộ (same as --chi-bo 1)")
    parser.add_argument("--database-url", help="an existing empty PostgreSQL database instead of a throwaway one")
    args = parser.parse_args()
    duration = args.duration or (60 if args.quick else 180)
    baseline_s, saturation_s = (30, 30) if args.quick else (60, 60)
    members = args.users * 3 // 4
    secretaries = args.users - members
    chi_bo = 1 if args.single_chi_bo else max(1, min(args.chi_bo, members))
    per_chi_bo = members // chi_bo
    members = per_chi_bo * chi_bo  # whole chi bộ (150 over 6: 25 each)
    shape = f"{chi_bo} chi bộ × {per_chi_bo} members" if chi_bo > 1 else f"one chi bộ of {members} members"
    load_before = list(os.getloadavg())
    speed_before = host_speed_ms()

    url = args.database_url or throwaway_database(ADMIN_URL)
    data_dir = tempfile.mkdtemp(prefix="bench_load_data_")
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": data_dir}
    print(f">> seeding: demo + a đảng bộ of {shape} (PostgreSQL {url.rsplit('/', 1)[1]})", flush=True)
    seeded = subprocess.run([PYTHON, "-m", "flask", "--app", "app", "demo", "--members", str(per_chi_bo),
                             "--chi-bo", str(chi_bo), "--year", str(YEAR)], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if seeded.returncode != 0:
        raise SystemExit(f"demo seeding failed:\n{seeded.stdout[-2000:]}{seeded.stderr[-3000:]}")
    parent_id = re.search(r"\(mã (\d+)\)", seeded.stdout).group(1)
    made = subprocess.run([PYTHON, "-c", MAKE_ACCOUNTS, url, parent_id, PASSWORD, str(SECRETARY_ACCOUNTS)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    accounts = {**json.loads(made.stdout), "year": YEAR}
    accounts_file = Path(data_dir) / "bench_accounts.json"
    accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
    people = {"BENCH_ACCOUNTS": str(accounts_file)}

    server = Server(env, None)
    try:
        warm_up_users = server.workers * int(os.environ.get("WEB_THREADS", "4"))  # serve.sh's default threads
        print(f">> gunicorn: {server.workers} workers; warm-up: {warm_up_users} people without pause for "
              f"{WARM_UP_PAUSELESS_S} s (not counted); then one member + one secretary for {baseline_s} s", flush=True)
        locust(server.url, warm_up_users, WARM_UP_PAUSELESS_S,
               {**people, "BENCH_MEMBERS": str(warm_up_users * 2 // 3), "BENCH_NO_PAUSE": "1",
                "BENCH_SECRETARIES": str(warm_up_users - warm_up_users * 2 // 3)}, "warm-up")
        # Counted after a warm-up, like the crowd after its ramp: a new process's first pages (templates compiled,
        # the rule readings and LibreOffice starting) are not what one user sees.
        alone = locust(server.url, 2, baseline_s, {**people, "BENCH_MEMBERS": "1", "BENCH_SECRETARIES": "1"},
                       "alone", ramp=WARM_UP_S)
        print(f">> {members} members + {secretaries} secretaries ({shape}): arriving over {args.ramp} s, then "
              f"measured for {duration} s", flush=True)
        shares = CpuShares(os.getpgid(server.proc.pid), args.ramp + 5, args.ramp + duration - 3)
        crowd = locust(server.url, members + secretaries, duration,
                       {**people, "BENCH_MEMBERS": str(members), "BENCH_SECRETARIES": str(secretaries)}, "crowd",
                       ramp=args.ramp)
        crowd_cpu = shares.finish()
        load_crowd = list(os.getloadavg())  # the 1-minute average over the end of the 200 people's run
        default_workers = server.workers
    except SystemExit:
        print(f"server log: {server.log.name}", file=sys.stderr)
        raise
    finally:
        server.stop()
    # The saturation runs alike: a server started afresh, its readers arriving over a warm-up that is not counted
    # (the first run used to follow the crowd's backlog and the second a cold start). Default and one worker take
    # turns, twice: this host's speed drifts by minutes (see host_speed_ms), and one pair run in order would read
    # the drift as scaling. The CPU each run used is sampled over the same window as its requests/s.
    saturated: dict[str, list[dict]] = {"default": [], "one": []}
    for _round in range(SATURATION_ROUNDS):
        for workers, key in ((None, "default"), (1, "one")):
            server = Server(env, workers)
            try:
                print(f">> board page at saturation, {server.workers} worker(s), {saturation_s} s after "
                      f"{SATURATION_WARM_UP_S} s of warm-up", flush=True)
                window = (SATURATION_WARM_UP_S + saturation_s / 2, SATURATION_WARM_UP_S + saturation_s - 2)
                shares = CpuShares(os.getpgid(server.proc.pid), *window)  # what _steady_rps counts: the second half
                run = locust(server.url, SATURATION_USERS, saturation_s, {**people, "BENCH_BOARD_ONLY": "1"},
                             f"sat-{key}", ramp=SATURATION_WARM_UP_S)
                run["_cpu"] = shares.finish()  # type: ignore[assignment]
                run["_workers"] = server.workers  # type: ignore[assignment]
                saturated[key].append(run)
            finally:
                server.stop()
    pages = sorted(k for k in crowd if not k.startswith("_") and k != "Aggregated" and crowd[k]["requests"])
    crowd_errors = crowd["_failures_csv"]
    errors = crowd["Aggregated"]["failures"]
    load_after = list(os.getloadavg())
    speed_after = host_speed_ms()
    print(f"\nLoad on {cores()} cores, {members + secretaries} people ({shape}, "
          f"{len(accounts['secretaries'])} secretary accounts), gunicorn {default_workers} workers; arriving over "
          f"{args.ramp} s, p95 over the {duration} s after the ramp (log-ins fall in the ramp); load average before {load_before[0]:.1f}, "
          f"at the end of the crowd run {load_crowd[0]:.1f}, after {load_after[0]:.1f}")
    print(f"host speed (a fixed Python loop, lower is faster): {speed_before} ms before, {speed_after} ms after")
    print(f"errors: {errors} of {crowd['Aggregated']['requests']} requests -> {'OK' if errors == 0 else 'FAILED'}")
    if errors:
        print(crowd_errors[:2000])
    print(f"{'page':<24} {'requests':>8} {'p95 crowd':>10} {'p95 alone':>10} {'ratio':>6}")
    per_page = {}
    for name in pages:
        c, a = crowd[name], alone.get(name)
        ratio = c["p95_ms"] / a["p95_ms"] if a and a["p95_ms"] else None
        per_page[name] = {"requests": c["requests"], "failures": c["failures"], "p95_ms": c["p95_ms"],
                          "p50_ms": c["p50_ms"], "p95_alone_ms": a["p95_ms"] if a else None,
                          "ratio": round(ratio, 2) if ratio else None}
        print(f"{name:<24} {c['requests']:>8} {c['p95_ms']:>8.0f}ms {a['p95_ms'] if a else 0:>8.0f}ms "
              f"{ratio if ratio else 0:>5.1f}x")
    server_ms = crowd_cpu.get("server", 0) * 1000 / crowd["Aggregated"]["rps"] if crowd["Aggregated"]["rps"] else 0
    print("CPU while the crowd was measured, in cores of " + str(cores()) + ": " +
          ", ".join(f"{k} {v:.2f}" for k, v in crowd_cpu.items()) +
          f"; the server's CPU per request {server_ms:.1f} ms at {crowd['Aggregated']['rps']:.0f} requests/s")
    saturation = saturation_figures(saturated)
    for figures in saturation["runs"]["default"] + saturation["runs"]["one"]:
        print(f"  board at saturation, {figures['workers']} worker(s): {figures['rps']:.1f} req/s; CPU in cores: " +
              ", ".join(f"{k} {v:.2f}" for k, v in figures["cpu_cores"].items()) +
              f"; the server's CPU per board page {figures['server_cpu_ms_per_request']:.1f} ms")
    rps_default, rps_one = saturation["board_rps_default_workers"], saturation["board_rps_one_worker"]
    print(f"board page at saturation (mean of {SATURATION_ROUNDS} alternating runs each): {rps_default:.1f} req/s "
          f"with {default_workers} workers, {rps_one:.1f} with 1 -> {saturation['speedup'] or 0:.2f}x "
          f"(target >= 1.8x on 2 cores)")
    path = write_results("load", {
        "load_before": load_before, "host_speed_ms": [speed_before, speed_after], "quick": args.quick, "users": members + secretaries, "duration_s": duration,
        "ramp_s": args.ramp, "chi_bo": chi_bo, "members_per_chi_bo": per_chi_bo, "client": "FastHttpUser",
        "client_priority": " ".join(_client_priority()) or "as the server's",
        "p95_window": "after the ramp (--reset-stats)", "load_crowd": load_crowd,
        "workers": default_workers, "errors": errors, "requests": crowd["Aggregated"]["requests"],
        "crowd_rps": crowd["Aggregated"]["rps"], "crowd_cpu_cores": crowd_cpu, "server_cpu_ms_per_request": round(server_ms, 2), "pages": per_page,
        "saturation": saturation,
    })
    print(f"figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
