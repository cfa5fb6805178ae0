# The two commands: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,completejourney]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf out
	$(BIN)/offers --db out/offers.duckdb demo --out out

lint: $(STAMP)
	$(BIN)/ruff check offers tests benchmarks
	$(BIN)/ruff format --check offers tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest --run-slow

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
