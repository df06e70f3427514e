# The two commands of the README: `make run` and `make test`.
PORT ?= 8000
VENV := .venv
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test demo bench templates

setup:
	bash scripts/setup.sh

run: setup
	$(VENV)/bin/flask --app app demo
	@echo ">> Dịch vụ chạy tại http://127.0.0.1:$(PORT) (Ctrl+C để dừng)"
	CONVERTER_AUTOSTART=1 exec $(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --worker-class gthread \
	  --workers 1 --threads 8 --timeout 180 --access-logfile - 'app:create_app()'

test: setup
	$(VENV)/bin/python -m pytest

templates: setup
	$(VENV)/bin/python tools/build_templates.py

bench: setup
	$(VENV)/bin/python bench/bench_convert.py
