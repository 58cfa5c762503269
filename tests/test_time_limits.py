"""Time budgets that cannot leak: a cut-short query is always an OperationalError the caller
catches, and the connection is left exactly as it was (no statement timeout of 1 ms
serving the next request on a kept connection)."""

import threading

import pytest
from django.db import OperationalError, connection, connections

from migration_governance.core.time_budget import time_limit

pytestmark = pytest.mark.django_db(transaction=True)


def statement_timeout(conn):
    with conn.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def session_default(conn):
    """The value a new session starts with (what RESET gives): not this connection's
    current one, which a page's own time bound may have set earlier in the test run."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout'")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_concurrent_tiny_budgets_never_escape_nor_stay_set():
    """Eight threads loop over 1 ms budgets around a real query, as facet counts do under
    load; before, about one try in 750 raised QueryCanceled past the callers' except and
    left the session at 1 ms."""
    default = session_default(connection)
    before = statement_timeout(connection)
    escapes, leaks, tries = [], [], 500

    def worker():
        conn = connections["default"]  # this thread's own connection
        try:
            for _ in range(tries):
                try:
                    with time_limit(1), conn.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM processes_participation")
                except OperationalError:
                    pass  # what callers expect: the budget ran out
                except Exception as exc:  # anything else escapes the callers' except
                    escapes.append(repr(exc))
                try:
                    setting = statement_timeout(conn)
                except Exception as exc:  # a cancellation that outlived its block
                    escapes.append(f"after the block: {exc!r}")
                    continue
                if setting != default:
                    leaks.append(setting)
        finally:
            conn.close()

    done = threading.Event()

    def load():
        # Busy backends beside the workers, so that theirs are descheduled mid-statement
        # as on a loaded server (where the escapes were seen).
        conn = connections["default"]
        try:
            with conn.cursor() as cursor:
                while not done.is_set():
                    cursor.execute("SELECT count(*) FROM generate_series(1, 300000)")
        except Exception as exc:  # no budget is set here: nothing may cut this short
            escapes.append(f"unbudgeted connection: {exc!r}")
        finally:
            conn.close()

    loaders = [threading.Thread(target=load) for _ in range(3)]
    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in loaders + threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    for thread in loaders:
        thread.join()
    assert escapes == []
    assert leaks == []
    assert statement_timeout(connection) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_budget_inside_a_transaction_keeps_it_usable_and_restores_the_setting():
    from django.db import transaction

    default = statement_timeout(connection)
    with transaction.atomic():
        with pytest.raises(OperationalError), time_limit(20), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        assert statement_timeout(connection) == default
        with time_limit(5000), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert statement_timeout(connection) == default
    assert statement_timeout(connection) == default


def test_nested_budgets_on_any_database_leave_the_connection_usable():
    with time_limit(10_000):
        with pytest.raises(OperationalError), time_limit(20), connection.cursor() as cursor:
            cursor.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n"
            )
        # The outer budget is still the one in force: an ordinary query runs.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_search_cut_short_is_an_operational_error_not_the_drivers_own():
    """The search's pre-look reads ids on the driver's own cursor: cancelled by a budget
    (here while another session holds the index's table locked), it must raise Django's
    OperationalError, which facets and counts catch, never psycopg's QueryCanceled (a
    500 under load before)."""
    from processes import search
    from processes.models import SearchEntry

    other = connections.create_connection("default")
    other.ensure_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {SearchEntry._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(OperationalError), time_limit(100):
            list(search.matching("process", "migration"))
    finally:
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")
        other.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_a_kept_connection_to_a_restarted_server_costs_a_reconnect_not_a_500():
    """A server restart ends every kept session. The next request's first statement is
    the page's time bound, sent on the driver's connection: it must be health-checked
    first, as Django checks a kept connection before a request's first query."""
    import psycopg
    from django.db import close_old_connections
    from django.test import Client

    client = Client(raise_request_exception=False)
    assert client.get("/processes/export.csv").status_code == 200
    connection.close_at = None  # kept between requests, as with DJANGO_CONN_MAX_AGE
    backend = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    close_old_connections()  # what the server does as each request starts
    assert client.get("/processes/").status_code == 200
    assert connection.connection.info.backend_pid != backend
