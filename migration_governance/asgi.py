"""ASGI entry point for async servers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_governance.settings")

application = get_asgi_application()
