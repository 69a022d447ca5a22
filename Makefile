# treatysite — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test messages bench bench-write bench-import bench-search bench-images backup restore clean fidelity review-candidates regional-phrases bench-variants conversion-check

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
	$(PY) manage.py import_wiki articles/demo/ --status published --only-new
	$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	$(PY) manage.py runserver $(HOST):$(PORT)

export CHROMIUM ?= /usr/bin/chromium

# The whole suite (browser tests run when Debian's Chromium is installed). Exit code 5 means
# pytest collected nothing: a wrong PYTEST_ARGS or testpaths, so it fails with a clear message.
test: install-test
	@test -x $(CHROMIUM) || echo "NOTE: $(CHROMIUM) not found: the browser tests (tests/browser) will be SKIPPED (apt-get install chromium)."
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5); check PYTEST_ARGS" >&2; fi; \
	  test -x $(CHROMIUM) || echo "NOTE: browser tests were SKIPPED: $(CHROMIUM) is missing."; \
	  exit $$rc

# Load benchmark against gunicorn + PostgreSQL + Redis with wrk (not part of the suite; see bench/README.md),
# then the write path (bench-write).
bench: install
	$(PY) bench/site_bench.py $(BENCH_ARGS)
	$(PY) bench/write_bench.py

# Save of a 100k-character article, corpus import rate and the full render, beside earlier figures.
bench-write: install
	$(PY) bench/write_bench.py $(BENCH_WRITE_ARGS)

# 10,000 articles through import_wiki (resumable, stored renderings built in bulk): articles/s, peak RSS.
bench-import: install
	$(PY) bench/import_bench.py $(BENCH_IMPORT_ARGS)

# Regional variants (issue 25): a cached zh-tw/zh-hk/zh-cn page next to a cached zh-hans page, and
# the RSS of a worker with the five variants loaded. See bench/README.md.
bench-variants: install
	$(PY) bench/variant_bench.py $(BENCH_ARGS)

# Rendition time per upload and render time of a page with 10 figures (SQLite in a temp folder).
bench-images: install
	$(PY) bench/image_bench.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Regenerate the gettext catalogues after changing UI strings (needs GNU gettext; the compiled
# .mo files are committed so that a fresh machine needs none).
messages: export DEBUG ?= 1
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

# Regenerate the conversion review's candidate table from the installed opencc wheel's dictionaries
# (needs Debian's opencc_dict: apt-get install -y opencc). See articles/conversion_review.py.
review-candidates: install
	$(PY) articles/conversion_review_data.py

# Regenerate the regional phrase tables (zh-cn / zh-tw / zh-hk vocabulary) from the installed opencc
# wheel's dictionaries (needs opencc_dict too). See articles/regional.py.
regional-phrases: install
	$(PY) -m articles.regional_phrases_data

# Back up all content (both scripts), users, history and image files to backups/<timestamp>.tar.gz, and restore.
backup: install
	$(PY) manage.py backup_content
restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/<timestamp>.tar.gz" && exit 2)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py restore_content "$(FILE)" --flush $(if $(FORCE),--yes,)

# Render fidelity against pandoc on a folder of real articles (default ../shared/corpus/): imports
# each file inside a rolled-back transaction, prints a table and saves fidelity.json. Needs pandoc.
FIDELITY_DIR ?= ../shared/corpus
fidelity: export DEBUG ?= 1
fidelity: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py fidelity $(FIDELITY_DIR) --json fidelity.json

# Agreement per variant (zh-cn / zh-tw / zh-hk) of the converter with the gold set
# articles/data/variants_gold.tsv; fails below the committed baseline. ARGS: --converter opencc,
# --show N, --site-glossary, --write-baseline (see articles/management/commands/conversion_check.py).
conversion-check: export DEBUG ?= 1
conversion-check: install
	$(PY) manage.py conversion_check $(ARGS)
