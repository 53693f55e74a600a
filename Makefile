# The two commands a newcomer types are `make up` and `make test`; both bootstrap themselves.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STAGE  ?= dev
CONFIG ?= config/demo.toml

.PHONY: up test lint typecheck unit integration requirements bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Tidings needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $(STAMP)

## Run Tidings locally: DynamoDB Local + moto's server + the API + the schedule, with the demo watches.
up: $(STAMP)
	$(BIN)/tidings up --config $(CONFIG)

## Lint, type-check and run every test (unit, then integration against DynamoDB Local and moto).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

requirements: $(STAMP)
	$(BIN)/python scripts/sync_requirements.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .tidings .mypy_cache .ruff_cache .pytest_cache
