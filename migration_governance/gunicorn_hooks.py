"""gunicorn's configuration hooks for `make serve` (``--config python:…``).

Only a server's worker processes start what must run beside the requests; the tests and
management commands import the WSGI application without starting anything.
"""


def post_worker_init(worker):
    """Each worker works out lists' counts and facets ahead of time in a background thread
    (migration_governance/core/figures.py)."""
    from migration_governance.core.figures import start_refresher

    start_refresher()
