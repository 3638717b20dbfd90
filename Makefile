# e-Laos — the two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/src:$(CURDIR)


.PHONY: run dev test e2e bench install system-deps migrate messages compilemessages demo lint fmt check-lao clean backup restore load

$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else echo "Install the venv module first: sudo apt-get install python3-venv"; exit 1; fi; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

install: system-deps $(VENV)/.installed

## WeasyPrint (PDF documents) needs Pango from the system, and HarfBuzz's subsetter to embed only the glyphs a
## document uses (without it WeasyPrint falls back to fontTools: 167 instead of 30 ms of CPU per certificate).
system-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' \
	    || ! ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Pango and HarfBuzz for PDF documents (apt-get)..."; \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else \
	    echo "e-Laos needs Pango and HarfBuzz for PDF documents. Install them with:"; \
	    echo "  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; \
	  fi; \
	fi

compilemessages: install
	$(VENV)/bin/pybabel -q compile -d src/elaos/locale -D django

migrate: compilemessages
	$(PY) manage.py migrate --no-input -v 0

demo: migrate compilemessages
	$(PY) manage.py load_demo

## make run: install, migrate, load the demo data, then serve in production mode on 127.0.0.1:$(PORT)
run: demo
	$(PY) manage.py collectstatic --no-input -v 0
	PAYMENTS_SIMULATOR=1 $(PY) manage.py serve --port $(PORT)

## make dev: Django's autoreloading server plus a task worker
dev: demo
	DEBUG=1 $(PY) manage.py serve --port $(PORT) --dev

## make test: the whole suite (set DATABASE_URL to run it on PostgreSQL)
test: compilemessages
	$(PY) -m pytest -q -m "not e2e"

## make e2e: browser tests in Debian's Chromium with axe-core
e2e: compilemessages
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) -m pytest -q -m e2e --ds=elaos.settings_test e2e

## make bench: benchmarks, one JSON object per line on stdout (make's own output goes to stderr)
bench:
	@$(MAKE) --no-print-directory compilemessages >&2
	@$(PY) -m benchmarks

## make messages: bring the Lao catalogue up to date with the code (needs GNU gettext)
messages: install
	cd src/elaos && $(CURDIR)/$(PY) -m django makemessages -l lo --no-obsolete --no-location --no-wrap -v 0

## make check-lao: fails if any message in the code has no Lao translation
check-lao: messages
	$(PY) -m elaos.core.check_catalogue src/elaos/locale/lo/LC_MESSAGES/django.po

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*

## make backup: a consistent backup of DATABASE_URL's database into backups/ (pg_dump -Fc on PostgreSQL, SQLite's
## online backup API), with a manifest of every table's row count and content hash beside it
backup:
	$(PY) manage.py backup --directory backups

## make restore FILE=backups/<file>: restore into DATABASE_URL's database (a new, empty one; FORCE=1 replaces the
## content of a database that is not empty), then check every table against the manifest and the audit chain
restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<file> [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

## make load: locust (headless) against `manage.py serve` on PostgreSQL (DATABASE_URL, by default the dedicated
## database elaos_load, created, migrated and filled); one JSON line on stdout, details on stderr. Knobs:
## LOAD_USERS=1000 LOAD_SECONDS=120 LOAD_SPAWN_RATE LOAD_SOAK=1 (10 minutes, workers' memory); see loadtest/README.md
load:
	@$(MAKE) --no-print-directory compilemessages >&2
	@$(PY) -m loadtest.run
