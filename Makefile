# The two commands: `make demo` builds the SECON graph and its outputs; `make test` runs the tests.
# Both create or refresh the virtual environment first, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= data
OUT    ?= out

.PHONY: demo test install install-test browser lint reference bench clean

demo: install
	$(BIN)/secongraph build --data $(DATA) --out $(OUT)
	$(BIN)/secongraph validate --data $(DATA)
	$(BIN)/secongraph stats --data $(DATA)
	$(BIN)/secongraph export --data $(DATA) --out $(OUT)
	$(BIN)/secongraph docs --output $(OUT)/ontology.html

test: install-test
	$(BIN)/ruff check src tests
	$(BIN)/pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --editable . --group docs

# Test tools (pytest, the oxigraph server, Playwright without its own browser) and Debian's Chromium.
install-test: install browser
	$(BIN)/python -m pip install --quiet --group test

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# Regenerate data/nuts2021.ttl and data/iso3166.ttl from the cited reference lists.
reference: install
	$(BIN)/python -m secongraph.reference $(DATA)

# Speed measurements on synthetic data (not part of the tests); see benchmarks/README.md.
bench: install-test
	$(BIN)/python benchmarks/engines.py

clean:
	rm -rf $(OUT) .pytest_cache
