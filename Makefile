# 到账助手 — `make run` serves the assistant, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run
$(shell mkdir -p .run)

PYTHON310 ?= $(shell command -v python3.10 2>/dev/null || ls -d $(HOME)/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -n 1)
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python

# Configuration (README, "Configuration"); override on the command line or in the environment.
export REDIS_HOST ?= localhost
export REDIS_PORT ?= 6379
export RASA_PORT ?= 5005
# endpoints.yml reads the action server's port from here (${ACTION_PORT}).
export ACTION_PORT ?= 5055
export CONSOLE_PORT ?= 5080
# Rasa's event broker writes every event here (endpoints.yml); the console counts conversations from it.
export DZ_EVENTS_DB ?= $(CURDIR)/.run/events.db
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
# Dependencies' deprecation notices are silenced where Rasa is started (tools/rasa_quiet.py);
# our own warnings and every error stay visible.

.PHONY: run test venv dev redis redis-installed nginx-installed model eval bench validate lint unit clean

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (pyenv install 3.10.13)"; exit 1; }
	$(PYTHON310) -m venv $(VENV)
	@mkdir -p .run
	$(VENV)/bin/pip install -r requirements.txt > .run/pip.log 2>&1 || { tail -n 40 .run/pip.log; exit 1; }
	@touch $@

# What serves is requirements.txt; what builds and tests (pytest, ruff, Playwright) comes on top.
$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install -r requirements-dev.txt > .run/pip-dev.log 2>&1 || { tail -n 40 .run/pip-dev.log; exit 1; }
	@touch $@

venv: $(VENV)/.installed
dev: $(VENV)/.dev-installed

redis:
	@scripts/ensure_redis.sh

redis-installed:
	@scripts/ensure_redis.sh install

# Debian's nginx, for the test of several servers behind it (deploy/nginx/).
nginx-installed:
	@scripts/ensure_nginx.sh

# The web widget's chat page (web/): `npm ci` when the lock file changed, a build when the
# sources changed, into the ignored web/dist/ that the Rasa server serves.
.PHONY: web chromium-installed screenshots
WEB_SOURCES := web/index.html web/vite.config.js web/src/wording.json $(shell find web/src -type f 2>/dev/null)

web: web/dist/.built

web/node_modules/.installed: web/package.json web/package-lock.json web/.npmrc
	@command -v npm >/dev/null || { echo "web: npm is missing; install Node.js 20.19+ to build the chat page"; exit 1; }
	@cd web && npm ci > ../.run/web.log 2>&1 || { tail -n 20 ../.run/web.log; exit 1; }
	@touch $@

# The page's lines come from the one wording catalogue.
web/src/wording.json: daozhang/data/wording.yml tools/web_wording.py $(VENV)/.installed
	$(PY) -m tools.web_wording > $@

web/dist/.built: web/node_modules/.installed $(WEB_SOURCES)
	@cd web && npm run build > ../.run/web.log 2>&1 || { tail -n 30 ../.run/web.log; exit 1; }
	@touch $@
	@echo "web: chat page built into web/dist/"

# The agent console's chart library (ECharts from npm), into the ignored console/web/dist/.
.PHONY: console-web
console-web: console/web/dist/.built

console/web/dist/.built: console/web/package.json console/web/package-lock.json console/web/build.mjs
	@command -v npm >/dev/null || { echo "console-web: npm is missing; install Node.js 20+"; exit 1; }
	@cd console/web && npm ci > ../../.run/console-web.log 2>&1 && npm run build >> ../../.run/console-web.log 2>&1 \
	  || { tail -n 20 ../../.run/console-web.log; exit 1; }
	@touch $@

# Debian's chromium (and a Chinese font) for the browser test; installed when root and missing.
chromium-installed:
	@scripts/ensure_chromium.sh

# Refreshes the README's screenshots: docs/widget-*.png (the chat page) and docs/console-*.png
# (the agent console); not part of `make test`.
screenshots: dev model web console-web chromium-installed
	DZ_WIDGET_DOCS=1 DZ_CONSOLE_DOCS=1 $(PY) -m pytest -q tests/e2e/test_web_widget.py tests/e2e/test_console_browser.py

model: venv
	@$(PY) -m tools.train > /dev/null

run: venv redis model web console-web
	@scripts/serve.sh "$$($(PY) -m tools.train 2>/dev/null)"

validate: venv
	@$(PY) -m tools.rasa_quiet data validate --fail-on-warnings > .run/validate.log 2>&1 \
	  || { grep -v "Deprecat\|declare_namespace\|^  " .run/validate.log | tail -n 30; exit 1; }
	@echo "rasa data validate: no warnings"

unit: dev
	$(PY) -m pytest -q tests/unit

lint: dev
	@$(VENV)/bin/ruff check --quiet . && echo "ruff: clean"

test: dev redis-installed nginx-installed model validate lint web console-web chromium-installed
	$(PY) -m pytest -q tests
	$(PY) -m tools.rasa_quiet test core --stories tests/test_stories.yml --fail-on-prediction-errors \
	  --model "$$($(PY) -m tools.train 2>/dev/null)" --out results/tmp/core > .run/test_stories.log 2>&1 \
	  || { tail -n 60 .run/test_stories.log; exit 1; }
	@grep -h "Correct:" .run/test_stories.log | tail -n 1
	@$(PY) -m tools.evaluate --check --out results/tmp/eval --model "$$($(PY) -m tools.train 2>/dev/null)" \
	  2> .run/evaluate.log || { tail -n 20 .run/evaluate.log; exit 1; }

eval: venv model
	$(PY) -m tools.evaluate --model "$$($(PY) -m tools.train 2>/dev/null)"

# Cost per turn against a minimal bot (README "Cost per turn"); BENCH_ARGS=--quick for a short check.
bench: venv redis nginx-installed model
	$(PY) -m tools.bench --model "$$($(PY) -m tools.train 2>/dev/null)" $(BENCH_ARGS)

clean:
	rm -rf models .run results/tmp web/dist web/node_modules web/src/wording.json console/web/dist console/web/node_modules
