# The two commands of the README: `make run` and `make test`.
PORT ?= 8000
VENV := .venv
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup setup-test setup-bench run test lint bench templates

setup:
	bash scripts/setup.sh

setup-test:  # the tests also drive Debian's chromium (tests/test_browser.py) and need requirements-dev.txt
	EXTRA_APT_PACKAGES=chromium REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh

setup-bench:  # Locust for bench/bench_load.py
	REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh

run: setup
	$(VENV)/bin/flask --app app demo --members 12
	@echo ">> Dịch vụ chạy tại http://127.0.0.1:$(PORT) (Ctrl+C để dừng)"
	PORT=$(PORT) exec bash scripts/serve.sh  # WEB_WORKERS / WEB_THREADS / CONVERTER_SIZE change the defaults

test: setup-test  # pytest's exit 5 (no test collected) fails too, with a word on why
	$(VENV)/bin/ruff check --select F,E9 .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo ">> pytest không tìm thấy bài kiểm thử nào (mã 5): coi là thất bại" >&2; fi; \
	  exit $$rc

lint: setup-test
	$(VENV)/bin/ruff check .

templates: setup
	$(VENV)/bin/python -m tools.build_templates

bench: setup-bench
	$(VENV)/bin/python bench/bench_convert.py
	$(VENV)/bin/python bench/bench_packet.py
	$(VENV)/bin/python bench/bench_dashboard.py
	$(VENV)/bin/python bench/bench_archive.py
