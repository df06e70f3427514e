# The two commands of the README: `make run` and `make test`.
PORT ?= 8000
VENV := .venv
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup setup-test run test lint bench templates

setup:
	bash scripts/setup.sh

setup-test:  # the tests also drive Debian's chromium (tests/test_browser.py)
	EXTRA_APT_PACKAGES=chromium bash scripts/setup.sh

run: setup
	$(VENV)/bin/flask --app app demo --members 12
	@echo ">> Dịch vụ chạy tại http://127.0.0.1:$(PORT) (Ctrl+C để dừng)"
	CONVERTER_AUTOSTART=1 exec $(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --worker-class gthread \
	  --workers 1 --threads 8 --timeout 180 --access-logfile - 'app:create_app()'

test: setup-test
	$(VENV)/bin/ruff check --select F,E9 .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

lint: setup-test
	$(VENV)/bin/ruff check .

templates: setup
	$(VENV)/bin/python tools/build_templates.py

bench: setup
	$(VENV)/bin/python bench/bench_convert.py
	$(VENV)/bin/python bench/bench_packet.py
	$(VENV)/bin/python bench/bench_dashboard.py
	$(VENV)/bin/python bench/bench_archive.py
