# Essaim — everything a developer or CI needs, from a fresh machine with Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .venv-tools
LOCK_FLAGS ?=
AUDIT_FLAGS ?=
LOCK := $(TOOLS)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_FLAGS)
ESSAIM := $(BIN)/essaim
# `essaim` alone uses the production settings; the demo and the development server use these.
DEV_ESSAIM := DJANGO_SETTINGS_MODULE=config.settings.dev $(ESSAIM)
PG_URL ?= postgres://postgres@127.0.0.1:5432/essaim
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and PDFs point at the address the demo really serves (issue 12 item 8).
export ESSAIM_SITE_URL ?= http://$(HOST):$(PORT)
# Typed (make types): the core, who acts, every app's services and selectors, and the pure modules.
MYPY_TARGETS := essaim/core essaim/accounts/acting.py essaim/events/scheduling essaim/clauses/secrecy.py \
	essaim/clauses/progress.py essaim/accounts/email_domains.py \
	$(filter-out essaim/core/%,$(wildcard essaim/*/services essaim/*/services.py essaim/*/selectors essaim/*/selectors.py)) \
	$(wildcard essaim/*/matching.py essaim/directory/search/analysis.py essaim/*/decp_cleaning.py essaim/*/reservation.py) \
	essaim/insight/spending.py essaim/insight/renewals.py

.PHONY: install lock audit demo demo-setup serve test lint format types migrations-check test-sqlite test-postgres test-browser \
	system-runtime system-test postgres-up loadtest clean

install: $(VENV)/.installed

# Every dependency, transitive ones included, comes from a lock file with hashes (`make lock` writes them).
$(VENV)/.installed: pyproject.toml requirements/pip.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/pip.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Tools kept out of the project's virtualenv: uv (make lock) and pip-audit (make audit), themselves locked.
$(TOOLS)/.installed: requirements/tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --require-hashes -r requirements/tools.txt
	touch $@

# Known vulnerabilities in every locked dependency (pip-audit, from .venv-tools, never the project's
# virtualenv). --strict: a dependency that could not be audited fails the audit instead of being skipped.
# AUDIT_FLAGS=--vulnerability-service=osv asks OSV instead of PyPI's JSON API.
audit: $(TOOLS)/.installed
	$(TOOLS)/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off $(AUDIT_FLAGS) \
		-r requirements/pip.txt -r requirements/dev.txt -r requirements/tools.txt

# Regenerate the lock files from pyproject.toml (pins already in a lock file are kept; to move every
# transitive dependency to its newest release: make lock LOCK_FLAGS=--upgrade).
lock: $(TOOLS)/.installed
	$(LOCK) requirements/pip.in -o requirements/pip.txt
	$(LOCK) pyproject.toml --extra dev -o requirements/dev.txt
	$(LOCK) pyproject.toml -c requirements/dev.txt -o requirements/runtime.txt
	$(LOCK) requirements/tools.in -o requirements/tools.txt

demo: demo-setup serve

demo-setup: system-runtime install
	$(DEV_ESSAIM) demo_setup

serve: system-runtime install
	$(DEV_ESSAIM) runserver $(HOST):$(PORT)

# System packages (scripts/system-packages.sh): installed when missing as root, named with the command to
# install them otherwise.
system-runtime:
	PYTHON=$(PYTHON) scripts/system-packages.sh runtime

system-test:
	PYTHON=$(PYTHON) scripts/system-packages.sh test

postgres-up: system-test
	scripts/postgres-up.sh $(PG_URL)

test: system-test lint types migrations-check test-sqlite test-postgres test-browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types: install
	$(BIN)/mypy $(MYPY_TARGETS)

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(ESSAIM) makemigrations --check --dry-run

test-sqlite: system-test install
	$(BIN)/pytest -q -m "not browser and not postgres"

test-postgres: postgres-up install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"

test-browser: system-test install
	$(BIN)/pytest -q -m browser -p no:randomly

# Two gunicorn instances (production settings, PostgreSQL essaim_loadtest with the demo, Redis) under 50
# Locust users for 60 s on the loopback; prints p50/p95/p99 by page family, errors and lost writes.
loadtest: install
	$(BIN)/python loadtest/run.py

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
