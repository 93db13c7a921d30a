# Newsreel: `make run` starts the portal with demo content, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint bench install clean-var

$(BIN)/newsreel: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(BIN)/newsreel

run: install
	$(BIN)/newsreel migrate --noinput
	$(BIN)/newsreel demo
	$(BIN)/newsreel serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check newsreel tests bench
	$(BIN)/mypy newsreel

bench: install
	$(BIN)/python -m bench.run_all

clean-var:
	rm -rf var
