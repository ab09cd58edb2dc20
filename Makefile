# Chancery: `make run` serves the demo archive, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export CHANCERY_HOME ?= $(CURDIR)/var

# browser-deps: Debian's chromium and npm (scripts/system-deps.sh), then axe-core from npm.
.PHONY: run test test-fts5 test-tantivy test-postgres test-fast lint fmt lock install browser-deps clean

$(BIN)/chancery: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/chancery

# run: the web server and one background worker (chancery worker) beside it.
run: install
	$(BIN)/chancery migrate --no-input
	$(BIN)/chancery demo --if-empty
	$(BIN)/chancery worker & trap 'kill $$!' EXIT; $(BIN)/chancery serve --port $(PORT)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	scripts/system-deps.sh
	npm ci --no-audit --no-fund --silent
	touch $@

browser-deps: node_modules/axe-core/axe.min.js
	scripts/system-deps.sh

test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CHANCERY_HOME=$$(mktemp -d) $(BIN)/chancery manage makemigrations --check --dry-run
	CHANCERY_HOME=$$(mktemp -d) $(BIN)/chancery check --fail-level WARNING
	CHANCERY_HOME=$$(mktemp -d) $(BIN)/mypy
	$(MAKE) --no-print-directory -j3 --output-sync=line test-fts5 test-tantivy test-postgres

# `make test` runs its three passes side by side, each in a CHANCERY_HOME of its own (one
# after another, an estimated 110 min on a slow two-core machine, past the 90 min CI
# allows; side by side about half): the FTS5 pass with the browser tests, the Tantivy pass
# and the PostgreSQL pass. A failing pass fails `make test` once the others have ended.
test-fts5: install browser-deps
	CHANCERY_HOME=$$(mktemp -d) CHANCERY_SEARCH_BACKEND=fts5 $(BIN)/pytest

# The suite again with the Tantivy engine (the default on SQLite; `make test` runs the first
# pass on FTS5), its index in a scratch home (browser tests and the API schema fuzzing, which
# do not depend on the engine, excluded).
test-tantivy: install
	CHANCERY_HOME=$$(mktemp -d) CHANCERY_SEARCH_BACKEND=tantivy $(BIN)/pytest -m "not browser" \
		--ignore tests/api/test_schemathesis.py

# The suite on PostgreSQL only (starts the local cluster as root; see docs/postgresql.md).
test-postgres: install
	CHANCERY_HOME=$$(mktemp -d) scripts/test-postgres.sh

test-fast: install
	CHANCERY_SEARCH_BACKEND=fts5 $(BIN)/pytest -m "not browser" -x

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CHANCERY_HOME=$$(mktemp -d) $(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/chancery-lock && $(PYTHON) -m venv /tmp/chancery-lock
	/tmp/chancery-lock/bin/pip install --quiet --upgrade pip
	/tmp/chancery-lock/bin/pip install --quiet -e ".[test]"
	/tmp/chancery-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) node_modules
