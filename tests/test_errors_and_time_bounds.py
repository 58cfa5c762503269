"""Nothing silent: an unhandled error is logged with its traceback, path and request id,
the 500 page shows that id, and Sentry (when configured) gets it too. A page that takes
too long is stopped by the database and answered with a 503 page."""

import io
import logging
import re

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_home(monkeypatch):
    def explode(self, *args, **kwargs):
        raise RuntimeError("the home page broke")

    monkeypatch.setattr("processes.views.HomeView.get", explode)


@pytest.fixture
def error_log():
    """What the site's own handler writes to standard error."""
    (handler,) = [
        h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_an_unhandled_error_is_logged_with_traceback_path_and_the_id_the_page_shows(
    broken_home, error_log
):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert request_id in response.content.decode()  # the reference a reader can quote
    logged = error_log.getvalue()
    assert f"[request {request_id}] Internal Server Error: /" in logged
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the home page broke" in logged


def test_a_proxy_request_id_is_kept_and_a_hostile_one_replaced():
    kept = Client().get("/", HTTP_X_REQUEST_ID="edge-1234abcd")
    assert kept["X-Request-ID"] == "edge-1234abcd"
    replaced = Client().get("/", HTTP_X_REQUEST_ID="<script>\r\nSet-Cookie: x=1")
    assert re.fullmatch(r"[0-9a-f]{16}", replaced["X-Request-ID"])


def test_sentry_gets_the_error_with_the_request_id_and_sends_nothing_by_default(
    broken_home, settings
):
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from sentry_sdk.transport import Transport

    from migration_governance.error_reporting import init_sentry

    assert settings.SENTRY_DSN == ""  # nothing configured: nothing reported
    assert not sentry_sdk.get_client().is_active()

    captured = []

    class Keep(Transport):
        def capture_envelope(self, envelope):
            captured.extend(item.payload.json for item in envelope.items if item.type == "event")

    settings.SENTRY_DSN = "https://public@sentry.invalid/1"
    init_sentry(settings.SENTRY_DSN, transport=Keep)
    try:
        response = Client(raise_request_exception=False).get("/")
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: back to a client that reports nothing
    assert response.status_code == 500
    (event,) = captured
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert "RuntimeError" in str(event["exception"])


SLOW = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 100000000) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(5)",
}


@pytest.fixture
def slow_home(monkeypatch):
    """The home page with a query that runs for seconds, as /timeline/ did at scale."""

    def slow(self, *args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(SLOW[connection.vendor])
        raise AssertionError("the page's time limit should have stopped the query")

    monkeypatch.setattr("processes.views.HomeView.get", slow)


# Outside a test transaction, as on the server: on PostgreSQL the cancelled statement would
# otherwise abort the transaction every request of the test shares.
@pytest.mark.django_db(transaction=True)
def test_a_page_past_its_time_limit_is_stopped_with_a_503(slow_home, settings, error_log):
    settings.PAGE_TIME_LIMIT_SECONDS = 0.3
    # The bound is proved by the slow query being cancelled (the view raises if it is not),
    # not by a stopwatch: a busy machine must not fail this test.
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "This page took too long" in response.content.decode()
    assert response["X-Request-ID"] in response.content.decode()
    assert response["Retry-After"]
    # The connection serves the next page at once, with the bound back in force.
    settings.PAGE_TIME_LIMIT_SECONDS = 10
    assert Client().get("/processes/").status_code == 200
    assert Client().get("/states/").status_code == 200


def test_no_query_starts_once_the_page_time_is_spent(settings, monkeypatch):
    """Many quick queries add up: the page is cut off between them too."""
    import time

    from migration_governance.core.time_budget import PageTooSlow, page_time_limit

    with pytest.raises(PageTooSlow), page_time_limit(0.05):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        time.sleep(0.1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_an_export_is_bounded_by_the_rows_it_delivers(settings, catalogue):
    """An export is not under the page bound, but must keep delivering rows."""
    from migration_governance.core.time_budget import export_rows_bounded

    def slow_rows():
        with connection.cursor() as cursor:
            cursor.execute(SLOW[connection.vendor])
            yield from cursor.fetchall()

    if connection.vendor == "postgresql":
        from migration_governance.core.time_budget import time_limit

        # PostgreSQL's export is one COPY statement under a time_limit sized to the table.
        bounded = time_limit(200)
    else:
        bounded = None
    from django.db import OperationalError

    with pytest.raises(OperationalError):
        if bounded is not None:
            with bounded:
                list(slow_rows())
        else:
            list(export_rows_bounded(slow_rows(), 0.2, 1000))
    response = Client().get("/processes/export.csv")
    assert response.status_code == 200


EXPORTS = [
    "/processes/export.csv",
    "/fr/participations/export.csv?process=budapest-process",
    "/matrix/long.csv",
    "/data/",
    "/fr/data/",
    "/es/data/datapackage.json",
    "/api/processes/?format=ndjson",
]
PAGES = ["/", "/processes/", "/fr/processes/", "/processes/?format=ndjson", "/api/processes/"]


@pytest.mark.parametrize("path", EXPORTS)
def test_every_export_in_every_language_is_bounded_as_an_export(client, catalogue, settings, path):
    """Exports (CSV, the data package, NDJSON) are bounded by the rows they deliver, not by
    a page's time, whatever the language prefix or the way the format is asked for: with
    no page time at all, an export still answers in full while a page is a 503."""
    settings.PAGE_TIME_LIMIT_SECONDS = 1e-9
    response = client.get(path)
    assert response.status_code == 200, path
    b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_bounded_as_a_page_whatever_format_it_names(settings, catalogue, path):
    settings.PAGE_TIME_LIMIT_SECONDS = 1e-9
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503, path


def test_an_api_list_asked_for_as_ndjson_by_its_accept_header_is_an_export(
    client, catalogue, settings
):
    settings.PAGE_TIME_LIMIT_SECONDS = 1e-9
    response = client.get("/api/states/", HTTP_ACCEPT="application/x-ndjson")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).count(b"\n") > 200
