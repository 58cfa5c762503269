"""WSGI entry point for servers such as gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_governance.settings")

application = get_wsgi_application()

# Lists' counts and facets worked out ahead of time, in the background of each server
# process (processes/figures.py).
from processes.figures import start_refresher  # noqa: E402 (needs the application set up)

start_refresher()
