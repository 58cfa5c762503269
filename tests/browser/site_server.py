"""A real server for browser tests and screenshots: a fresh SQLite copy of the shipped
catalogue, served by Django on a free local port, in its own process."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

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


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def catalogue_site(curator=None, debug=True, own_sources=False):
    """Yield the base URL of a server holding the shipped catalogue; with ``curator`` (a
    username and password), that account exists too, in the Curators group. With
    ``debug=False`` it serves pages as production does (its own 404 page, not Django's
    debugging one), on the throwaway key. With ``own_sources`` its sources' folder is a
    copy of the seeds, so that a source a curator uploads is written there, not beside
    the checkout."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/site.sqlite3",
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
        manage = [sys.executable, str(PROJECT / "manage.py")]
        for command in (["migrate", "--noinput", "-v0"], ["load_catalogue", "-v0"]):
            subprocess.run(manage + command, env=env, check=True, cwd=PROJECT)
        if curator:
            username, password = curator
            subprocess.run(
                [*manage, "add_curator", username, "--no-input", "-v0"],
                env={**env, "DJANGO_CURATOR_PASSWORD": password},
                check=True,
                cwd=PROJECT,
                stdout=subprocess.DEVNULL,
            )
        port = _free_port()
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
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
