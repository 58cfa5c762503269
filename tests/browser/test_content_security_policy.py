"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the public
pages, and a curator can log in to the admin and use its forms (their scripts included)."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from tests.browser.site_server import PROJECT, _free_port

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/processes/?region=Asia",
    "/processes/budapest-process/",
    "/states/hun/",
    "/timeline/",
    "/matrix/?category=rcp",
    "/matrix/overlap/?process=manila-process&process=apc",
    # Not an unknown address: this server runs with DEBUG on, whose technical 404 page has
    # inline styles. The production 404 is templates/404.html, which has none.
]
USERNAME = "csp-curator"
PASSWORD = "csp-curator-password-1234"


def watch_for_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return violations


@pytest.fixture(scope="module")
def admin_site(browser):
    """A server of its own for the admin test, with a superuser in its scratch database."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/admin.sqlite3",
            "DJANGO_DEBUG": "1",
        }
        manage = [sys.executable, str(PROJECT / "manage.py")]
        create = (
            "from django.contrib.auth.models import User; "
            f"User.objects.create_superuser({USERNAME!r}, 'csp@example.org', {PASSWORD!r})"
        )
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["load_catalogue", "-v0"],
            ["shell", "-v0", "-c", create],
        ):
            subprocess.run(manage + command, env=env, check=True, cwd=PROJECT)
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
            for _ in range(100):
                try:
                    urllib.request.urlopen(url + "/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_raise_no_policy_violation(page, site_url, path):
    violations = watch_for_violations(page)
    response = page.goto(site_url + path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_a_curator_works_in_the_admin_under_the_policy(page, admin_site):
    site_url = admin_site
    violations = watch_for_violations(page)
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site_url + "/admin/")

    page.goto(site_url + "/admin/processes/process/?q=budapest")
    page.click("#result_list tbody tr >> nth=0 >> a")
    page.wait_for_load_state("networkidle")
    # The admin's own scripts run: the autocomplete widgets are set up by select2.
    assert page.locator(".select2-container").count() > 0
    # The inline "Add another" link is added by inlines.js.
    assert page.locator(".add-row a").count() > 0

    description = page.locator("#id_description")
    description.fill(description.input_value() + " (checked under the CSP)")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messagelist .success").count() == 1

    page.goto(site_url + "/admin/timeline/event/add/")
    page.wait_for_load_state("networkidle")
    # The date widgets' calendar links come from DateTimeShortcuts.js.
    assert page.locator(".datetimeshortcuts").count() > 0
    assert violations == []
