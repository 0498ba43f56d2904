# Every target bootstraps .venv from pyproject.toml when it is missing or older than it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format run check clean

$(STAMP): pyproject.toml
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

run: $(STAMP)
	$(BIN)/coreflect run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
