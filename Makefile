# Two commands: `make run` (site with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt demo worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: export NHANDAO_DEV = 1
run: $(STAMP)
	mkdir -p var
	PORT=$(PORT) $(BIN)/nhandao demo --port $(PORT)

demo: export NHANDAO_DEV = 1
demo: $(STAMP)
	mkdir -p var
	$(BIN)/nhandao demo --no-serve

test: export NHANDAO_DEV = 1
test: $(STAMP)
	mkdir -p var
	$(BIN)/nhandao makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check nhandao tests bench
	$(BIN)/ruff format --check nhandao tests bench

fmt: $(STAMP)
	$(BIN)/ruff format nhandao tests bench
	$(BIN)/ruff check --fix nhandao tests bench

worker: export NHANDAO_DEV = 1
worker: $(STAMP)
	$(BIN)/nhandao db_worker

clean:
	rm -rf $(VENV) var
