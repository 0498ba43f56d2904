# Every target bootstraps .venv from pyproject.toml when it is missing or older than it.
# `make run` uses its own .venv-run: the bot installed as a host would (`pip install .`, not
# editable, no development tools), reinstalled when a source file changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_VENV := .venv-run
RUN_STAMP := $(RUN_VENV)/.installed
SOURCES := pyproject.toml setup.py $(shell find bot frameworks prompts -type f -not -path '*/__pycache__/*')

.PHONY: demo test lint format run check bench clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/coreflect demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format bot tests
	$(BIN)/ruff check --fix bot tests

check: $(STAMP)
	$(BIN)/coreflect check

# The performance budget (issue 12, DESIGN.md §11): prints each figure beside its budget and
# writes bench/last-run.md. BENCH_SCALE=small for a quicker run on smaller sizes; databases
# are built once into bench/.cache. Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m bench

$(RUN_STAMP): $(SOURCES)
	test -x $(RUN_VENV)/bin/python || $(PYTHON) -m venv $(RUN_VENV)
	$(RUN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RUN_VENV)/bin/python -m pip install --quiet .
	touch $(RUN_STAMP)

run: $(RUN_STAMP)
	$(RUN_VENV)/bin/coreflect run

clean:
	rm -rf $(VENV) $(RUN_VENV) build .pytest_cache .mypy_cache .ruff_cache
