# LSTM anomaly detection, step by step: the two commands a learner needs are
#   make lab    set up .venv and open JupyterLab on notebooks/
#   make test   set up .venv and run every check (lint, unit tests, notebooks, browser)
# Everything is installed into .venv/ and cached under .cache/, inside this folder.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-pyproject

# Keep caches and per-user state inside the repository.
export PIP_CACHE_DIR   := $(CURDIR)/.cache/pip
export KERAS_HOME      := $(CURDIR)/.cache/keras
export MPLCONFIGDIR    := $(CURDIR)/.cache/matplotlib
export TF_CPP_MIN_LOG_LEVEL := 2
export PATH := $(CURDIR)/$(BIN):$(PATH)

# NAB data for notebook 3: use the offline copy beside the project when there is one.
NAB_SHARED := $(abspath $(CURDIR)/../shared/data/nab)
ifneq ($(wildcard $(NAB_SHARED)/labels/combined_windows.json),)
export LSTM_HELPERS_DATA ?= $(NAB_SHARED)
endif

# Per-cell timeout for notebooks under test, in seconds.
NB_TIMEOUT ?= 600

.PHONY: help venv lab test lint format unit nbtest browser notebooks bench check-env screenshots clean

help:
	@echo "make lab        set up .venv and open JupyterLab on notebooks/"
	@echo "make test       set up .venv; lint, unit tests, every notebook, JupyterLab in Chromium"
	@echo "make notebooks  build every notebook from notebooks/src/, executed in a fresh kernel"
	@echo "                (NB=01 builds one: a name, a prefix, or solutions/01)"
	@echo "make browser    run each tutorial in JupyterLab in headless Chromium"
	@echo "make screenshots  refresh docs/screenshots/ from the browser test"
	@echo "make check-env  print OK or FAIL for every pinned package in .venv"
	@echo "make bench      run the benchmarks (benchmarks/results.*), then the README's and guide's tables"
	@echo "make format     apply ruff's fixes and formatting"
	@echo "make clean      remove .venv, caches and build output"

# (Re)install whenever pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; \
	  sys.exit(0 if (3, 11) <= v <= (3, 13) else f"Python 3.11-3.13 needed, found {sys.version.split()[0]}: run make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/build_notebooks.py --check

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser"

# Each tutorial notebook run through JupyterLab's UI in headless Chromium (skipped when
# /usr/bin/chromium is missing, except under CI=true).
browser: $(STAMP)
	$(BIN)/python -m pytest tests -m browser

nbtest: $(STAMP)
	$(BIN)/python -m pytest --nbmake --nbmake-timeout=$(NB_TIMEOUT) notebooks

test: lint unit nbtest browser

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every notebook from its text source (notebooks/src/), or some: make notebooks NB=01, then
# the README's and the guide's notebook tables and the README's gallery.
notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py --timeout=$(NB_TIMEOUT) $(NB)
	$(BIN)/python tools/sync_docs_tables.py

# The README's small screenshots, from the browser test's full-size ones.
screenshots: browser
	$(BIN)/python tools/screenshots.py

# OK or FAIL for every pinned package (and the test tools), against pyproject.toml.
check-env: $(STAMP)
	$(BIN)/python tools/check_env.py --all

# The harness writes benchmarks/results.{json,md}; the second tool, the only writer of
# the notebook tables in README.md and docs/instructor-guide.md, copies its figures there.
bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python tools/sync_docs_tables.py

clean:
	rm -rf $(VENV) .cache build .pytest_cache .ruff_cache .hypothesis
