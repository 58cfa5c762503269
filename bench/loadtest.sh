#!/usr/bin/env bash
# The load test of issue 8 (`make loadtest`): `make serve` on 127.0.0.1 over a scratch copy
# of the catalogue, 50 locust users for 60 seconds (48 readers, 2 curators saving edits of
# the same records in the admin), then a check in the database that no accepted save was
# lost. Fails on any request error, any lost edit, or fewer than 20 saves per curator. Prints the figures and leaves locust's CSV in
# $LOADTEST_OUT (default: a temporary folder).
#
#   LOADTEST_USERS=50 LOADTEST_TIME=60s LOADTEST_DATABASE_URL=postgres://… bash bench/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."

USERS="${LOADTEST_USERS:-50}"
RUN_TIME="${LOADTEST_TIME:-60s}"
PORT="${LOADTEST_PORT:-8765}"
work="$(mktemp -d)"
OUT="${LOADTEST_OUT:-$work}"
mkdir -p "$OUT"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    # Keep the scratch folder when it holds the results.
    if [ "$OUT" != "$work" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# The environment of a deployment, on a scratch database.
export DJANGO_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_DEBUG=0
# Kept database connections, as the README recommends for a deployment (PostgreSQL: a new
# connection per request costs more than most pages).
export DJANGO_CONN_MAX_AGE="${DJANGO_CONN_MAX_AGE:-60}"
export DATABASE_URL="${LOADTEST_DATABASE_URL:-sqlite:///$work/loadtest.sqlite3}"
export LOADTEST_USERNAME_1=loadtest-curator-1 LOADTEST_USERNAME_2=loadtest-curator-2
export LOADTEST_PASSWORD="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
export LOADTEST_SAVES_FILE="$work/accepted-saves.json"
export LOADTEST_PROCESSES="${LOADTEST_PROCESSES:-gfmd,global-compact-for-migration}"

echo "== scratch catalogue on ${DATABASE_URL%%://*}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_catalogue -v0
for curator in "$LOADTEST_USERNAME_1" "$LOADTEST_USERNAME_2"; do
    DJANGO_SUPERUSER_PASSWORD="$LOADTEST_PASSWORD" .venv/bin/python manage.py createsuperuser \
        --noinput --username "$curator" --email curator@example.org >/dev/null
done

echo "== make serve on 127.0.0.1:$PORT"
setsid make --no-print-directory serve HOST=127.0.0.1 PORT="$PORT" >"$OUT/server.log" 2>&1 &
server_pid=$!
started=0
for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/"; then started=1; break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$OUT/server.log"; exit 1; fi
    sleep 0.5
done
# A server still not answering after 60 s fails the run: locust against nothing would
# report only errors, and a figure from it means nothing.
if [ "$started" != 1 ]; then
    echo "the server did not answer on 127.0.0.1:$PORT within 60 s:" >&2
    cat "$OUT/server.log" >&2
    exit 1
fi

echo "== locust: $USERS users for $RUN_TIME"
status=0
timeout 600 .venv/bin/locust -f bench/locustfile.py --headless \
    --users "$USERS" --spawn-rate 25 --run-time "$RUN_TIME" --stop-timeout 10 \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/loadtest" --only-summary \
    --loglevel WARNING || status=$?

echo "== the curators' accepted saves, checked against the database"
if [ ! -s "$LOADTEST_SAVES_FILE" ]; then
    echo "no save was recorded" >&2
    status=1
else
    .venv/bin/python manage.py shell -c "
import collections, json, sys
from processes.models import Process
saves = json.load(open('$LOADTEST_SAVES_FILE', encoding='utf-8'))
by_curator = collections.Counter(t.rsplit(' edit by ', 1)[1].split(' at ')[0] for _, _, t in saves)
lost = 0
for slug in sorted({s for s, _, _ in saves}):
    mine = [(opened, text) for s, opened, text in saves if s == slug]
    starts = collections.Counter(opened for opened, _ in mine)
    # Two accepted saves from one opened version: the later overwrote the earlier unseen.
    lost += sum(n - 1 for n in starts.values())
    stored = Process.objects.get(slug=slug).description
    if stored != max(mine)[1]:
        lost += 1
        print(slug, 'stores', stored[-50:], 'not the last accepted save', max(mine)[1][-50:])
print('accepted saves:', len(saves), 'per curator:', sorted(by_curator.values()), 'lost edits:', lost)
if lost:
    sys.exit('LOST EDITS')
if len(by_curator) < 2 or min(by_curator.values()) < 20:
    sys.exit('fewer than 20 saves per curator')
" || status=1
fi

.venv/bin/python - "$OUT/loadtest_stats.csv" <<'EOF'
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print(f"{'request':42} {'count':>6} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6} {'max':>6}")
for r in rows:
    name = (r["Name"] if r["Type"] in ("", "GET") else f"{r['Type']} {r['Name']}")[:42]
    print(
        f"{name:42} {r['Request Count']:>6} {r['Failure Count']:>5} {r['50%']:>7}"
        f" {r['95%']:>6} {r['99%']:>6} {r['100%']:>6}"
    )
EOF
echo "(milliseconds; locust CSV and server log in $OUT)"
exit "$status"
