"""What happens to an unhandled error: logged with its request id, optionally reported.

``server_error`` is the site's 500 handler: it shows the request's id so a reader can quote
it, and answers a query cut short by the page's time limit with the 503 page instead.
"""

import logging
import sys

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import loader

from processes.time_budget import is_timeout


class RequestIdFilter(logging.Filter):
    """Puts the request's id (or "-") on every log record."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", "-")
        return True


def server_error(request, template_name="500.html"):
    """The 500 page with the request id; the 503 page for a page out of time. Rendered
    without the request's context processors: they may be what failed."""
    request_id = getattr(request, "request_id", "")
    exc = sys.exc_info()[1]
    if exc is not None and is_timeout(exc):
        body = loader.get_template("503.html").render({"request_id": request_id})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
        return response
    body = loader.get_template(template_name).render({"request_id": request_id})
    return HttpResponse(body, status=500)


def init_sentry(dsn, **options):
    """Report unhandled errors to ``dsn`` through sentry-sdk (the "sentry" extra), with the
    request id as a tag and no personal data."""
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -e '.[sentry]'"
        ) from exc
    # No personal data: sentry-sdk sends none unless told to.
    return sentry_sdk.init(dsn=dsn, traces_sample_rate=0, **options)
