"""Fast CSV export: every column is a database expression, so the database does the work.

A list's export is its filtered queryset plus a list of ``Col`` (a stable column name and an
ORM expression). On PostgreSQL the whole query is streamed by ``COPY (…) TO STDOUT WITH
CSV`` through psycopg; elsewhere rows are fetched in large batches and written by the
``csv`` module. Either way no Python runs per cell: formula neutralisation, joined values,
partial dates and URLs are computed in SQL, and memory stays flat however many rows.
"""

import csv
import datetime
import io
import itertools
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, models
from django.db.models import CharField, F, Func, Subquery, TextField, Value
from django.db.models.expressions import Col as ColumnRef
from django.db.models.functions import Cast, Concat
from django.http import StreamingHttpResponse

from migration_governance.core.formats import CSV, excel_flag, refused
from migration_governance.core.time_budget import export_rows_bounded, time_limit

EXPORT_BATCH = 5000


# --- the one formula rule (OWASP "CSV injection") --------------------------------------
# A cell starting with one of these runs as a formula in a spreadsheet, so it is written
# with a leading apostrophe; a negative number ("-5", "-1.25") is left alone. Python's
# ``csv_safe`` (rows computed in Python) and the SQL of ``CsvText`` (rows the database
# computes) are both built from these two lines, and a test holds them to the same answer.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE_NUMBER = r"-[0-9]+(\.[0-9]+)?"
_NEGATIVE_NUMBER = re.compile(NEGATIVE_NUMBER)


def csv_safe(value):
    """Neutralise text a spreadsheet would execute; numbers and dates are left alone."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _sql_characters(char_function):
    """FORMULA_START as an SQL list, control characters by their code."""
    return ", ".join(
        f"'{c}'" if c.isprintable() else f"{char_function}({ord(c)})" for c in FORMULA_START
    )


# The neutralising CASE over a text {v}, for each database: a formula start, unless the
# whole text is a negative number (for SQLite's GLOB, spelt out: "-", digits, and at most
# one "." with digits after it).
_SQLITE_CASE = (
    "CASE WHEN {v} = '' THEN NULL "
    f"WHEN substr({{v}}, 1, 1) IN ({_sql_characters('char')}) "
    "AND NOT ({v} GLOB '-[0-9]*' AND {v} NOT GLOB '-*[^0-9.]*' "
    "AND {v} NOT GLOB '*.*.*' AND {v} NOT GLOB '*.') "
    "THEN '''' || {v} ELSE {v} END"
)
_POSTGRESQL_CASE = (
    "CASE WHEN {v} = '' THEN NULL "
    f"WHEN left({{v}}, 1) IN ({_sql_characters('chr')}) "
    f"AND {{v}} !~ '^{NEGATIVE_NUMBER}$' "
    "THEN '''' || {v} ELSE {v} END"
)


class CsvText(Func):
    """Text neutralised by the formula rule above, in SQL; empty becomes NULL so that both
    transports write an empty, unquoted cell."""

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


@dataclass(frozen=True)
class Col:
    """One column of a list: its stable name (the CSV's header, the JSON's field) and the
    expression that computes its CSV cell. ``json``, where the JSON holds more than the
    cell (citations as objects), is a function of the site's address giving the JSON's
    expression (core/records.py); ``json_schema`` is then that value's OpenAPI schema."""

    name: str
    expression: object
    is_url: bool = False
    json: object = None
    json_schema: dict = None


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
            expression = on_site(site, expression)
        expressions[f"c{n}"] = expression
    return queryset.annotate(**expressions).values_list(*expressions)


class StrictConcat(Func):
    """Texts joined end to end, where any missing one (NULL) makes the whole missing (SQL's
    ``||``; Django's Concat would read it as empty)."""

    output_field = TextField()
    template = "(%(expressions)s)"
    arg_joiner = " || "


def on_site(site, expression):
    """A path made absolute with the site's address; no path stays no address."""
    return StrictConcat(Value(site), expression)


_INTEGERS = (models.IntegerField, models.BigIntegerField, models.SmallIntegerField)


def joins_values(expression):
    """Whether a column joins several values into one cell (an array in JSON)."""
    if isinstance(expression, Joined | JsonListJoined):
        return True
    inner = getattr(expression, "get_source_expressions", list)()  # F() has none
    return any(joins_values(e) for e in inner if e is not None)


@dataclass(frozen=True)
class ColumnType:
    """What a column holds, read off its expression: for the data package's Table Schema
    and the API's OpenAPI description alike. ``type`` is "string", "integer", "date" or
    "boolean" (of each value, where ``several``); ``choices`` the (value, label) pairs it
    may take; ``blank`` whether it may be empty."""

    name: str
    type: str
    is_url: bool
    several: bool
    choices: tuple
    blank: bool = True


def column_types(queryset, columns):
    """The ``ColumnType`` of each of ``columns`` over ``queryset``'s model (no query)."""
    query = annotated(queryset, columns, "").query
    types = []
    for n, column in enumerate(columns):
        resolved = query.annotations[f"c{n}"]
        output = resolved.output_field
        if isinstance(output, models.DateField):
            kind = "date"
        elif isinstance(output, _INTEGERS):
            kind = "integer"
        elif isinstance(output, models.BooleanField):
            kind = "boolean"
        else:
            kind = "string"
        choices, blank = (), True
        if isinstance(resolved, ColumnRef):
            blank = resolved.target.blank
            if resolved.target.choices:
                choices = tuple((str(value), label) for value, label in resolved.target.choices)
        several = not column.is_url and joins_values(column.expression)
        types.append(ColumnType(column.name, kind, column.is_url, several, choices, blank))
    return types


def write_csv(header, rows, using="default"):
    """The one CSV writer: the header, then ``rows`` (lists of cells, already neutralised:
    by CsvText in SQL, or by ``neutralised``), in chunks of text. Rows are read under the
    exports' bound (EXPORT_TIME_LIMIT_SECONDS and EXPORT_MIN_ROWS_PER_SECOND)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield flush()
    batch = []
    bounded = export_rows_bounded(
        rows,
        settings.EXPORT_TIME_LIMIT_SECONDS,
        settings.EXPORT_MIN_ROWS_PER_SECOND,
        using=using,
    )
    for row in bounded:
        batch.append(row)
        if len(batch) == EXPORT_BATCH:
            writer.writerows(batch)
            batch.clear()
            yield flush()
    writer.writerows(batch)
    yield flush()


def neutralised(rows):
    """Rows computed in Python (the matrix, the overlap, the admin's other tables) with every
    cell through the formula rule, for ``write_csv``."""
    for row in rows:
        yield [csv_safe(value) for value in row]


def stream_rows(queryset, columns, site, using="default"):
    """Yield the CSV (header first) of ``queryset`` with ``columns``, in chunks of text, by
    the fastest route available: PostgreSQL writes it itself (COPY); elsewhere the
    database computes every cell and ``write_csv`` writes the rows."""
    rows = annotated(queryset, columns, site)
    header = [c.name for c in columns]
    connection = connections[using]
    if connection.vendor == "postgresql":
        yield from write_csv(header, [], using=using)
        yield from _copy_rows(rows, connection)
        return
    yield from write_csv(header, rows.iterator(chunk_size=EXPORT_BATCH), using=using)


def csv_download(request, chunks, name):
    """A streamed CSV attachment named after what it holds and the day; with ?excel=1 it
    starts with a byte-order mark so that Excel reads it as UTF-8."""
    excel = excel_flag(request)
    if excel is None:
        return refused(
            request,
            "Invalid filter: excel: use 1 (a file for Excel) or 0 (a plain CSV).",
            format=CSV,
        )
    if excel:
        chunks = itertools.chain(["\ufeff"], chunks)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    filename = f"{name}-{datetime.date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
