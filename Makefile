# The two commands of the README:  make demo  and  make test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
WORKSPACE ?= governance

.PHONY: demo test lint typecheck unit browser-deps bench statistics mutation clean

# The runtime environment (what `make demo` needs) ...
$(BIN)/cardgate: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# ... and the development tools on top (what `make test` needs), with the optional
# extras so that their tests run too.
$(VENV)/.dev: $(BIN)/cardgate
	$(BIN)/python -m pip install --quiet -e '.[dev,mlflow,sql,spark,delta]'
	@touch $@

## demo: create the environment and run the whole loop on the worked example
demo: $(BIN)/cardgate
	@bash scripts/demo.sh $(WORKSPACE)

## test: lint, type-check and run every test (installs Chromium for the browser tests)
test: $(VENV)/.dev browser-deps lint typecheck unit

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.dev
	$(BIN)/mypy src

unit: $(VENV)/.dev
	$(BIN)/pytest

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: run as root or install it yourself"; exit 2; }; }

## bench: the side-by-side speed measurements (see benchmarks/README.md)
bench: $(VENV)/.dev
	$(BIN)/python benchmarks/run_all.py

## statistics: measure coverage, size and power by simulation; tables into docs/statistics.md
statistics: $(VENV)/.dev
	$(BIN)/python scripts/statistics_tables.py

clean:
	rm -rf $(VENV) build dist site/generated site/build

## mutation: mutation testing of the gate's decision code (mutmut; slow, not run by CI)
mutation: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet 'mutmut>=3.3'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/python scripts/mutation_report.py
