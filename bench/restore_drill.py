"""Fingerprint of a catalogue database for the restore drill (bench/restore_drill.sh).

Prints, one per line and sorted: the row count of every table, a hash of every source's
stored text, a hash of every public list's CSV export, and a hash of every fixture file
``export_catalogue`` writes. Two
databases holding the same data print the same lines.

    DATABASE_URL=… DJANGO_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/restore_drill.py
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_governance.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from migration_governance.core import registry  # noqa: E402
from processes.catalogue import export_catalogue  # noqa: E402
from processes.models import SourceText  # noqa: E402

# Every registered list's CSV (core/registry.py), then the matrix's.
EXPORTS = [
    *(f"{declaration.path}export.csv" for declaration in registry.lists()),
    "/matrix/export.csv",
]


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def main():
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            lines.append(f"rows {table} {cursor.fetchone()[0]}")
    # every source's stored text, a curator's added source among them
    for stored in SourceText.objects.select_related("source"):
        lines.append(f"text {stored.source.file_name} {digest(stored.text.encode('utf-8'))}")
    client = Client(HTTP_HOST="127.0.0.1")
    for url in EXPORTS:
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        lines.append(f"csv {url} {digest(b''.join(response.streaming_content))}")
    with tempfile.TemporaryDirectory() as folder:
        for path in export_catalogue(folder):
            lines.append(f"fixture {path.name} {digest(path.read_bytes())}")
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main()
