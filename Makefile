# Kimberley Review Planner — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SCENARIO ?= data/scenarios/kp-2018-h2
PLAN ?= plans/kp-2018-h2
PORT ?= 8866

.PHONY: demo install install-test system-deps plan dashboard lab test test-fast lint bench bench-dashboards data \
	boundaries clean

# Create .venv and install the package with its runtime dependencies (re-run when pyproject.toml changes).
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

install: $(VENV)/.installed

# Test dependencies on top of the runtime ones.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install-test: $(VENV)/.installed-test

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded) and for the pictures of
# the dashboards' timelines (kaleido drives it).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium (needs root)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core; \
	fi

# Plan the default scenario and write plans/kp-2018-h2/.
plan: install
	$(VENV)/bin/kp-plan solve $(SCENARIO) --out $(PLAN) --reproducible --force

# Serve the read-only stakeholder dashboards: Voila with a cap on its kernels (planner.apps.serving; voila.json:
# fixed port, no sources, no tracebacks, culling). -P keeps the repository's voila.py from shadowing Voila itself.
dashboard: install
	$(VENV)/bin/python -P -m planner.apps.serving dashboards/ --no-browser --Voila.ip=127.0.0.1 --port=$(PORT) \
		--Voila.port_retries=0

# The whole demo on a fresh machine: install, plan, serve (Debian's chromium draws the timelines' pictures as the
# server starts: planner.apps.prerender; without it the pages draw their timelines with plotly.js).
demo: install system-deps plan dashboard

# Coordinators' notebooks in JupyterLab (on 127.0.0.1; open the URL with the token it prints). Containers and CI
# run as root, which JupyterLab refuses without --allow-root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: install
	$(VENV)/bin/jupyter lab notebooks/ --ip=127.0.0.1 --no-browser $(LAB_ROOT)

test: install-test system-deps
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --dist loadscope -p no:cacheprovider

test-fast: install-test
	$(PY) -m pytest -n 2 --dist loadscope -m "not browser and not slow"

lint: install-test
	$(VENV)/bin/ruff check planner tests bench scripts
	$(VENV)/bin/lint-imports

# Planner benchmarks (about 12 minutes) and dashboard benchmarks; both write docs/benchmarks.md.
bench: install-test
	$(PY) bench/run_benchmarks.py

bench-dashboards: install-test system-deps
	$(PY) bench/bench_dashboards.py

# Re-derive the bundled Natural Earth country shapes (planner/assets/) from a registry package.
boundaries: install
	$(PY) scripts/build_boundaries.py

data: install
	$(PY) data/build_kp2018.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
