"""Small guards every response passes through.

``RequestIdMiddleware`` gives each request an id: in the ``X-Request-ID`` response header,
in every log line about the request, and on the 500 page, so a reader can quote it.

``RejectControlCharactersMiddleware`` answers 400 to an address whose path or query string
holds a control character (a NUL byte above all: PostgreSQL cannot store or compare one, so
it would otherwise reach the database as an error). ``SecurityHeadersMiddleware`` adds the
Content-Security-Policy and Permissions-Policy headers, which Django 5.2 does not set itself;
X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and HSTS come from
Django's SecurityMiddleware, X-Frame-Options from its XFrameOptionsMiddleware.
"""

import re
import secrets
from urllib.parse import unquote

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from migration_governance.core import formats
from migration_governance.core.time_budget import page_time_limit, statement_time_limit

# An id a proxy has already given the request is kept if it looks like one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# C0 controls and DEL, once the address is percent-decoded. Tab, line feed and carriage
# return are left alone: people paste them into search boxes, and they are harmless.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(request):
    query = unquote(request.META.get("QUERY_STRING", "").replace("+", " "), errors="replace")
    return bool(_CONTROL.search(request.path) or _CONTROL.search(query))


def cookies_with_control_characters(request):
    """Cookies whose name or value holds a control character (a NUL would reach the
    database as an error when the session is looked up)."""
    return [name for name, value in request.COOKIES.items() if _CONTROL.search(name + value)]


class RequestIdMiddleware:
    """Each request's id: the proxy's ``X-Request-ID`` if it sent a plausible one, else a
    fresh random one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class PageTimeLimitMiddleware:
    """Every page gets ``PAGE_TIME_LIMIT_SECONDS`` of database work (core/time_budget.py);
    past it the query is cut short and the reader gets the 503 page. Whole exports (the
    formats core/formats.py marks ``whole``) are bounded by the rows they deliver instead
    (migration_governance/core/export.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_TIME_LIMIT_SECONDS
        if formats.requested(request).whole:
            # Each statement of an export gets the export's base time; the rows it must
            # deliver per second bound it beyond that.
            statement_time_limit(settings.EXPORT_TIME_LIMIT_SECONDS)
            return self.get_response(request)
        if not seconds:
            return self.get_response(request)
        with page_time_limit(seconds):
            return self.get_response(request)


class RejectControlCharactersMiddleware:
    """A 400 with a readable page for addresses carrying control characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            # A page for a reader, plain text for a file, a problem for the API.
            return formats.refused(
                request, "The address contains control characters (such as a NUL byte)."
            )
        broken = cookies_with_control_characters(request)
        if broken:
            request.COOKIES = {}  # nothing below may read them, the 400 page included
            response = render(
                request,
                "400.html",
                {
                    "message": "A cookie holds control characters (such as a NUL byte). "
                    "It has been removed: reload the page."
                },
                status=400,
            )
            for name in broken:
                response.delete_cookie(name)
            return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, unless a view
    has set its own; X-Frame-Options too on the answers that never reach Django's
    XFrameOptionsMiddleware (the guards' 400 pages)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value and name not in response:
                response[name] = value
        if "X-Frame-Options" not in response and not getattr(
            response, "xframe_options_exempt", False
        ):
            response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


class CatalogueLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except for the admin, which is not under a language prefix.

    Public pages take their language from the address alone (``/fr/…``, ``/es/…``, English
    unprefixed), so they never vary with the ``Accept-Language`` header and need no
    ``Vary`` on it. The admin keeps one address and speaks the curator's language instead:
    the ``django_language`` cookie, else the browser's ``Accept-Language``, else English.
    """

    def _is_admin(self, request):
        return request.path_info.startswith("/" + settings.ADMIN_PATH)

    def process_request(self, request):
        if self._is_admin(request):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        if self._is_admin(request):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        # Unprefixed addresses are English whatever the browser asks, so LocaleMiddleware's
        # redirects to a prefixed address and its Vary header have nothing to do here.
        return response
