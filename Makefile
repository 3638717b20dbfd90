# e-Laos — the two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/src:$(CURDIR)

.PHONY: run dev test e2e bench install migrate messages compilemessages demo lint fmt check-lao clean

$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(VENV)/bin/pybabel -q compile -d src/elaos/locale -D django

migrate: install
	$(PY) manage.py migrate --no-input -v 0

demo: migrate compilemessages
	$(PY) manage.py load_demo

## make run: install, migrate, load the demo data, then serve in production mode on 127.0.0.1:$(PORT)
run: demo
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py serve --port $(PORT)

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
