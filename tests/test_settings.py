"""Deploy-time values come from the environment, with safe defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'host': db.get('HOST', ''), 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}))"
)


def read_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(DJANGO_SETTINGS_MODULE="migration_governance.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT, env=clean, capture_output=True, text=True
    )
    return result


def probe(**env):
    result = read_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_database_url_runs_on_sqlite_in_the_project_folder():
    found = probe(DJANGO_SECRET_KEY="k")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert Path(found["name"]) == PROJECT / "db.sqlite3"


def test_postgres_url_selects_postgresql():
    found = probe(DJANGO_SECRET_KEY="k", DATABASE_URL="postgres://u@db.example:5433/catalogue")
    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"]) == ("catalogue", "db.example")


def test_debug_is_off_unless_asked_for():
    assert probe(DJANGO_SECRET_KEY="k")["debug"] is False
    assert probe(DJANGO_SECRET_KEY="k", DJANGO_DEBUG="yes")["debug"] is True
    assert probe(DJANGO_SECRET_KEY="k", DJANGO_DEBUG="0")["debug"] is False


def test_allowed_hosts_come_from_the_environment():
    found = probe(DJANGO_SECRET_KEY="k", DJANGO_ALLOWED_HOSTS="catalogue.example, www.example")
    assert found["hosts"] == ["catalogue.example", "www.example"]


def test_refuses_to_start_without_a_secret_key_in_production():
    result = read_settings()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_suite_runs_on_the_database_named_by_database_url():
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
