"""Fast CSV export: every column is a database expression, so the database does the work.

A list's export is its filtered queryset plus a list of ``Col`` (a stable column name and an
ORM expression). On PostgreSQL the whole query is streamed by ``COPY (…) TO STDOUT WITH
CSV`` through psycopg; elsewhere rows are fetched in large batches and written by the
``csv`` module. Either way no Python runs per cell: formula neutralisation, joined values,
partial dates and URLs are computed in SQL, and memory stays flat however many rows.
"""

import csv
import io
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import CharField, F, Func, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat

from migration_governance.core.time_budget import export_rows_bounded, time_limit

EXPORT_BATCH = 5000


class CsvText(Func):
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
    apostrophe, as OWASP recommends; a number such as "-5" is left alone. Empty becomes
    NULL so that both transports write an empty, unquoted cell."""

    output_field = TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return self._neutralised(compiler, _SQLITE_CASE)

    def as_postgresql(self, compiler, connection, **extra):
        return self._neutralised(compiler, _POSTGRESQL_CASE)

    def _neutralised(self, compiler, case):
        inner, params = compiler.compile(self.source_expressions[0])
        mentions = case.count("{v}")
        if not any(isinstance(e, Subquery) for e in self.source_expressions[0].flatten()):
            return case.format(v=inner), params * mentions
        # A subquery (a row's joined citations) is named once per mention in the CASE, and
        # the database ran it that many times per row: compute it once, in a derived table.
        return f"(SELECT {case.format(v='once.v')} FROM (SELECT {inner} AS v) AS once)", params


# The neutralising CASE over a text {v}, for each database.
_SQLITE_CASE = (
    "CASE WHEN {v} = '' THEN NULL "
    "WHEN substr({v}, 1, 1) IN ('=', '+', '@', char(9), char(13)) "
    "OR (substr({v}, 1, 1) = '-' AND NOT ({v} GLOB '-[0-9]*' "
    "AND {v} NOT GLOB '-*[^0-9.]*')) "
    "THEN '''' || {v} ELSE {v} END"
)
_POSTGRESQL_CASE = (
    "CASE WHEN {v} = '' THEN NULL "
    "WHEN left({v}, 1) IN ('=', '+', '@', chr(9), chr(13)) "
    "OR (left({v}, 1) = '-' AND {v} !~ '^-[0-9]+(\\.[0-9]+)?$') "
    "THEN '''' || {v} ELSE {v} END"
)


class PartialDate(Func):
    """A date written only as precisely as its source knows it: 2007, 2017-07, 2017-04-18."""

    output_field = CharField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (date, date_params), (precision, precision_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        sql = (
            f"CASE WHEN {precision} = 'year' THEN strftime('%%Y', {date}) "
            f"WHEN {precision} = 'month' THEN strftime('%%Y-%%m', {date}) "
            f"ELSE strftime('%%Y-%%m-%%d', {date}) END"
        )
        return sql, (precision_params + date_params) * 3

    def as_postgresql(self, compiler, connection, **extra):
        (date, date_params), (precision, precision_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        sql = (
            f"CASE WHEN {precision} = 'year' THEN to_char({date}, 'YYYY') "
            f"WHEN {precision} = 'month' THEN to_char({date}, 'YYYY-MM') "
            f"ELSE to_char({date}, 'YYYY-MM-DD') END"
        )
        return sql, (precision_params + date_params) * 3


class DateDisplay(Func):
    """An event's dates as precisely as known: "2007", or "2017-04-18 – 2017-04-19"."""

    output_field = CharField()
    arity = 4

    def as_sql(self, compiler, connection, **extra):
        start, start_precision, end, end_precision = self.source_expressions
        first, first_params = compiler.compile(PartialDate(start, start_precision))
        last, last_params = compiler.compile(PartialDate(end, end_precision))
        end_sql, end_params = compiler.compile(end)
        sql = (
            f"CASE WHEN {end_sql} IS NULL OR {last} = {first} THEN {first} "
            f"ELSE {first} || ' – ' || {last} END"
        )
        params = end_params + last_params + first_params + first_params + first_params
        return sql, params + last_params


class JsonListJoined(Func):
    """The strings of a JSON list column joined by "; "."""

    output_field = TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT group_concat(value, '; ') FROM json_each({inner}))", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT string_agg(value, '; ') FROM jsonb_array_elements_text({inner}))", params


class Joined(Func):
    """Several related values in one cell, joined by "; " in the order given."""

    output_field = TextField()

    def __init__(self, queryset, **extra):
        super().__init__(Subquery(queryset), **extra)

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT group_concat(v, '; ') FROM {inner})", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT string_agg(v, '; ') FROM {inner} AS joined)", params


def joined(queryset, value, *order):
    """``Joined`` over a queryset already filtered on ``OuterRef``: one text per row."""
    return Joined(queryset.order_by(*order).values(v=Cast(value, TextField())))


def url(prefix, expression):
    """A detail page's path; the site's address is put in front of it while writing."""
    return Concat(Value(prefix), expression, Value("/"), output_field=TextField())


@dataclass
class Col:
    """One CSV column: its stable name and the expression that computes it."""

    name: str
    expression: object
    is_url: bool = False


def text(field):
    return CsvText(F(field))


def annotated(queryset, columns, site):
    """The queryset reduced to exactly the export's columns, URLs made absolute."""
    if queryset.query.distinct and not queryset.query.distinct_fields:
        # SELECT DISTINCT must select its ORDER BY columns too, and PostgreSQL's COPY would
        # write them as extra cells: match each record once through its key instead.
        queryset = queryset.model._base_manager.filter(
            pk__in=queryset.order_by().values("pk")
        ).order_by(*queryset.query.order_by)
    expressions = {}
    for n, column in enumerate(columns):
        expression = column.expression
        if column.is_url:
            expression = Concat(Value(site), expression, output_field=TextField())
        expressions[f"c{n}"] = expression
    return queryset.annotate(**expressions).values_list(*expressions)


def stream_rows(queryset, columns, site, using="default"):
    """Yield the CSV (header first) in chunks of text, by the fastest route available."""
    rows = annotated(queryset, columns, site)
    header = io.StringIO()
    csv.writer(header).writerow([c.name for c in columns])
    yield header.getvalue()
    connection = connections[using]
    if connection.vendor == "postgresql":
        yield from _copy_rows(rows, connection)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    batch = []
    bounded = export_rows_bounded(
        rows.iterator(chunk_size=EXPORT_BATCH),
        settings.EXPORT_TIME_LIMIT_SECONDS,
        settings.EXPORT_MIN_ROWS_PER_SECOND,
        using=using,
    )
    for row in bounded:
        batch.append(row)
        if len(batch) == EXPORT_BATCH:
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            batch.clear()
    writer.writerows(batch)
    yield buffer.getvalue()


def _copy_rows(rows, connection):
    """PostgreSQL writes the CSV itself: COPY (the export's query) TO STDOUT."""
    import psycopg
    from django.core.exceptions import EmptyResultSet

    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing (``id IN ()``)
        return
    connection.ensure_connection()
    raw = connection.connection
    statement = f"COPY ({psycopg.ClientCursor(raw).mogrify(sql, params)}) TO STDOUT WITH CSV"
    started = time.monotonic()
    # One statement does the whole export: its bound is the base time plus a second per
    # EXPORT_MIN_ROWS_PER_SECOND rows of the table listed (the planner's row estimate).
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [rows.model._meta.db_table],
        )
        (estimate,) = cursor.fetchone() or (0,)
    budget_ms = 1000 * (
        settings.EXPORT_TIME_LIMIT_SECONDS + estimate / settings.EXPORT_MIN_ROWS_PER_SECOND
    )
    with time_limit(budget_ms), raw.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in copy:
            yield bytes(chunk).decode("utf-8")
    if connection.queries_logged:
        # Django's cursor wrapper has no copy(); log the statement as it would, so that
        # query counts and the debug toolbar see it like any other query.
        connection.queries_log.append(
            {"sql": statement, "time": f"{time.monotonic() - started:.3f}"}
        )
