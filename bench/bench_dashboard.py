"""Dashboard speed for a đảng bộ of 2,000 members in 80 chi bộ (issue: under one second). Prints its figures.

Run: .venv/bin/python bench/bench_dashboard.py [--chi-bo 80] [--members 25]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chi-bo", type=int, default=80)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="bench-dashboard-")
    from app import create_app
    from service import demo_bulk
    from service.models import Unit

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    db = app.extensions["db"]
    runner = app.test_cli_runner()
    out = runner.invoke(args=["demo"]).output
    started = time.perf_counter()
    with db.session() as session:
        parent = demo_bulk.generate(session, parent_name="Đảng bộ Đo tốc độ", chi_bo=args.chi_bo,
                                    members=args.members, year=args.year, fill=True)
        parent_id = parent.id
    print(f"generated {args.chi_bo} chi bộ × {args.members} members with filled documents "
          f"in {time.perf_counter() - started:.1f} s")
    password = dict(re.findall(r"^\s+(\S+)\s+mật khẩu: (\S+)", out, re.M))["admin"]
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": password})
    times = []
    for _ in range(7):
        t = time.perf_counter()
        resp = client.get(f"/units/{parent_id}/review/{args.year}")
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200, resp.status_code
    with db.session() as session:
        count = len(session.get(Unit, parent_id).children)
    print(f"dashboard of {count} chi bộ / {args.chi_bo * args.members} members: "
          f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms, "
          f"worst {max(times) * 1000:.0f} ms (target < 1000 ms)")
    chi_bo_id = None
    with db.session() as session:
        chi_bo_id = session.get(Unit, parent_id).children[0].id
    t = time.perf_counter()
    client.get(f"/units/{chi_bo_id}/review/{args.year}")
    print(f"one chi bộ's dashboard: {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
