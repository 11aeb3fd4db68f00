# MedSite: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format audit bench setup clean java-runtime

CHROMIUM ?= /usr/bin/chromium
WRK ?= /usr/bin/wrk
REDIS_SERVER ?= /usr/bin/redis-server
VARNISHD ?= /usr/sbin/varnishd
NODE_STAMP := node_modules/.installed

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Browser tests drive Debian's Chromium; install it once if the machine lacks it.
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

# The load test (tests/test_load.py) reads the site with wrk; install it once if missing.
$(WRK):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null

# The fail-soft tests (tests/medsite/test_failsoft.py) start a real Redis, and stop and restart it;
# in every scope, CI's PostgreSQL leg included. Install it once if missing.
$(REDIS_SERVER):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null

# The purge test (tests/medsite/frontcache/test_varnish.py) runs a real Varnish; install it once if missing.
$(VARNISHD):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends varnish >/dev/null

# The HTML checks run the Nu HTML Checker (vnu.jar), which needs a Java runtime: install one only
# when the machine has none.
java-runtime:
	@command -v java >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; }

# vnu.jar, Lighthouse and pa11y, at the versions package-lock.json pins; reinstalled when either file
# changes. pa11y drives Debian's Chromium: .puppeteerrc.cjs keeps puppeteer from downloading one.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-fund --no-audit --loglevel=error
	touch $@

setup: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# `make test` runs everything: the browser tests (marked `browser`) and the minute-long load test
# (marked `load`) included. `make test TEST_SCOPE=core` leaves those two out, and with them the
# tools only they need (Chromium, Java, Node, wrk): CI runs them once, on its SQLite leg.
TEST_SCOPE ?= all
ifeq ($(TEST_SCOPE),all)
TEST_TOOLS := $(CHROMIUM) $(WRK) $(VARNISHD) java-runtime $(NODE_STAMP)
SCOPE_ARGS :=
else ifeq ($(TEST_SCOPE),core)
TEST_TOOLS := $(VARNISHD)
SCOPE_ARGS := -m "not browser and not load"
else
$(error TEST_SCOPE is "$(TEST_SCOPE)": use all (the default) or core)
endif

test: $(STAMP) $(TEST_TOOLS) $(REDIS_SERVER)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(SCOPE_ARGS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/djlint --lint templates
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Known vulnerabilities in the venv's packages (pip-audit; see .ci/audit.py). Fails on one, and on an
# audit that could not reach an advisory service unless AUDIT_OFFLINE_OK=1. AUDIT_ARGS go to
# pip-audit, e.g. AUDIT_ARGS='-s osv --osv-url https://osv.example/v1/query'.
audit: $(STAMP)
	$(PY) .ci/audit.py $(AUDIT_ARGS)

# The benchmarks of bench/ (not part of the suite): about 15-20 minutes; BENCH_QUICK=1 for a smoke
# run. Installs wrk (and, for Lighthouse's performance score, Chromium and the npm tools) if
# missing; writes bench/RESULTS.md. See bench/README.md.
bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) staticfiles node_modules .pytest_cache .ruff_cache .mypy_cache
