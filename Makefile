# The Makefile only bootstraps .venv and node_modules, then hands over to invoke (tasks.py).
# Quick start:  make serve   (demo site on http://127.0.0.1:8000)
#               make test    (the whole test suite, browser tests included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
NODE_STAMP := node_modules/.installed
AUDIT_STAMP := audit/node_modules/.installed

.PHONY: setup serve build test bench audit clean publish lint

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	  else echo "Python's venv module is missing: sudo apt-get install python3-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(BENCH_STAMP): $(PY_STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(BIN)/invoke livereload

build: setup
	$(BIN)/invoke build

publish: setup
	$(BIN)/invoke publish

test: setup
	$(BIN)/invoke system-deps
	$(BIN)/invoke test

lint: setup
	$(BIN)/invoke lint

bench: setup $(BENCH_STAMP)
	$(BIN)/invoke bench

# Lighthouse is installed only here (audit/package-lock.json), not for the tests.
$(AUDIT_STAMP): audit/package.json audit/package-lock.json
	npm ci --prefix audit --no-audit --no-fund --loglevel=error
	touch $@

audit: setup $(AUDIT_STAMP)
	$(BIN)/invoke system-deps
	$(BIN)/invoke audit

clean:
	rm -rf output cache
