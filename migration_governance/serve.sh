#!/bin/sh
# Serve the catalogue the production way (`make serve`, or a process manager's start
# command): DEBUG off, a real DJANGO_SECRET_KEY, migrations applied, static files collected
# under hashed names and served by WhiteNoise, gunicorn with threaded workers.
#
# Settings come from the environment; .env in the project folder (see .env.example) fills
# in any variable the environment does not already set. It is read as KEY=value lines,
# never run as shell code.
#
#   migration_governance/serve.sh [HOST] [PORT]        (default 127.0.0.1 8000)
set -eu
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
BIN="${VENV:-.venv}/bin"

if [ -f .env ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        key="${line%%=*}"
        case "$key" in *[!A-Za-z0-9_]* | '') echo "serve: ignoring .env line: $key" >&2; continue ;; esac
        if ! printenv "$key" >/dev/null; then export "$line"; fi
    done <.env
fi

# Never the local conveniences: debug pages or the throwaway key.
export DJANGO_DEBUG=0 DJANGO_ALLOW_INSECURE_KEY=0
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    echo "serve: set DJANGO_SECRET_KEY (in the environment or .env; see .env.example)" >&2
    exit 1
fi

"$BIN/python" manage.py migrate --noinput -v0
# The fixtures seed an empty database only: loading them again would overwrite curators'
# edits with the fixture values.
if ! "$BIN/python" manage.py shell -c "
import sys
from processes.models import Process
sys.exit(0 if Process._base_manager.exists() else 1)"; then
    "$BIN/python" manage.py load_catalogue
fi
"$BIN/python" manage.py collectstatic --noinput -v0

# Threaded workers: a slow request (a large CSV) never holds up the others. Two processes
# per core of four threads each by default (WEB_CONCURRENCY and GUNICORN_THREADS change
# that): a process's threads share one interpreter lock, and a kept-alive connection stays
# with the process that accepted it, so more, smaller processes spread busy pages over the
# cores and no client waits behind a long queue in one process. Measured with the load
# test (docs/benchmarks.md): 2 x 8 let one of two curators starve (6 saves in 60 s); 4 x 4 did not.
# A process takes at most GUNICORN_WORKER_CONNECTIONS connections at once (16, four per
# thread): the process quickest to accept would otherwise gather most kept-alive clients
# (one served 52 % of a load test's requests), and the clients pinned to it would wait.
# Connections past every process's limit wait in the listen queue, none is refused.
# A graceful restart (kill -HUP on the master, a deploy) lets old workers finish what they
# serve, exports included, for GUNICORN_GRACEFUL_TIMEOUT seconds. The access log names
# each request's id (X-Request-ID), the one the error log and the 500 page show.
exec "$BIN/gunicorn" migration_governance.wsgi \
    --bind "$HOST:$PORT" \
    --config python:migration_governance.gunicorn_hooks \
    --worker-class gthread \
    --workers "${WEB_CONCURRENCY:-$((2 * $(nproc)))}" \
    --threads "${GUNICORN_THREADS:-4}" \
    --worker-connections "${GUNICORN_WORKER_CONNECTIONS:-16}" \
    --timeout 60 \
    --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-120}" \
    --max-requests 5000 \
    --max-requests-jitter 500 \
    --access-logfile - \
    --access-logformat '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request=%({x-request-id}o)s worker=%(p)s' \
    --error-logfile -
