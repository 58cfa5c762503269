"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the public
pages, and a curator can log in to the admin and use its forms (their scripts included)."""

import pytest

from tests.browser.site_server import catalogue_site

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/processes/?region=Asia",
    "/processes/budapest-process/",
    "/states/hun/",
    "/timeline/",
    "/matrix/?category=rcp",
    "/matrix/overlap/?process=manila-process&process=apc",
    # Swagger UI from the sidecar's files, its start-up script from a URL of its own.
    "/api/docs/",
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
    """A server of its own for the admin test, with a curator in its scratch database."""
    with catalogue_site(curator=(USERNAME, PASSWORD)) as url:
        yield url


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
