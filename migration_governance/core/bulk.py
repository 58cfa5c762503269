"""Writing hundreds of thousands of rows at the database's own speed.

``bulk_create`` builds a model instance per row and compiles the INSERT for every batch:
at the benchmark's scale 1000 (two million rows with their links and the search index)
that alone took most of a quarter of an hour. ``TableWriter`` takes plain tuples of the
columns a caller gives, fills every other column with the model field's default once, and
hands the rows to the driver in one go: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
Callers give primary keys themselves (``next_ids``) and call ``reset_sequences`` after, so
that later ordinary saves get fresh ids.

``indexes_dropped`` takes a table's secondary indexes away while it fills and builds them
once at the end, which is cheaper than keeping them up to date row by row.

No signals are sent and no history is written: this is for derived or synthetic data
(the search index, generate_synthetic), never for curated records.
"""

import contextlib
import datetime

from django.core.management.color import no_style
from django.db import connections

CHUNK = 20_000


class TableWriter:
    """Rows of ``model`` from tuples of the ``given`` fields (attribute names, ``id`` first
    if ids are given), every other column at its field's default."""

    def __init__(self, model, given, using="default"):
        self.connection = connections[using]
        self.table = model._meta.db_table
        # A generated column is the database's to fill.
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        by_name = {f.attname: f for f in fields}
        unknown = [name for name in given if name not in by_name]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {unknown}")
        self.given = tuple(given)
        self.columns = [by_name[name].column for name in given]
        defaults = []
        for field in fields:
            if field.attname in self.given or (field.primary_key and "id" not in self.given):
                continue
            value = field.get_default()
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = datetime.datetime.now(datetime.UTC)
            defaults.append(field.get_db_prep_save(value, self.connection))
            self.columns.append(field.column)
        self.defaults = tuple(defaults)

    def write(self, rows):
        """Insert ``rows`` (an iterable of tuples in the order of ``given``); returns how many."""
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        defaults = self.defaults
        written = 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
                with raw.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                        written += 1
                return written
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"
            chunk = []
            for row in rows:
                chunk.append(row + defaults)
                if len(chunk) >= CHUNK:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                written += len(chunk)
        return written


def next_ids(model, using="default"):
    """An iterator of ids after the highest one in ``model``'s table."""
    from django.db.models import Max

    highest = model._base_manager.using(using).aggregate(top=Max("pk"))["top"] or 0
    return iter(range(highest + 1, 2**62))


def reset_sequences(models, using="default"):
    """After rows written with explicit ids: the next ordinary save continues past them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _secondary_indexes(connection, tables):
    """(name, CREATE statement) of the indexes a table can do without while it fills:
    not its primary key and not an index behind a constraint."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                list(tables),
            )
            return cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                "quote_ident(i.indexname))::regclass)",
                [list(tables)],
            )
            return cursor.fetchall()
    return []


@contextlib.contextmanager
def indexes_dropped(models, using="default"):
    """Drop the secondary indexes of ``models``' tables, and build them again on leaving
    (inside the caller's transaction: a failure leaves them as they were)."""
    connection = connections[using]
    tables = [model._meta.db_table for model in models]
    indexes = _secondary_indexes(connection, tables)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and indexes:
            # PostgreSQL builds no index on a table with foreign-key checks still pending:
            # run them now (they would run at commit anyway), then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, create in indexes:
            cursor.execute(create)
        if connection.vendor == "postgresql" and indexes:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
