"""A real server for browser tests and screenshots: a fresh copy of the shipped catalogue,
on the database the suite runs on (SQLite, or PostgreSQL when DATABASE_URL names it),
served by Django on a free local port, in its own process."""

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


MANAGE = [sys.executable, str(PROJECT / "manage.py")]
# Per process: the migrated, loaded catalogue every site starts as a copy of (a SQLite file,
# or a PostgreSQL database used as a template), built on the first site asked for.
_TEMPLATE = {}


def _run(command, env):
    subprocess.run(MANAGE + command, env=env, check=True, cwd=PROJECT, stdout=subprocess.DEVNULL)


def _load_catalogue_into(database_url, env):
    for command in (["migrate", "--noinput", "-v0"], ["load_catalogue", "-v0"]):
        _run(command, {**env, "DATABASE_URL": database_url})


def _postgres(url, database):
    """``url`` with its database replaced by ``database``."""
    return urlsplit(url)._replace(path=f"/{database}").geturl()


def _admin_sql(url, *statements):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def _site_database(folder, env):
    """The URL of a fresh database holding the shipped catalogue, dropped afterwards."""
    under_test = os.environ.get("DATABASE_URL", "")
    if under_test.startswith(("postgres://", "postgresql://")):
        template = _TEMPLATE.get("postgres")
        if template is None:
            template = f"browser_template_{os.getpid()}"
            _admin_sql(
                under_test,
                f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                f'CREATE DATABASE "{template}"',
            )
            atexit.register(
                _admin_sql, under_test, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'
            )
            _load_catalogue_into(_postgres(under_test, template), env)
            _TEMPLATE["postgres"] = template
        name = f"browser_site_{uuid.uuid4().hex[:12]}"
        _admin_sql(under_test, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _postgres(under_test, name)
        finally:
            _admin_sql(under_test, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    template = _TEMPLATE.get("sqlite")
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="browser-template-")) / "site.sqlite3"
        atexit.register(shutil.rmtree, template.parent, ignore_errors=True)
        _load_catalogue_into(f"sqlite:///{template}", env)
        _TEMPLATE["sqlite"] = template
    site = Path(folder) / "site.sqlite3"
    shutil.copyfile(template, site)
    yield f"sqlite:///{site}"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def catalogue_site(curator=None, debug=True, own_sources=False):
    """Yield the base URL of a server holding a fresh copy of the shipped catalogue, on the
    database the suite runs on; with ``curator`` (a username and password), that account
    exists too, in the Curators group. With ``debug=False`` it serves pages as production
    does (its own 404 page, not Django's debugging one), on the throwaway key. With
    ``own_sources`` its sources' folder is a copy of the seeds, so that a source a curator
    uploads is written there, not beside the checkout."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1" if debug else "",
            "DJANGO_ALLOW_INSECURE_KEY": "1",
        }
        if own_sources:
            seeds = PROJECT.parent / "shared" / "seeds"
            sources = Path(folder) / "sources"
            sources.mkdir()
            for path in seeds.glob("*.txt") if seeds.is_dir() else ():
                (sources / path.name).write_bytes(path.read_bytes())
            env["CATALOGUE_SOURCES_DIR"] = str(sources)
        with _site_database(folder, env) as database_url:
            env["DATABASE_URL"] = database_url
            if curator:
                username, password = curator
                _run(
                    ["add_curator", username, "--no-input", "-v0"],
                    {**env, "DJANGO_CURATOR_PASSWORD": password},
                )
            with _serving(env) as url:
                yield url


@contextmanager
def _serving(env):
    """Django's server on a free port over ``env``'s database, until the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [*MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Up to 30 seconds: a busy machine running the suite starts Django slowly.
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the test server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright; never a browser Playwright downloads."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
