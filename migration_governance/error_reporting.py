"""What happens to an unhandled error: logged with its request id, optionally reported.

``server_error`` is the site's 500 handler: it shows the request's id so a reader can quote
it, and answers a query cut short by the page's time limit with the 503 page instead.
``bad_request``, ``permission_denied`` and ``page_not_found`` are the 400, 403 and 404
handlers: unlike Django's own they never read the request's body (Django's run the CSRF
check, which parses it: a POST of too many fields to an unknown address was a 500), and an
address under /api/ gets an RFC 9457 problem, as the API's other errors do.
"""

import logging
import sys

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.template import loader

from migration_governance.core import formats
from migration_governance.core.time_budget import is_timeout


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


def _error_page(request, status, template_name, title, context=None):
    """The error page; for the API, its RFC 9457 problem (core/formats.py)."""
    if request.path_info.startswith("/api/"):
        problem = formats.problem(status)
        return JsonResponse(problem, status=status, content_type=formats.PROBLEM_TYPE)
    body = loader.get_template(template_name).render(context or {}, request)
    return HttpResponse(body, status=status)


def bad_request(request, exception, template_name="400.html"):
    """The 400 page (a malformed request that no view answered itself)."""
    return _error_page(request, 400, template_name, "Bad Request")


def permission_denied(request, exception, template_name="403.html"):
    """The 403 page."""
    return _error_page(request, 403, template_name, "Forbidden")


def page_not_found(request, exception, template_name="404.html"):
    """The 404 page, naming the address that was asked for."""
    context = {"request_path": request.path}
    return _error_page(request, 404, template_name, "Not Found", context)


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
