# Everything a fresh machine with Python 3.11+ needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate load check lint format clean screenshots

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

# The whole suite; DATABASE_URL=postgres://… runs it on PostgreSQL.
test: install
	DJANGO_ALLOW_INSECURE_KEY=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

check: load
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py check_catalogue

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# Screenshots of the main pages (desktop and phone) into screenshots/, which git ignores.
screenshots: install
	DJANGO_ALLOW_INSECURE_KEY=1 $(BIN)/python -m tests.browser.screenshots screenshots
