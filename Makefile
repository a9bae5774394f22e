# Two commands matter: `make run` (the demo district on http://127.0.0.1:8000 with a worker and beat)
# and `make test` (the whole suite, on PostgreSQL and Redis).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test bench load drill install interop assets messages lint format check-migrations clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The Open311 client the interop test runs (georeport) needs `requests`, which the project never installs: it gets
# its own venv. Without PyPI the build is skipped and so is that test (CI=true fails it instead).
INTEROP := .venv-interop
$(INTEROP)/.installed: tests/interop/requirements.txt
	rm -rf $(INTEROP)
	$(PYTHON) -m venv $(INTEROP) && $(INTEROP)/bin/python -m pip install --quiet --no-deps -r tests/interop/requirements.txt && touch $@ \
		|| { rm -rf $(INTEROP); echo "Could not build $(INTEROP) from PyPI: the Open311 client test will be skipped."; }

interop: $(INTEROP)/.installed

messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

assets: install
	$(MANAGE) collectstatic --noinput -v0

run: install messages assets
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo --scale small
	$(MANAGE) rollup_months
	@echo "Serving http://127.0.0.1:8000 — log in as grid1 / demo12345 (README lists every account). Ctrl-C stops all."
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A config worker -Q default,sweep,notifications,reports --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & \
	$(MANAGE) runserver 127.0.0.1:8000

test: install messages interop
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	set -a; eval "$$($(PY) tests/services_env.py)"; set +a; \
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run && \
	$(VENV)/bin/pytest

bench: install
	$(PY) bench/run.py

# The load generator (locust) needs `requests`, which the project never installs: it gets its own venv.
LOAD := .venv-load
$(LOAD)/.installed: bench/load-requirements.txt
	rm -rf $(LOAD)
	$(PYTHON) -m venv $(LOAD) && $(LOAD)/bin/python -m pip install --quiet -r bench/load-requirements.txt && touch $@

load: install messages assets $(LOAD)/.installed
	$(PY) bench/load.py

# Backup, restore into a fresh database, and check it (PostgreSQL: DATABASE_URL or the demo's grid_governance).
drill: install
	$(PY) bench/drill.py

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var staticfiles .pytest_cache
