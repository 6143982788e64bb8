# The two commands of a newcomer: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test lint install

$(BIN)/provgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(BIN)/provgraph

serve: install
	$(BIN)/provgraph serve

test: install
	$(BIN)/ruff check service prov_export graph_model cypher tests $(wildcard benchmarks)
	$(BIN)/mypy
	$(BIN)/pytest
