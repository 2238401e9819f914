# The two commands of the README: `make serve` and `make test`.
# Both create .venv with Python 3.11+ and install Gatepost into it first.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: serve test install lint

$(BIN)/gatepost: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'
	touch $@

install: $(BIN)/gatepost

serve: install
	$(BIN)/gatepost serve

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest
