# Every target sets itself up: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup kernel reports test quick lint lab validate export bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name reportlib --display-name "Python 3 (reportlib)" >/dev/null
	touch $(STAMP)

# The `reportlib` kernel for your own account, so a Jupyter or papermill installed
# outside .venv finds it too (it runs .venv's Python, which has reportlib).
kernel: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name reportlib --display-name "Python 3 (reportlib)"

reports: $(STAMP)
	$(BIN)/reportlib render --all

test: lint
	$(BIN)/python -m pytest

# The quick check while working: lint, layers and the tests that start no process (see README).
quick: lint
	$(BIN)/python -m pytest -m "not slow" -q

# ruff (lint) and the import contract of the stage packages (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check reportlib tests benchmarks tools
	$(BIN)/lint-imports --no-cache

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

validate: $(STAMP)
	$(BIN)/reportlib validate data

export: $(STAMP)
	$(BIN)/reportlib export --out reports/tables

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) reports .pytest_cache
