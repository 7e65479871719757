# Baton — every target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help run test lint format typecheck contracts bench conformance screenshots clean

help: ## list the targets
	@echo "Baton — make targets:"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# compileall: where PYTHONDONTWRITEBYTECODE is set, Python never caches bytecode and every start compiles source.
# editable_mode=compat: a path entry instead of setuptools' import hook, which cost every start ~14 ms (baton logs
# search is measured against grep, start-up included); plain -e when a setuptools no longer offers it.
EDITABLE := --config-settings editable_mode=compat
$(RUN_STAMP): pyproject.toml setup.py console/engine/logs/_lf.c console/engine/logs/_runs.c console/engine/logs/_rows.c | $(PY)
	$(PIP) install -e . $(EDITABLE) 2>/dev/null || $(PIP) install -e .
	$(PY) -m compileall -q console widgets profiles >/dev/null
	@touch $@

$(TEST_STAMP): pyproject.toml setup.py console/engine/logs/_lf.c console/engine/logs/_runs.c console/engine/logs/_rows.c | $(PY)
	$(PIP) install -e '.[test,dev]' $(EDITABLE) 2>/dev/null || $(PIP) install -e '.[test,dev]'
	$(PY) -m compileall -q console widgets profiles >/dev/null
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP) ## open the console on the embedded sandbox (no AWS, no config)
	$(VENV)/bin/baton

test: lint $(TEST_STAMP) ## lint, type-check, import contracts, then the whole test suite
	$(PY) -m pytest

lint: $(TEST_STAMP) ## ruff (lint and format check), mypy and the import-linter contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(TEST_STAMP) ## benchmarks against their measured baselines (bench/)
	$(PY) -m compileall -q console widgets profiles >/dev/null
	$(PY) bench/run.py

conformance: $(TEST_STAMP) ## judge Baton against the public tokens, responses and logs in ../shared/conformance
	$(PY) bench/conformance_tokens.py
	$(PY) bench/conformance_responses.py
	$(PY) bench/conformance_logs.py
	$(PY) bench/conformance_iis_catalogue.py
	$(PY) bench/conformance_apigw.py

screenshots: $(TEST_STAMP) ## PNG and SVG screenshots of the real console into screenshots/
	$(PY) -m console.app.screenshots screenshots

format: $(TEST_STAMP) ## apply the one formatter (make lint fails on unformatted code)
	$(VENV)/bin/ruff format .

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info console/engine/logs/_lf.*.so console/engine/logs/_runs.*.so console/engine/logs/_rows.*.so
