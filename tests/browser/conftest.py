"""Browser tests run real Chromium against a real server, apart from the test database."""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.site_server import CHROMIUM, catalogue_site, chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_url():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = "Debian's chromium package is not installed"
        if os.environ.get("TESTS_REQUIRE_TOOLS"):  # `make test` installs it: never skip
            pytest.fail(message)
        pytest.skip(message)
    with catalogue_site() as url:
        yield url


@pytest.fixture(scope="session")
def browser(site_url):
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()
