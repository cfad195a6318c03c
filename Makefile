# Handover: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: assets run test lint types workflows-check migrations-check pytest pytest-postgres bench fuzz clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) assets
	$(BIN)/handover db upgrade
	@# Loads the demo into an empty database; prints the tokens of the database it serves.
	@$(BIN)/handover demo --if-empty
	$(BIN)/handover serve --host $(HOST) --port $(PORT)

# The SQLite and PostgreSQL runs are independent processes: with TEST_DATABASE_URL set they
# run side by side (one per core), each printing its output as a block when it finishes
# (pytest's numbered temporary folders are safe for concurrent sessions).
test: $(STAMP) assets lint types workflows-check migrations-check
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-postgres

# The web frontend's packages and compiled CSS (app/web/built/, git-ignored); without
# node/npm it says so in one line and the pages are served unstyled.
WEB_SOURCES := package.json $(wildcard app/web/scss/*.scss app/web/static/*)
assets: app/web/built/.stamp
app/web/built/.stamp: $(WEB_SOURCES) app/web/build-assets.sh
	@bash app/web/build-assets.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

workflows-check: $(STAMP)
	$(BIN)/handover workflows check

# alembic check and a downgrade/upgrade round trip on a scratch SQLite file
migrations-check: $(STAMP)
	@rm -f .migcheck.db*
	HANDOVER_DATABASE_URL=sqlite:///./.migcheck.db $(BIN)/alembic upgrade head
	HANDOVER_DATABASE_URL=sqlite:///./.migcheck.db $(BIN)/alembic check
	HANDOVER_DATABASE_URL=sqlite:///./.migcheck.db $(BIN)/alembic downgrade base
	HANDOVER_DATABASE_URL=sqlite:///./.migcheck.db $(BIN)/alembic upgrade head
	@rm -f .migcheck.db*

pytest: $(STAMP)
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider

# PostgreSQL too, whenever TEST_DATABASE_URL names a server (CI sets it)
pytest-postgres: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== pytest on PostgreSQL"; $(BIN)/pytest -q -p no:cacheprovider; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

# A longer randomised schemathesis session, by hand (the short one runs in `make test`).
fuzz: $(STAMP)
	HANDOVER_FUZZ_EXAMPLES=$${HANDOVER_FUZZ_EXAMPLES:-200} HANDOVER_FUZZ_SECONDS=$${HANDOVER_FUZZ_SECONDS:-900} \
	HANDOVER_FUZZ_SEED=$${HANDOVER_FUZZ_SEED:-$$RANDOM} \
	$(BIN)/pytest -q -p no:cacheprovider tests/test_schemathesis.py

# `make bench BENCHES=server` runs only the HTTP bench; PROFILE=1 adds a py-spy profile.
# The HTTP bench drives the servers with wrk (Debian package wrk), installed here when missing.
BENCHES ?=
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && echo "installing wrk (Debian package)" \
	  && apt-get install -y -q wrk >/dev/null; } || echo "wrk is missing: please install it" \
	  "(sudo apt-get install wrk); the bench falls back to a slower Python load generator"
	BENCH_PROFILE=$(PROFILE) $(BIN)/python -m bench $(BENCHES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
