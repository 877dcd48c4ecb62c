# Quick start: `make demo` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo partnership superuser test test-dates bench lint format venv system-deps serve clean

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

# Against the demo's database (the embedded PostgreSQL unless DATABASE_URL is
# set): a new partnership whose first admin is invited (the link is printed),
#   make partnership NAME="Flintshire Health" SLUG=flintshire-health ADMIN_EMAIL=ann@example.org
# and a platform staff account for the admin site and the New partnership page.
partnership: venv
	@test -n "$(NAME)" -a -n "$(SLUG)" -a -n "$(ADMIN_EMAIL)" || \
		{ echo 'usage: make partnership NAME="..." SLUG=... ADMIN_EMAIL=...'; exit 2; }
	$(PY) scripts/demo.py manage partnership_create --name "$(NAME)" --slug "$(SLUG)" --admin-email "$(ADMIN_EMAIL)"

superuser: venv
	$(PY) scripts/demo.py manage createsuperuser

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
