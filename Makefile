# The two commands of the README: `make run` (see it work) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test schemas bench install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# reinstall only when the project metadata changed
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/seizurewatch up

test: $(STAMP)
	$(BIN)/pytest -q

schemas: $(STAMP)
	$(BIN)/seizurewatch schemas

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_throughput.py
