# Gongjian — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
VENDOR := gongjian/core/static/vendor

DRILL_URL ?= postgres://postgres@127.0.0.1:5432/gongjian_drill

.PHONY: fuzz drill check-deploy test-deploy demo test test-sqlite test-postgres lint format bench frontend install clean-demo serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(VENDOR)/.stamp: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp frontend/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp frontend/node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

frontend: $(VENDOR)/.stamp

# A fresh demo district in the embedded SQLite database, served on 127.0.0.1:$(PORT).
demo: install frontend
	$(BIN)/gongjian migrate --noinput
	$(BIN)/gongjian demo --reset
	$(BIN)/gongjian collectstatic --noinput --verbosity 0
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop); SMS codes are printed here, not sent"
	@echo "Background work (imports, matching, rollups, briefings) runs in the task worker beside it"
	export GONGJIAN_TASKS_BACKEND=$${GONGJIAN_TASKS_BACKEND:-django_tasks_db.DatabaseBackend} \
		GONGJIAN_SMS_BACKEND=$${GONGJIAN_SMS_BACKEND:-log} GONGJIAN_LOG_FORMAT=$${GONGJIAN_LOG_FORMAT:-text}; \
	$(BIN)/gongjian db_worker --interval 1 --no-reload & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:gongjian.config.gunicorn --bind 127.0.0.1:$(PORT) --access-logfile - --log-level warning

serve: install frontend
	$(BIN)/gunicorn -c python:gongjian.config.gunicorn --bind 127.0.0.1:$(PORT) --access-logfile -

# The whole suite: lint and types, then the tests on SQLite and, where it answers, PostgreSQL.
test: install frontend
	$(MAKE) --no-print-directory lint
	$(BIN)/gongjian makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

TEST_ENV := GONGJIAN_DATA_DIR=$(CURDIR)/var/test GONGJIAN_FIELD_KEY=VGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI= GONGJIAN_SECRET_KEY=test-only-secret-key-not-for-production-use-0123456789

test-sqlite: install frontend
	$(TEST_ENV) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

PG_URL ?= postgres://postgres@127.0.0.1:5432/gongjian
test-postgres: install frontend
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		$(TEST_ENV) DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS); \
	else \
		if [ -n "$$CI" ]; then echo "PostgreSQL is not reachable at 127.0.0.1:5432: failing in CI"; exit 1; fi; \
		echo "SKIPPED: PostgreSQL is not reachable at 127.0.0.1:5432; the PostgreSQL run did not happen"; \
	fi

# The restore drill on PostgreSQL against the demo district: back up, restore into a scratch
# database, compare every table's count and checksum (CI runs it).
drill: install
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(subst /gongjian_drill,/postgres,$(DRILL_URL))', autocommit=True); c.execute('DROP DATABASE IF EXISTS gongjian_drill WITH (FORCE)'); c.execute('CREATE DATABASE gongjian_drill')"
	GONGJIAN_DATA_DIR=$(CURDIR)/var/drill DATABASE_URL=$(DRILL_URL) $(BIN)/gongjian migrate --noinput --verbosity 0
	GONGJIAN_DATA_DIR=$(CURDIR)/var/drill DATABASE_URL=$(DRILL_URL) $(BIN)/gongjian demo > /dev/null
	GONGJIAN_DATA_DIR=$(CURDIR)/var/drill DATABASE_URL=$(DRILL_URL) $(BIN)/gongjian backup --drill
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(subst /gongjian_drill,/postgres,$(DRILL_URL))', autocommit=True); c.execute('DROP DATABASE IF EXISTS gongjian_drill WITH (FORCE)')"

# The whole deployment on this machine (deploy/loopback: nginx with TLS, two app servers, a
# worker, pgbouncer, a PostgreSQL primary and streaming replica, Redis; 127.0.0.1 only), its
# checks (deploy/loopback/check.py), then everything stopped again. Needs root or the Debian
# packages nginx-light, pgbouncer, redis-server and postgresql installed; about 4 minutes.
test-deploy: install frontend
	@deploy/loopback/down.sh >/dev/null 2>&1 || true
	@if deploy/loopback/up.sh; then \
		$(BIN)/python deploy/loopback/check.py; rc=$$?; \
	else rc=1; fi; \
	KEEP_LOOPBACK_STATE=$${KEEP_LOOPBACK_STATE:-0} deploy/loopback/down.sh; exit $$rc

# The API fuzzer (schemathesis) against a live server over a small demo district, as a district
# administrator and as a member; fails on any 5xx or schema violation (CI runs it).
FUZZ_URL ?= postgres://postgres@127.0.0.1:5432/gongjian_fuzz
fuzz: install frontend
	BIN=$(BIN) FUZZ_URL=$(FUZZ_URL) .ci/fuzz

# Django's deployment checks with production settings (HTTPS, a real secret key).
check-deploy: install
	GONGJIAN_DATA_DIR=$(CURDIR)/var/deploy-check GONGJIAN_HTTPS=1 GONGJIAN_ALLOWED_HOSTS=dj.example.gov.cn \
	GONGJIAN_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	$(BIN)/gongjian check --deploy --fail-level WARNING

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy gongjian

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for script in bench/*/run.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-demo:
	rm -f "$${GONGJIAN_DATA_DIR:-$$HOME/.local/share/gongjian}/gongjian.sqlite3"
