# Quick start: `make demo` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test test-dates bench lint format venv system-deps serve clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,demo]'
	touch $@

# Then the Welsh catalogue compiled (.mo files are built, not committed).
venv: $(VENV)/.installed
	$(PY) scripts/compile-messages.py

system-deps:
	scripts/install-system-deps.sh

demo: venv
	PORT=$(PORT) $(PY) scripts/demo.py

test: venv system-deps
	scripts/run-tests.sh $(PYTEST_ARGS)

# The whole suite four times, its clock at dates across month, quarter and
# year boundaries (scripts/test-dates.sh).
test-dates: venv system-deps
	scripts/test-dates.sh $(PYTEST_ARGS)

bench: venv system-deps
	scripts/run-benchmarks.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) scripts/check-catalogue.py

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/staticfiles .pytest_cache
