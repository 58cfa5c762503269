#!/usr/bin/env bash
# The load test of issue 8 (`make loadtest`): `make serve` on 127.0.0.1 over a scratch copy
# of the catalogue, 50 locust users for 60 seconds (49 readers, 1 curator saving edits in
# the admin), then a check in the database that the curator's last saved edit is there.
# Fails on any request error or lost edit. Prints the figures and leaves locust's CSV in
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
export DATABASE_URL="${LOADTEST_DATABASE_URL:-sqlite:///$work/loadtest.sqlite3}"
export LOADTEST_USERNAME=loadtest-curator
export LOADTEST_PASSWORD="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')"
export LOADTEST_LAST_EDIT_FILE="$work/last-edit.txt"
export LOADTEST_PROCESS="${LOADTEST_PROCESS:-budapest-process}"

echo "== scratch catalogue on ${DATABASE_URL%%://*}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_catalogue -v0
DJANGO_SUPERUSER_PASSWORD="$LOADTEST_PASSWORD" .venv/bin/python manage.py createsuperuser \
    --noinput --username "$LOADTEST_USERNAME" --email curator@example.org >/dev/null

echo "== make serve on 127.0.0.1:$PORT"
setsid make --no-print-directory serve HOST=127.0.0.1 PORT="$PORT" >"$OUT/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/"; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$OUT/server.log"; exit 1; fi
    sleep 0.5
done

echo "== locust: $USERS users for $RUN_TIME"
status=0
timeout 600 .venv/bin/locust -f bench/locustfile.py --headless \
    --users "$USERS" --spawn-rate 25 --run-time "$RUN_TIME" --stop-timeout 10 \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/loadtest" --only-summary \
    --loglevel WARNING || status=$?

echo "== the curator's last saved edit, read from the database"
if [ ! -s "$LOADTEST_LAST_EDIT_FILE" ]; then
    echo "no edit was saved" >&2
    status=1
else
    .venv/bin/python manage.py shell -c "
import sys
from pathlib import Path
from processes.models import Process
saved = Path('$LOADTEST_LAST_EDIT_FILE').read_text(encoding='utf-8')
stored = Process.objects.get(slug='$LOADTEST_PROCESS').description
print('stored:', stored[-60:])
sys.exit(0 if stored == saved else 'LOST EDIT: the stored description is not the last one saved')
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
