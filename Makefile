# Essaim — everything a developer or CI needs, from a fresh machine with Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ESSAIM := $(BIN)/essaim
PG_URL ?= postgres://postgres@127.0.0.1:5432/essaim
HOST ?= 127.0.0.1
PORT ?= 8000
MYPY_TARGETS := essaim/core essaim/events/scheduling $(wildcard essaim/*/matching.py essaim/directory/search/analysis.py essaim/*/decp_cleaning.py essaim/*/reservation.py)

.PHONY: install demo demo-setup serve test lint format types migrations-check test-sqlite test-postgres test-browser \
	system-runtime system-test postgres-up clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: demo-setup serve

demo-setup: system-runtime install
	$(ESSAIM) demo_setup

serve: system-runtime install
	$(ESSAIM) runserver $(HOST):$(PORT)

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

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
