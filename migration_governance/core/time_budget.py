"""Time bounds the database enforces: a block's budget, a page's, an export's.

- ``time_limit(ms)`` cuts the queries inside a block short (facet counts, a list's count).
  On PostgreSQL it is ``SET LOCAL statement_timeout`` inside a transaction (or a savepoint
  in one), always rolled back at the end: the database itself restores the setting, so no
  cancelled ``SET`` can leave a kept connection at 1 ms. A block under a budget is for
  reading: anything it wrote is undone.
- ``page_time_limit(seconds)`` bounds a whole request (the middleware in
  migration_governance/middleware.py): each statement on PostgreSQL (the session's
  statement_timeout), the whole request on SQLite (its progress handler), and no query
  starts once the page's time is spent. The middleware answers 503 (templates/503.html).
- ``export_time_limit`` bounds an export by the rows it delivers instead.

A cut-short query is always Django's ``OperationalError`` (``is_timeout`` tells it from other
errors), never the driver's own exception.
"""

import contextvars
import time
from contextlib import contextmanager

from django.db import OperationalError, connections

# The progress handler runs every this many SQLite virtual-machine steps.
_SQLITE_STEPS = 10_000


# Set while figures are worked out ahead of time (core/figures.py): no block budget.
_lifted = contextvars.ContextVar("time_budgets_lifted", default=False)


def budgets_lifted():
    """Whether block budgets are lifted here: figures are being computed ahead of time, by
    a background refresher, where exactness matters and nobody waits."""
    return _lifted.get()


@contextmanager
def lifted_budgets():
    """Run ``time_limit`` blocks inside without their budget (the page bound is the
    middleware's and is not set outside a request)."""
    token = _lifted.set(True)
    try:
        yield
    finally:
        _lifted.reset(token)


class PageTooSlow(OperationalError):
    """The page's time is spent: no further query is started."""


def is_timeout(exc):
    """Whether ``exc`` is a query cut short by one of these budgets."""
    if isinstance(exc, PageTooSlow):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if type(cause).__name__ == "QueryCanceled":  # psycopg's, without importing it here
        return True
    return "interrupted" in str(exc) or "statement timeout" in str(exc)


class _Deadline:
    """A moment after which the queries of one block (a page, an export…) are cut short."""

    def __init__(self, at):
        self.at = at


def _deadlines(connection):
    """The deadlines in force on this thread's connection (a page's, a block's…)."""
    return connection.__dict__.setdefault("time_budget_deadlines", [])


def _install_progress_handler(connection):
    raw = connection.connection
    if connection.__dict__.get("time_budget_handler_on") is raw:
        return
    deadlines = _deadlines(connection)

    def handler():
        return int(bool(deadlines) and time.monotonic() > min(d.at for d in deadlines))

    raw.set_progress_handler(handler, _SQLITE_STEPS)
    connection.time_budget_handler_on = raw


def connection_created(sender, connection, **kwargs):
    """Every new connection gets the bounds its thread has set (connected to Django's
    ``connection_created`` signal in processes/apps.py)."""
    if connection.vendor == "sqlite":
        _install_progress_handler(connection)
    elif connection.vendor == "postgresql":
        _apply_session_timeout(connection)


@contextmanager
def _sqlite_deadline(connection, at):
    connection.ensure_connection()
    _install_progress_handler(connection)
    deadline = _Deadline(at)
    deadlines = _deadlines(connection)
    deadlines.append(deadline)
    try:
        yield deadline
    finally:
        deadlines.remove(deadline)


def _take_late_cancellation(raw):
    """A statement timeout that fired just as the block's last statement ended is delivered
    to the connection's next statement: take it on a statement of our own, outside any
    transaction, so that it never cancels the caller's next query."""
    for _ in range(3):
        try:
            raw.execute("SELECT 1")
            return
        except Exception as exc:
            if type(exc).__name__ != "QueryCanceled":
                raise


def _end_postgresql_block(connection, raw, nested):
    """Roll the block back (restoring statement_timeout); a rollback that is itself cut
    short is retried, and a connection that still cannot be restored is closed rather
    than left to serve a request with a 1 ms budget."""
    statements = (
        ["ROLLBACK TO SAVEPOINT time_limit", "RELEASE SAVEPOINT time_limit"]
        if nested
        else ["ROLLBACK"]
    )
    for _ in range(5):
        try:
            for statement in statements:
                raw.execute(statement)
            if not nested:
                _take_late_cancellation(raw)
            return
        except Exception as exc:
            if type(exc).__name__ != "QueryCanceled":
                break
    if nested:
        # The enclosing atomic block rolls back, and the setting with it.
        connection.needs_rollback = True
    else:
        connection.close()


@contextmanager
def time_limit(milliseconds, using="default"):
    """Abort the queries run inside after ``milliseconds`` (raising OperationalError).

    Set on the driver's own connection so the query log, and the query counts pinned by
    the tests, are the same on both databases."""
    connection = connections[using]
    # A kept connection is health-checked before its first use in a request; the raw
    # statements below would otherwise meet a restarted server's dead socket first.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if budgets_lifted():
        yield
        return
    if connection.vendor == "sqlite":
        with _sqlite_deadline(connection, time.monotonic() + milliseconds / 1000):
            yield
        return
    if connection.vendor != "postgresql":
        yield
        return
    from psycopg.pq import TransactionStatus

    raw = connection.connection
    # In a transaction already (or about to be: psycopg begins one implicitly outside
    # autocommit), a savepoint; otherwise a transaction of its own.
    nested = not raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE
    with connection.wrap_database_errors:
        raw.execute("SAVEPOINT time_limit" if nested else "BEGIN")
    try:
        # The SET may itself be cut short by an earlier budget: an OperationalError too.
        with connection.wrap_database_errors:
            raw.execute(f"SET LOCAL statement_timeout = {max(1, int(milliseconds))}")
        yield
    finally:
        _end_postgresql_block(connection, raw, nested)


def _apply_session_timeout(connection):
    """The page's per-statement bound on a PostgreSQL connection, set once per connection
    and per value (a kept connection keeps it)."""
    wanted = connection.__dict__.get("time_budget_statement_ms")
    # As Django does before a request's first query (CONN_HEALTH_CHECKS): a kept
    # connection to a restarted server is closed here, and its successor gets the
    # setting when it is created, instead of this SET failing on the dead socket.
    connection.close_if_health_check_failed()
    raw = connection.connection
    if wanted is None or raw is None or getattr(raw, "time_budget_statement_ms", None) == wanted:
        return
    with connection.wrap_database_errors:
        raw.execute(f"SET statement_timeout = {int(wanted)}")
    raw.time_budget_statement_ms = wanted


def statement_time_limit(seconds, using="default"):
    """On PostgreSQL, bound each statement of this thread's connection to ``seconds``
    (the session's statement_timeout, kept while an export streams)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        connection.time_budget_statement_ms = int(seconds * 1000)
        _apply_session_timeout(connection)  # a kept connection; a new one on creation


@contextmanager
def page_time_limit(seconds, using="default"):
    """Bound everything the database does for one page to about ``seconds``."""
    connection = connections[using]
    deadline = time.monotonic() + seconds

    def refuse_late_queries(execute, sql, params, many, context):
        if time.monotonic() > deadline:
            raise PageTooSlow("the page's time limit is spent")
        return execute(sql, params, many, context)

    if connection.vendor == "postgresql":
        statement_time_limit(seconds, using)
        with connection.execute_wrapper(refuse_late_queries):
            yield
    elif connection.vendor == "sqlite":
        deadlines = _deadlines(connection)
        bound = _Deadline(deadline)
        deadlines.append(bound)
        if connection.connection is not None:  # a kept connection; a new one on creation
            _install_progress_handler(connection)
        try:
            with connection.execute_wrapper(refuse_late_queries):
                yield
        finally:
            deadlines.remove(bound)
    else:
        yield


def export_rows_bounded(rows, base_seconds, rows_per_second, using="default"):
    """Yield from ``rows`` while the database keeps delivering: ``base_seconds`` to start,
    then ``1 / rows_per_second`` more for each row delivered (SQLite; on PostgreSQL the
    COPY's statement timeout is set from the table's size, see export.py)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield from rows
        return
    started = time.monotonic()
    with _sqlite_deadline(connection, started + base_seconds) as deadline:
        for delivered, row in enumerate(rows, start=1):
            deadline.at = started + base_seconds + delivered / rows_per_second
            yield row
