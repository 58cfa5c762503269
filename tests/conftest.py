"""Shared pytest fixtures.

The shipped catalogue is loaded once into the test database for the whole session, so
every test sees real data; each test runs in a transaction that is rolled back.
Factories make extra rows with codes and slugs the catalogue does not use.
"""

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings
from pytest_django.plugin import blocking_manager_key

from processes.catalogue import load_catalogue

# Property tests draw the same examples on every run and every machine: a failure seen in
# CI is the failure a developer sees (a test's own settings may ask for more examples).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.load_profile("repeatable")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_catalogue()


def _reads_the_catalogue(item):
    fixtures = set(getattr(item, "fixturenames", ()))
    if "catalogue" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in fixtures
    )
    return not transactional and (marker is not None or "db" in fixtures)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table: put the shared catalogue back
    before the next test that reads it on this worker (in any order): one in a transaction,
    or one asking for the ``catalogue``. (pytest-django runs transactional tests last, and
    those that need no catalogue do not wait for one to be loaded again.)"""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    if nextitem is None or not _reads_the_catalogue(nextitem):
        return
    from processes.models import Process

    with item.config.stash[blocking_manager_key].unblock():
        if not Process.objects.exists():
            load_catalogue()


@pytest.fixture
def catalogue(db):
    """The shipped catalogue (already loaded for the session)."""
    from processes.models import Process

    assert Process.objects.exists(), "the catalogue should be loaded for the session"


@pytest.fixture(autouse=True)
def fresh_figures_cache():
    """Each test starts with no cached counts: a rolled-back test's catalogue version
    number comes round again in the next test, with other data behind it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_to_start_with():
    """Each test starts in English: a request under /fr/ or /es/ leaves its language active
    in the thread (LocaleMiddleware does not reset it), and a later test's reverse() would
    then give French addresses and French pages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def data_package_dir(settings, tmp_path):
    """The data package a test's requests build is written under the test's own folder."""
    settings.DATA_PACKAGE_DIR = str(tmp_path / "data-package")
