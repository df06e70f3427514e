#!/usr/bin/env bash
# The web service as `make run` (and bench/bench_load.py) starts it: gunicorn with gthread workers.
#
# WEB_WORKERS processes (default: cores + 1, at most 8) of WEB_THREADS threads (default 4). Page rendering is
# Python under one lock per process, so processes beyond the cores add memory more than speed; the threads cover
# waits on the database. Every process has its own LibreOffice pool and job threads: CONVERTER_SIZE defaults to 1
# instance per process here (cores + 1 soffice in all), and jobs name the process running them, so a worker
# (re)starting never fails its neighbours' packets.
# Idle keep-alive connections are held WEB_KEEPALIVE seconds (default 5, gunicorn's own default is 2): longer than
# the pause between two clicks, so a browser (or a proxy) reusing its connection does not race the server's close
# and get "connection reset".
set -euo pipefail
cd "$(dirname "$0")/.."
cores=$(.venv/bin/python -c 'import os; print(len(os.sched_getaffinity(0)))')
default_workers=$(( cores + 1 > 8 ? 8 : cores + 1 ))
workers="${WEB_WORKERS:-$default_workers}"
export CONVERTER_SIZE="${CONVERTER_SIZE:-1}" CONVERTER_AUTOSTART=1
echo ">> gunicorn: $workers tiến trình × ${WEB_THREADS:-4} luồng, LibreOffice $CONVERTER_SIZE/tiến trình" >&2
exec .venv/bin/gunicorn --config scripts/gunicorn.conf.py --bind "${BIND:-127.0.0.1:${PORT:-8000}}" --worker-class gthread --workers "$workers" \
  --threads "${WEB_THREADS:-4}" --timeout 180 --graceful-timeout 60 --keep-alive "${WEB_KEEPALIVE:-5}" --access-logfile "${ACCESS_LOG:--}" \
  'app:create_app()'
