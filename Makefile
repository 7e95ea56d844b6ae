# The two commands a new contributor needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AS_OF ?=

.PHONY: run test lint typecheck layers schemas install install-dev clean

$(BIN)/standards: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/standards
install-dev: $(VENV)/.dev-installed

# The sample data deliberately includes failing services, so a failing report is
# the expected result here, not a broken build: only exit code 2 (could not run) fails.
run: $(BIN)/standards
	@$(BIN)/standards check $(if $(AS_OF),--as-of $(AS_OF)) || [ $$? -eq 1 ]

lint: install-dev
	$(BIN)/ruff check checks registry tests benchmarks
	$(BIN)/ruff format --check checks registry tests benchmarks

typecheck: install-dev
	$(BIN)/mypy

layers: install-dev
	$(BIN)/lint-imports

schemas: install
	$(BIN)/standards schema

test: install-dev lint typecheck layers
	$(BIN)/pytest -n auto

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
