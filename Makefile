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
	$(in_scratch) $(BIN)/chancery manage makemigrations --check --dry-run
	$(in_scratch) $(BIN)/chancery check --fail-level WARNING
	$(in_scratch) $(BIN)/mypy
	$(MAKE) --no-print-directory -j3 --output-sync=line test-fts5 test-tantivy test-postgres

# Each pass runs in a scratch CHANCERY_HOME of its own, removed after: in memory where the
# machine has /dev/shm (each index write of the Tantivy pass syncs to disk: on a slow disk
# that was half the pass's time), else in /tmp. Temporary files stay in the system's TMPDIR:
# the PostgreSQL replica tests make a data directory there that user postgres must reach.
SCRATCH ?= $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo /tmp)
in_scratch = h=$$(mktemp -d -p $(SCRATCH) chancery-test-XXXXXX) \
	&& trap 'rm -rf "$$h"' EXIT && CHANCERY_HOME=$$h

# `make test` runs its three passes side by side (one after another, about 110 min on a slow
# two-core machine, past the 90 min CI allows). A failing pass fails `make test` once the
# others have ended.
# - test-fts5: the whole suite on SQLite with the FTS5 engine, the browser tests included.
# - test-tantivy: again on SQLite with the Tantivy engine (the default), the tests marked
#   `engine` (what the configured engine answers: search, its pages and API, indexing on
#   write, restores). A test of one engine sets that engine itself (tests/search/
#   test_contract.py runs every contract on every engine), so it runs in the first pass.
# - test-postgres: the whole suite on PostgreSQL and its engine, without the browser.
test-fts5: install browser-deps
	$(in_scratch) CHANCERY_SEARCH_BACKEND=fts5 $(BIN)/pytest

test-tantivy: install
	$(in_scratch) CHANCERY_SEARCH_BACKEND=tantivy $(BIN)/pytest -m "engine and not browser"

# Starts the local cluster as root; see docs/postgresql.md.
test-postgres: install
	$(in_scratch) scripts/test-postgres.sh

test-fast: install
	$(in_scratch) CHANCERY_SEARCH_BACKEND=fts5 $(BIN)/pytest -m "not browser" -x

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(in_scratch) $(BIN)/mypy

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
