#!/usr/bin/env bash
# Run one RQ worker for the service's background jobs (packets), on this machine or another one.
#
# The machine needs this repository at the same commit as the web service, with its .venv
# (bash scripts/setup.sh: LibreOffice too, since packet jobs convert documents), and:
#   REDIS_URL     the Redis the web service uses, e.g. redis://queue.example:6379/0
#   DATABASE_URL  the web service's database: PostgreSQL for workers on other machines
#                 (a SQLite file only works when the worker runs on the web host itself)
#   DATA_DIR      the web service's data folder, mounted at any path (NFS, CephFS, ...):
#                 results go to DATA_DIR/jobs/<id>/ and the web host serves them from its own DATA_DIR,
#                 so both must see the same files. Sharing that storage is the deployer's job.
#   JOBS_QUEUE    the queue name, the same as JobService(queue_name=...) (default: kiemdiem)
# Nothing secret travels through Redis: a queued job carries only its id and the task's module name.
#
# One worker runs one job at a time, in a forked work-horse (so job timeouts and forced cancels work).
# Each worker starts CONVERTER_SIZE warm LibreOffice instances as it starts (default: one per core). Either one
# worker per machine with the default, or one worker per core with CONVERTER_SIZE=1 (the unit a large packet's parts
# are shared between), e.g. a systemd template unit kiemdiem-worker@.service with Restart=always.
# Extra arguments go to `rq worker`, e.g.  scripts/worker.sh --burst  or  --max-jobs 500 --name w1
# SIGTERM finishes the current job then exits; a second SIGTERM kills it (the job then ends "failed").
set -euo pipefail
cd "$(dirname "$0")/.."

: "${REDIS_URL:?Cần REDIS_URL (ví dụ redis://127.0.0.1:6379/0)}"
: "${DATABASE_URL:?Cần DATABASE_URL (cơ sở dữ liệu của dịch vụ web)}"
: "${DATA_DIR:?Cần DATA_DIR (thư mục dữ liệu dùng chung với dịch vụ web)}"
[ -d "$DATA_DIR" ] || { echo "DATA_DIR=$DATA_DIR không tồn tại trên máy này" >&2; exit 1; }
case "$DATABASE_URL" in
  sqlite*) echo ">> Lưu ý: DATABASE_URL là SQLite, chỉ dùng được khi worker chạy cùng máy với dịch vụ web" >&2 ;;
esac

export DATABASE_URL DATA_DIR PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# SimpleWorker runs jobs in this process, so its warm LibreOffice pool serves every job (a forking worker
# would start and abandon a cold pool per job); cancelling stays cooperative (between documents).
exec "${VENV:-.venv}/bin/python" -m rq.cli worker --worker-class web.worker.Worker --url "$REDIS_URL" "$@" \
  "${JOBS_QUEUE:-kiemdiem}"
