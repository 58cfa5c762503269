"""A list's records as JSON objects, built by the database from the list's own columns.

The JSON API's lists and records and the NDJSON export are all written from here, from
the columns the CSV is written from (core/registry.py): each field is named as its column
and holds the same value, unneutralised, with several values as an array and, where a
column declares it (``Col.json``), a nested value such as citation objects. So the four
formats of a list cannot disagree (docs/api.md; tests/test_four_formats.py).
"""

import json

from django.conf import settings
from django.db.models import Func, JSONField, TextField
from django.db.models.functions import Cast, JSONObject

from migration_governance.core.export import CsvText, Joined, JsonListJoined, on_site
from migration_governance.core.time_budget import export_rows_bounded

NDJSON_BATCH = 2000
# The OpenAPI schema of a citations field: the places a record cites, each with the passage
# shown for the record there (processes.models.Citation.json_of).
CITATIONS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "source": {"type": "string", "description": "The source's slug."},
            "source_title": {"type": "string"},
            "locator": {"type": "string", "description": "Section, annex, row or page."},
            "quotation": {
                "type": "string",
                "description": "The source's words there that name the record (may be empty).",
            },
            "url": {
                "type": "string",
                "format": "uri",
                "description": "The passage read in context on this site.",
            },
            "source_url": {
                "type": "string",
                "description": "The source document's own address, where it has one.",
            },
        },
        "required": ["source", "source_title", "locator", "quotation", "url", "source_url"],
    },
}


class JsonArray(Func):
    """The values of a subquery as a JSON array (``[]`` when there are none); with
    ``objects``, values that are JSON objects themselves."""

    output_field = JSONField()

    def __init__(self, subquery, objects=False):
        super().__init__(subquery)
        self.objects = objects

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        value = "json(v)" if self.objects else "v"
        return f"json((SELECT coalesce(json_group_array({value}), '[]') FROM {inner}))", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT coalesce(json_agg(v), '[]'::json) FROM {inner} AS joined)", params


class OrderedJSONObject(JSONObject):
    """JSONObject keeping its keys in the order given on PostgreSQL too (json, not jsonb,
    which would sort them), so that a record reads in the CSV's column order."""

    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions(
            [
                Cast(expression, TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(copy.get_source_expressions())
            ]
        )
        return Func.as_sql(
            copy, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context
        )


class JsonColumn(Func):
    """A JSON column embedded as JSON (SQLite stores it as text)."""

    output_field = JSONField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"json({inner})", params

    def as_postgresql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])


def json_expression(column, site):
    """A CSV column's value for JSON: the column's own ``json`` where it declares one (with
    ``site`` for the addresses in it), else the CSV's expression unneutralised, several
    values as an array, addresses absolute."""
    if column.json is not None:
        return column.json(site)
    expression = column.expression
    while isinstance(expression, CsvText):
        expression = expression.source_expressions[0]
    if isinstance(expression, Joined):
        return JsonArray(expression.source_expressions[0])
    if isinstance(expression, JsonListJoined):
        return JsonColumn(expression.source_expressions[0])
    if column.is_url:
        return on_site(site, expression)
    return expression


def with_records(queryset, columns, site):
    """``queryset`` with each row's record, as the text of its JSON object, in ``record``."""
    fields = {column.name: json_expression(column, site) for column in columns}
    return queryset.annotate(record=Cast(OrderedJSONObject(**fields), TextField()))


def records(rows):
    """The JSON objects of rows annotated by ``with_records``."""
    return [json.loads(row.record) for row in rows]


def ndjson_lines(queryset, columns, site, using="default"):
    """Every row of ``queryset`` (in its order) as one JSON object per line, each built by
    the database: Python only joins the lines."""
    lines = (
        with_records(queryset.prefetch_related(None), columns, site)
        .values_list("record", flat=True)
        .iterator(chunk_size=NDJSON_BATCH)
    )
    batch = []
    bounded = export_rows_bounded(
        lines,
        settings.EXPORT_TIME_LIMIT_SECONDS,
        settings.EXPORT_MIN_ROWS_PER_SECOND,
        using=using,
    )
    for line in bounded:
        batch.append(line)
        if len(batch) == NDJSON_BATCH:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"
