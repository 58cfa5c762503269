"""Two small guards every response passes through.

``RejectControlCharactersMiddleware`` answers 400 to an address whose path or query string
holds a control character (a NUL byte above all: PostgreSQL cannot store or compare one, so
it would otherwise reach the database as an error). ``SecurityHeadersMiddleware`` adds the
Content-Security-Policy and Permissions-Policy headers, which Django 5.2 does not set itself;
X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and HSTS come from
Django's SecurityMiddleware, X-Frame-Options from its XFrameOptionsMiddleware.
"""

import re
from urllib.parse import unquote

from django.conf import settings
from django.shortcuts import render

# C0 controls and DEL, once the address is percent-decoded. Tab, line feed and carriage
# return are left alone: people paste them into search boxes, and they are harmless.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(request):
    query = unquote(request.META.get("QUERY_STRING", "").replace("+", " "), errors="replace")
    return bool(_CONTROL.search(request.path) or _CONTROL.search(query))


class RejectControlCharactersMiddleware:
    """A 400 with a readable page for addresses carrying control characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            return render(
                request,
                "400.html",
                {"message": "The address contains control characters (such as a NUL byte)."},
                status=400,
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, unless a view
    has set its own."""

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
        return response
