"""PostgreSQL keeps each search entry's tsvector in a stored generated column, so that a
match tested row by row (while the planner walks the (kind, label) index to a LIMIT) reads
it instead of computing to_tsvector again; the GIN indexes move onto those columns. SQLite
keeps its FTS5 table (0015)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE processes_searchentry ADD COLUMN body_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "ALTER TABLE processes_searchentry ADD COLUMN names_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', names)) STORED",
    "DROP INDEX IF EXISTS processes_searchentry_fts",
    "DROP INDEX IF EXISTS processes_searchentry_fts_names",
    "CREATE INDEX processes_searchentry_body_tsv ON processes_searchentry USING gin (body_tsv)",
    "CREATE INDEX processes_searchentry_names_tsv ON processes_searchentry "
    "USING gin (names_tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS processes_searchentry_body_tsv",
    "DROP INDEX IF EXISTS processes_searchentry_names_tsv",
    "ALTER TABLE processes_searchentry DROP COLUMN IF EXISTS body_tsv",
    "ALTER TABLE processes_searchentry DROP COLUMN IF EXISTS names_tsv",
    "CREATE INDEX processes_searchentry_fts ON processes_searchentry "
    "USING gin (to_tsvector('simple', body))",
    "CREATE INDEX processes_searchentry_fts_names ON processes_searchentry "
    "USING gin (to_tsvector('simple', names))",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("processes", "0015_search_index")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
