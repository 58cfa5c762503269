# Everything a fresh machine with Python 3.11+ needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
# Test workers (pytest-xdist): one per core; PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: run test install migrate load check lint format clean screenshots
.PHONY: serve loadtest restore-drill bench messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput

load: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_catalogue

# The development server, on the embedded SQLite file unless DATABASE_URL says otherwise.
run: load
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production way on $(HOST):$(PORT): gunicorn with threaded workers, static files with
# hashed names through WhiteNoise, DEBUG off. Needs DJANGO_SECRET_KEY (environment or .env,
# see .env.example); migrates, and loads the catalogue only into an empty database.
serve: install
	migration_governance/serve.sh $(HOST) $(PORT)

# 50 users for 60 s against `make serve` on a scratch copy of the catalogue (bench/).
loadtest: install
	@[ -x $(BIN)/locust ] || $(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	bash bench/loadtest.sh

# Pages, exports, native dumps and Datasette at scales 1 and 1000 on SQLite and PostgreSQL
# (bench/run_bench.py; BENCH_ARGS="--databases sqlite --scales 1" for a quick run).
bench: install
	@[ -x $(BIN)/datasette ] || $(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

# Back up and restore a scratch catalogue (SQLite, and PostgreSQL when reachable), compare.
restore-drill: install
	bash bench/restore_drill.sh

# The whole suite, skipping nothing CI runs: it first installs what the browser and HTML
# checker tests drive (.ci/test-tools: Debian's chromium and Java, vnu.jar from npm).
# DATABASE_URL=postgres://… runs it on PostgreSQL.
test: install
	bash .ci/test-tools
	DJANGO_ALLOW_INSECURE_KEY=1 TESTS_REQUIRE_TOOLS=1 \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The French and Spanish interface catalogues: add new messages to the .po files (Django's
# makemessages, which needs GNU gettext: apt-get install gettext), then compile the .mo files
# with polib. Translate the new entries in the .po files, run it again, commit both.
messages: install
	DJANGO_ALLOW_INSECURE_KEY=1 $(BIN)/python manage.py makemessages -l fr -l es --no-location \
		--no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	DJANGO_ALLOW_INSECURE_KEY=1 $(BIN)/python manage.py compile_translations

check: load
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py check_catalogue

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache

# Screenshots of the main pages (desktop and phone) into screenshots/, which git ignores.
screenshots: install
	DJANGO_ALLOW_INSECURE_KEY=1 $(BIN)/python -m tests.browser.screenshots screenshots
