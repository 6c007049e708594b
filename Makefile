# The commands the README names. Each one installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The tests run in parallel processes (pytest-xdist), one per core unless TEST_WORKERS says
# (TEST_WORKERS=0: all in one process), each on a test database of its own. Tests are handed
# out one by one in pytest-django's order (--dist load), so each worker still runs the
# transactional tests, which empty its database of what the migrations put there, after
# all the others (--dist loadfile would mix them).
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist load
# make bench DB=postgres; BENCH_ARGS="--duration 4" and so on (python -m bench.run --help).
DB ?= sqlite
BENCH_ARGS ?=
# make bench CACHE=redis: the shared cache on a private Redis server (scripts/with-redis.sh)
# instead of the default database cache.
CACHE ?= database
BENCH_CACHE := $(if $(filter redis,$(CACHE)),scripts/with-redis.sh,)

.PHONY: install install-dev browser-deps browser-deps-or-skip run check test test-sqlite test-postgres lint format screenshots \
	clean bench bench-deps

# Two sets of packages, each installed once (a stamp file says when):
# - requirements.txt: what runs the portal (make run);
# - requirements-dev.txt: that plus the tests and tools (make test, check, bench, screenshots).
# A run after a test does not reinstall: installing the second set stamps the first too.
install: $(STAMP)

install-dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip's own progress (each package as it is collected, downloaded and installed): the first
# install takes a minute or more, and a silent one looks stuck.
$(STAMP): requirements.txt | $(BIN)/python
	@echo "Installing the portal's Python packages (requirements.txt) into $(VENV)/ (the first time takes a minute)..."
	$(BIN)/python -m pip install --progress-bar on -r requirements.txt
	@echo "Installed."
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	@echo "Installing the portal's, the tests' and the tools' Python packages (requirements-dev.txt) into $(VENV)/ (the first time takes a minute or two)..."
	$(BIN)/python -m pip install --progress-bar on -r requirements-dev.txt
	@echo "Installed."
	touch $(STAMP) $@

# A local .env with a fresh random SECRET_KEY, plain HTTP and DEBUG off.
.env:
	sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
	    -e "s|^HTTPS=.*|HTTPS=false|" .env.example > $@
	@echo "Wrote .env (edit it to change settings)."

run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py ensure_demo_admin --url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ with the webhooks worker  (Ctrl-C stops both)"
	HTTPS=false WEBHOOKS_ALLOW_PRIVATE_TARGETS=true BIN=$(BIN) scripts/serve.sh $(HOST) $(PORT)

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
HAVE_CHROMIUM = $(or $(CHROMIUM_PATH),$(shell command -v chromium 2>/dev/null))
# Expanded when a test recipe runs, after browser-deps-or-skip has had its chance.
BROWSER_TESTS = $(if $(HAVE_CHROMIUM),,--ignore=tests/browser)

browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 && [ -z "$$CHROMIUM_PATH" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: install Debian's chromium (apt-get install chromium)" \
	         "or set CHROMIUM_PATH."; exit 1; \
	  fi; \
	fi

browser-deps-or-skip:
	@$(MAKE) --no-print-directory browser-deps 2>/dev/null || \
	  echo "*** Chromium is missing and cannot be installed here (not root): the browser tests" \
	       "(tests/browser) are SKIPPED. Install Debian's chromium or set CHROMIUM_PATH to run them."

# What the tests do not run: ruff (lint and format), import-linter's layer contracts
# (pyproject.toml), and no model change without its migration. Without the developer's .env,
# as the tests run.
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	env -u DATABASE_URL -u CACHE_URL ENV_FILE=/dev/null SECRET_KEY=check \
	  $(BIN)/python manage.py makemigrations --check --dry-run

# The checks, then the whole suite on SQLite (with the default database cache), then again on
# a private PostgreSQL server with a private Redis server as the cache.
test: install-dev browser-deps check test-sqlite test-postgres

# On their own, test-sqlite and test-postgres install Chromium when they can (as root, with
# apt-get), and otherwise skip the browser tests (tests/browser) and say so. `make test` fails
# instead (browser-deps above).
test-sqlite: install-dev browser-deps-or-skip
	env -u DATABASE_URL -u CACHE_URL $(BIN)/pytest -q $(XDIST) $(BROWSER_TESTS) $(PYTEST_ARGS)

test-postgres: install-dev browser-deps-or-skip
	scripts/with-postgres.sh scripts/with-redis.sh $(BIN)/pytest -q $(XDIST) $(BROWSER_TESTS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# wrk from Debian's package, for the benchmark (installed when missing and you are root).
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's wrk for the benchmark..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "wrk is missing: install Debian's wrk (apt-get install wrk)."; exit 1; \
	  fi; \
	fi

# The benchmark (docs/performance.md): every row of issue 13 against the floor, on SQLite,
# or on a private PostgreSQL server with DB=postgres. Writes bench/results/<date>-<db>.json.
bench: install-dev bench-deps
ifeq ($(DB),postgres)
	env -u CACHE_URL scripts/with-postgres.sh $(BENCH_CACHE) $(BIN)/python -m bench.run --db postgres $(BENCH_ARGS)
else
	env -u DATABASE_URL -u CACHE_URL $(BENCH_CACHE) $(BIN)/python -m bench.run --db $(DB) $(BENCH_ARGS)
endif

# Fresh screenshots of the admin for the README (docs/screenshots/).
screenshots: install-dev browser-deps
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
