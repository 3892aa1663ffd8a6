# LSTM anomaly detection, step by step: the two commands a learner needs are
#   make lab    set up .venv with what the notebooks need and open JupyterLab on notebooks/
#   make test   add the test tools and the JAX backend to .venv and run every check
#               (lint, unit tests, notebooks, notebooks 1-2 and the helper tests on JAX, browser)
# Everything is installed into .venv/ and cached under .cache/, inside this folder.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One stamp per install set, each redone only when pyproject.toml is newer than it:
RUNTIME := $(VENV)/.installed-runtime
JAX     := $(VENV)/.installed-jax
TOOLS   := $(VENV)/.installed-test

# Keras's backend for make lab (and unit, nbtest, browser): tensorflow, the default, or jax
# (make lab BACKEND=jax installs the jax extra first). make notebooks always uses TensorFlow,
# whose outputs the notebooks are saved with.
BACKEND ?= tensorflow
ifeq ($(filter $(BACKEND),tensorflow jax),)
$(error BACKEND=$(BACKEND): use BACKEND=tensorflow (the default) or BACKEND=jax; PyTorch is not set up here, see the README's Troubleshooting)
endif
export KERAS_BACKEND := $(BACKEND)

# Keep caches and per-user state inside the repository.
export PIP_CACHE_DIR   := $(CURDIR)/.cache/pip
export KERAS_HOME      := $(CURDIR)/.cache/keras
export MPLCONFIGDIR    := $(CURDIR)/.cache/matplotlib
# TensorFlow's C++ log off, as the notebooks' setup cells set it (they only set a default, so
# a lower level here would win): level 2 still printed tf.data's harmless ERROR lines
# ("E0000 ... NodeDef mentions attribute use_unbounded_threadpool") into notebook outputs.
export TF_CPP_MIN_LOG_LEVEL := 3
# Finished LSTM fits, keyed by everything they depend on (lh.fit_restarts): rerunning a
# notebook, or running it again in the browser test, loads them instead of training again.
# make bench measures every notebook cold, with an empty cache of its own.
export LSTM_HELPERS_MODEL_CACHE ?= $(CURDIR)/.cache/models
export PATH := $(CURDIR)/$(BIN):$(PATH)

# NAB data for notebook 3: use the offline copy beside the project when there is one.
NAB_SHARED := $(abspath $(CURDIR)/../shared/data/nab)
ifneq ($(wildcard $(NAB_SHARED)/labels/combined_windows.json),)
export LSTM_HELPERS_DATA ?= $(NAB_SHARED)
endif

# Per-cell timeout for notebooks under test, in seconds.
NB_TIMEOUT ?= 600
# pytest-xdist workers for the tests and notebooks (auto: xdist's count of physical CPU
# cores; 0: no workers, everything in one process; or a number). Each tutorial and its
# solutions share a worker (conftest.py).
WORKERS ?= auto

.PHONY: help venv lab test lint format unit nbtest jaxtest browser notebooks bench seeds \
	check-env screenshots corpus clean

help:
	@echo "make lab        set up .venv (the notebooks' packages only) and open JupyterLab on notebooks/"
	@echo "make lab BACKEND=jax   the same on Keras's JAX backend (installs the jax extra)"
	@echo "make test       add the test tools and JAX to .venv; lint, unit tests, every notebook,"
	@echo "                notebooks 1-2 and the helper tests on JAX, JupyterLab in Chromium"
	@echo "make notebooks  build every notebook from notebooks/src/, executed in a fresh kernel"
	@echo "                (NB=01 builds one: a name, a prefix, or solutions/01)"
	@echo "make jaxtest    notebooks 1-2 and the helper tests that call Keras, with KERAS_BACKEND=jax"
	@echo "make seeds      notebook 1 under seeds 0-9, its Checks included"
	@echo "make browser    run each tutorial in JupyterLab in headless Chromium"
	@echo "make screenshots  refresh docs/screenshots/ from the browser test"
	@echo "make check-env  print OK or FAIL for every pinned package in .venv"
	@echo "make corpus     every detector of notebook 3 on NAB's 35 series: results/corpus.csv"
	@echo "                (resumes; CORPUS_ARGS=--force reruns all, CORPUS_ARGS='--series NAME' one)"
	@echo "make bench      run the benchmarks (benchmarks/results.*), then the README's and guide's tables"
	@echo "make format     apply ruff's fixes and formatting"
	@echo "make clean      remove .venv, caches and build output"

# The notebooks' packages (pyproject.toml's dependencies) and lstm_helpers: nothing else.
$(RUNTIME): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; \
	  sys.exit(0 if (3, 11) <= v <= (3, 13) else f"Python 3.11-3.13 needed, found {sys.version.split()[0]}: run make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The optional JAX backend (the jax extra).
$(JAX): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[jax]"
	touch $@

# The maintainers' tools (the test extra), and JAX, which make test also runs on.
$(TOOLS): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[test,jax]"
	touch $@

venv: $(RUNTIME)

lab: $(RUNTIME) $(if $(filter jax,$(BACKEND)),$(JAX))
	@echo "JupyterLab with KERAS_BACKEND=$(KERAS_BACKEND)"
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/build_notebooks.py --check

unit: $(TOOLS)
	$(BIN)/python -m pytest -n $(WORKERS) tests -m "not browser and not seeds"

# Notebook 1 under seeds 0-9, its Checks included (about 10 runs of the notebook): a proxy for
# other machines. make bench runs it too.
seeds: $(TOOLS)
	$(BIN)/python -m pytest tests/project/test_seeds.py -m seeds -s

# Each tutorial notebook run through JupyterLab's UI in headless Chromium (skipped when
# /usr/bin/chromium is missing, except under CI=true).
browser: $(TOOLS)
	$(BIN)/python -m pytest -n $(WORKERS) tests -m browser

nbtest: $(TOOLS)
	$(BIN)/python -m pytest -n $(WORKERS) --nbmake --nbmake-timeout=$(NB_TIMEOUT) notebooks

# Keras's JAX backend: the helper tests that call Keras (training, streaming; importing
# lstm_helpers loads no backend, which tests/helpers/test_training.py checks, so the others
# cannot depend on it) and these notebooks again, with KERAS_BACKEND=jax.
JAX_NOTEBOOKS ?= notebooks/01_*.ipynb notebooks/02_*.ipynb
jaxtest: $(TOOLS)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n $(WORKERS) tests/helpers/test_training.py tests/helpers/test_streaming.py
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n $(WORKERS) --nbmake --nbmake-timeout=$(NB_TIMEOUT) $(JAX_NOTEBOOKS)

test: lint unit nbtest jaxtest browser

format: $(TOOLS)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every notebook from its text source (notebooks/src/), or some: make notebooks NB=01, then
# the README's and the guide's notebook tables and the README's gallery.
notebooks: $(TOOLS)
	KERAS_BACKEND=tensorflow $(BIN)/python tools/build_notebooks.py --timeout=$(NB_TIMEOUT) $(NB)
	$(BIN)/python tools/sync_docs_tables.py

# The README's small screenshots, from the browser test's full-size ones.
screenshots: browser
	$(BIN)/python tools/screenshots.py

# OK or FAIL for every pinned package in .venv, against pyproject.toml: the notebooks'
# packages, and each extra (jax, test) that is installed.
check-env: $(RUNTIME)
	$(BIN)/python tools/check_env.py

# The harness writes benchmarks/results.{json,md}, running each installed Keras backend in
# its own process; the second tool, the only writer of the notebook tables in README.md and
# docs/instructor-guide.md, copies its figures there.
bench: $(TOOLS)
	$(BIN)/python -m benchmarks
	$(BIN)/python tools/sync_docs_tables.py
	$(MAKE) seeds

# Every detector of notebook 3 (its cells tagged detectors) on NAB's 35 series, the LSTMs
# over their seeds: results/corpus.csv and results/corpus.json, which notebook 6 reads.
# Resumable (a series already in the CSV is skipped); on JAX, several times faster than on
# TensorFlow for these small LSTMs. No cache of finished fits: every model is trained.
CORPUS_JOBS ?= 2
CORPUS_ARGS ?=
corpus: $(TOOLS)
	KERAS_BACKEND=jax $(BIN)/python tools/corpus.py --backend jax --jobs $(CORPUS_JOBS) $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) .cache build .pytest_cache .ruff_cache .hypothesis
