# treatysite — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test messages bench bench-search backup restore clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Development server on SQLite with the demo article and an admin login.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_wiki articles/demo/ --status published
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite (browser tests run when Debian's Chromium is installed).
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Regenerate the gettext catalogues after changing UI strings (needs GNU gettext; the compiled
# .mo files are committed so that a fresh machine needs none).
messages: install
	$(PY) manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=staticfiles
	$(PY) manage.py fill_catalogues
	$(PY) manage.py compilemessages --ignore=.venv

# Search latency on 10,000 generated articles (PostgreSQL; prints p50/p95). Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://root@127.0.0.1:5432/bench
bench-search: install
	createdb -h 127.0.0.1 -U root bench 2>/dev/null || true
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --no-input -v0
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_search

# Back up all content (both scripts), users and history to backups/<timestamp>.xml.gz, and restore.
backup: install
	$(PY) manage.py backup_content
restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/<timestamp>.xml.gz" && exit 2)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py restore_content "$(FILE)" --flush
