# Iltod: `make run` sets everything up on the embedded default and serves; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install migrate demo messages test test-browser lint format bench faults clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

messages: install
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate messages
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

setup: demo

run: setup
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist, one test database per worker; TEST_WORKERS=0 runs
# it in one process). "--dist load" hands out tests in collection order, so each worker still runs
# pytest-django's order: plain database tests before the transactional ones that flush; the tests
# of one class stay on one worker (conftest.py).
TEST_WORKERS ?= auto
test: install messages
	DJANGO_ENV=test $(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

test-browser: install messages
	DJANGO_ENV=test $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Load, scale and page-weight figures against PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379),
# each with a baseline from the same run: var/bench/results.json and docs/benchmarks.md.
# BENCH_ROWS=200000 for a quick run (default 10 million), BENCH_SUITE=1 to time `make test` too.
bench: install messages
	$(VENV)/bin/pip install --quiet -e ".[dev,bench]"
	$(PY) -m bench

# Fault tests (docs/faults.md): a throwaway PostgreSQL cluster and a private Redis on their own
# ports; the machine's servers are left alone. FAULTS=short leaves out the long variants (CI).
faults: install messages
	@{ command -v redis-server && { ls /usr/lib/postgresql/*/bin/initdb || command -v initdb; }; } >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -q && apt-get install -y -q postgresql redis-server; } || \
		{ echo "make faults needs the Debian packages postgresql and redis-server"; exit 1; }
	$(PY) -m pytest -c faults/pytest.ini faults $(if $(filter short,$(FAULTS)),-m "not long") $(PYTEST_ARGS)

clean:
	rm -rf var/iltod.sqlite3 var/static
