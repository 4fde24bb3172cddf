# msg: `make run` serves the app, `make test` runs the whole suite. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.8

# The first interpreter that is Python 3.12 or newer: python3.13, python3.12 (pyenv shims or
# system), then pyenv's own installs, then python3.
PY_CANDIDATES := python3.13 python3.12 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3
PYTHON ?= $(shell for p in $(PY_CANDIDATES); do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	$$p -c 'import sys; print(sys.executable)'; break; fi; done)

export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install run test lint bench typecheck check vendor clean messages

help:
	@echo "make run      set up, migrate, load demo data on an empty database, serve on http://$(HOST):$(PORT)"
	@echo "make test     set up, then run the whole test suite"
	@echo "make install  create $(VENV)/ and install the locked dependencies (idempotent)"
	@echo "make lint     ruff, mypy and the import contracts"
	@echo "make bench    the load benchmark on a throwaway SQLite database (bench/README.md)"
	@echo "make messages refresh locale/*/django.po from the code and compile them (needs gettext)"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: Python 3.12 or newer not found (tried: $(PY_CANDIDATES))." >&2; \
		echo "Install python3.13 (or 3.12), or run: make PYTHON=/path/to/python3.13" >&2; exit 1; fi
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

# DEBUG defaults to True unless the environment or .env sets it. Without DEBUG, a SECRET_KEY is
# needed: one is made once and kept in .secret_key (git-ignored) unless the environment or .env
# has one. Links in mail point at SITE_URL (from the environment or .env), by default the address
# served here (127.0.0.1 when serving on every interface, HOST=0.0.0.0).
run: install
	@if [ -z "$${DEBUG:-}" ] && ! grep -Eqs '^(export )?DEBUG=' .env; then export DEBUG=True; fi; \
	export CONN_MAX_AGE=$${CONN_MAX_AGE:-0}; \
	case "$(HOST)" in \
		0.0.0.0|::|"[::]") local_host=127.0.0.1;; \
		\[*) local_host="$(HOST)";; \
		*:*) local_host="[$(HOST)]";; \
		*) local_host="$(HOST)";; esac; \
	case "$(HOST)" in \[*|*.*|localhost) serve_host="$(HOST)";; *:*) serve_host="[$(HOST)]";; \
		*) serve_host="$(HOST)";; esac; \
	if [ -z "$${SITE_URL:-}" ] && ! grep -Eqs '^(export )?SITE_URL=.' .env; then \
		export SITE_URL="http://$$local_host:$(PORT)"; fi; \
	if [ -z "$${SECRET_KEY:-}" ] && ! grep -Eqs '^(export )?SECRET_KEY=.' .env; then \
		[ -s .secret_key ] || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); \
		export SECRET_KEY=$$(cat .secret_key); fi; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	$(BIN)/python manage.py seed_demo && \
	echo "msg is running on http://$$local_host:$(PORT)/  (Ctrl+C stops it)" && \
	$(BIN)/python manage.py runserver "$$serve_host:$(PORT)"

test: install
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:xdist tests/test_import_graph.py

# The load benchmark (a few minutes; figures and options in bench/README.md).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Refresh the German catalogue from the code and templates, then compile it. The compiled .mo is
# committed, so running msg needs no gettext tools; only changing its strings does.
messages: install
	export DEBUG=$${DEBUG:-True}; \
	$(BIN)/python manage.py makemessages -l de --no-location --no-obsolete \
		--ignore='.venv/*' --ignore='tests/*' --ignore='staticfiles/*' --ignore='bench/*' && \
	$(BIN)/python manage.py compilemessages --ignore='.venv'

# Refresh the vendored front-end files from the npm registry (not needed to run or test).
vendor:
	cd $$(mktemp -d) && npm pack htmx.org@2.0.8 @picocss/pico@2.1.1 >/dev/null && \
	tar xzf htmx.org-2.0.8.tgz && cp package/dist/htmx.min.js $(CURDIR)/static/vendor/htmx-2.0.8.min.js && \
	rm -rf package && tar xzf picocss-pico-2.1.1.tgz && cp package/css/pico.min.css $(CURDIR)/static/vendor/pico-2.1.1.min.css

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
