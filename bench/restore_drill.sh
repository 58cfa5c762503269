#!/usr/bin/env bash
# Restore drill (`make restore-drill`): proves README's "Backup and restore" on copies.
# For SQLite, and for PostgreSQL when it answers on 127.0.0.1:5432: a scratch catalogue
# with a curator's edit, backed up, restored into a new database, and compared: the row
# count of every table, every list's CSV export, and export_catalogue's fixture files.
# Touches no database of yours: everything is made here and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG="${DRILL_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
scratch_dbs=()
export DJANGO_ALLOW_INSECURE_KEY=1
unset DJANGO_SECRET_KEY DJANGO_DEBUG DATABASE_URL
# The sources' folder the drill's catalogues use: a copy of the seeds, where the added
# source's text is written (a deployment backs this folder up with the database).
export CATALOGUE_SOURCES_DIR="$work/sources"
mkdir -p "$CATALOGUE_SOURCES_DIR"
cp ../shared/seeds/*.txt "$CATALOGUE_SOURCES_DIR"/ 2>/dev/null || true

cleanup() {
    for db in "${scratch_dbs[@]}"; do
        psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n=== %s ===\n' "$*"; }

# A scratch catalogue at $1, with an edit the fixtures do not hold (so the backup, not a
# reload of the fixtures, must be what brings it back), a curator account, and a source a
# curator added by upload (its text stored, and written to the sources' folder).
make_catalogue() {
    DATABASE_URL="$1" $PY manage.py migrate --noinput -v0
    DATABASE_URL="$1" $PY manage.py load_catalogue -v0
    DATABASE_URL="$1" $PY manage.py shell -v0 -c "
from django.contrib.auth.models import User
from processes import source_files
from processes.models import Citation, Process, Source
p = Process.objects.get(slug='budapest-process')
p.description += ' [edited before the backup]'
p.save()
User.objects.create_user('drill-curator', password='drill-password-1234', is_staff=True)
added = Source.objects.create(file_name='005_drill-added-source.txt', slug='drill-added-source',
    title='A source added before the backup', short_title='Drill source', kind='paper')
source_files.store_text(added, source_files.extract_text('added.txt',
    b'A source a curator uploaded. Its members meet once a year.\\n'))
Citation.objects.create(source=added, locator='Whole text', quotation='Its members meet once a year.')
"
}

fingerprint() {
    DATABASE_URL="$1" $PY bench/restore_drill.py
}

compare() {
    fingerprint "$1" >"$work/before.txt"
    fingerprint "$2" >"$work/after.txt"
    if ! diff -u "$work/before.txt" "$work/after.txt"; then
        echo "RESTORE DRILL FAILED: the restored database differs" >&2
        exit 1
    fi
    grep -q "edited before the backup" <(DATABASE_URL="$2" $PY manage.py shell -v0 -c "
from processes.models import Process
print(Process.objects.get(slug='budapest-process').description)")
    # The other way back: the fixtures written from the restored database and the sources'
    # folder, loaded into an empty database, give the added source its text again.
    rm -rf "$work/fixtures" "$work/reloaded.sqlite3" && mkdir "$work/fixtures"
    DATABASE_URL="$2" $PY manage.py export_catalogue --directory "$work/fixtures" >/dev/null
    DATABASE_URL="sqlite:///$work/reloaded.sqlite3" $PY manage.py migrate --noinput -v0
    DATABASE_URL="sqlite:///$work/reloaded.sqlite3" $PY manage.py load_catalogue -v0 "$work"/fixtures/*.json
    grep -q "^text 005_drill-added-source.txt " "$work/after.txt"
    grep "^text 005_drill-added-source.txt " "$work/after.txt" | diff - <(
        DATABASE_URL="sqlite:///$work/reloaded.sqlite3" $PY bench/restore_drill.py | grep "^text 005_drill")
    echo "identical: $(grep -c '^rows' "$work/after.txt") tables ($(awk '$1 == "rows" {n += $3} END {print n}' "$work/after.txt") rows), $(grep -c '^csv' "$work/after.txt") CSV exports, $(grep -c '^fixture' "$work/after.txt") fixture files, $(grep -c '^text' "$work/after.txt") source texts (and the added source's text reloaded from the fixtures and the sources' folder)"
}

step "SQLite: online backup, restore to a new file, compare"
make_catalogue "sqlite:///$work/live.sqlite3"
# The online backup (sqlite3's .backup, i.e. the backup API) is consistent even while the
# site is serving and writing; copying the file is not (the write-ahead log is apart).
if command -v sqlite3 >/dev/null; then
    sqlite3 "$work/live.sqlite3" ".backup '$work/backup.sqlite3'"
else
    $PY -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))" \
        "$work/live.sqlite3" "$work/backup.sqlite3"
fi
# Restore: the backup file becomes the database file (with the server stopped).
cp "$work/backup.sqlite3" "$work/restored.sqlite3"
# (Through Django's connection: the check constraints use the REGEXP function it defines.)
DATABASE_URL="sqlite:///$work/restored.sqlite3" $PY manage.py shell -v0 -c "
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute('PRAGMA integrity_check')
    print('integrity_check:', cursor.fetchone()[0])"
compare "sqlite:///$work/live.sqlite3" "sqlite:///$work/restored.sqlite3"

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_dump >/dev/null; then
    step "PostgreSQL: pg_dump -Fc, pg_restore into a new database, compare"
    src="drill_live_$$"
    dst="drill_restored_$$"
    scratch_dbs=("$src" "$dst")
    psql -q "$PG/postgres" -c "CREATE DATABASE \"$src\""
    make_catalogue "$PG/$src"
    pg_dump --format=custom --file "$work/catalogue.dump" "$PG/$src"
    psql -q "$PG/postgres" -c "CREATE DATABASE \"$dst\""
    pg_restore --no-owner --exit-on-error --dbname "$PG/$dst" "$work/catalogue.dump"
    compare "$PG/$src" "$PG/$dst"
else
    step "PostgreSQL: not reachable on 127.0.0.1:5432, skipped"
fi

step "restore drill passed"
