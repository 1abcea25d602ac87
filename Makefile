# fazhi — the two commands: `make demo` runs the product, `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := fazhi.settings
# Development and tests run with DEBUG on; production leaves FAZHI_DEBUG unset (off).
export FAZHI_DEBUG ?= 1

.PHONY: install demo serve test test-sqlite test-postgres lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --loglevel=error; \
	 else echo "npm not found: charts will be missing (install Node.js)"; fi

demo: install
	$(BIN)/fazhi migrate --noinput
	$(BIN)/fazhi demo
	$(BIN)/fazhi serve 127.0.0.1:8000

serve:
	$(BIN)/fazhi serve 127.0.0.1:8000

test: install
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	$(BIN)/pytest

# The same suite on a throwaway PostgreSQL cluster; the Django-free model tests
# (marked slow) already ran in the SQLite pass.
test-postgres:
	scripts/with-postgres $(BIN)/pytest -m "not slow"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python benchmarks/dispatch.py

clean:
	rm -rf $(VENV) node_modules var
