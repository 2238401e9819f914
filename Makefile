# The two commands of the README: `make serve` and `make test`.
# Both create .venv with Python 3.11+ and install Gatepost into it first.
# `make test` also installs Debian's chromium (for the browser tests in
# tests/browser) with apt-get when /usr/bin/chromium is missing; `make serve`
# does not need it.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
CHROMIUM = /usr/bin/chromium
# apt-get needs root: use sudo only when not already root.
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test install lint chromium

$(BIN)/gatepost: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'
	touch $@

install: $(BIN)/gatepost

serve: install
	$(BIN)/gatepost serve

lint: install
	$(BIN)/ruff check .

# Playwright drives this browser; never `playwright install` (it downloads one).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi
	@$(CHROMIUM) --version

test: lint chromium
	$(BIN)/pytest
