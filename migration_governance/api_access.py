"""Who may read the API and how often: anonymous throttling at ``API_ANON_RATE`` and
read-only CORS for other sites' pages (docs/api.md, "Throttling" and "CORS")."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.throttling import AnonRateThrottle


class AnonRateFromSettings(AnonRateThrottle):
    """Anonymous requests per client address, at ``API_ANON_RATE`` (read when each
    request is checked, so that a setting changed for a test or a deploy takes effect)."""

    def get_rate(self):
        return settings.API_ANON_RATE or None


class ReadOnlyCorsMiddleware:
    """Lets other sites' pages read /api/ from a browser: GET and HEAD, no credentials;
    preflight OPTIONS requests for them are answered here. Other paths and methods get
    no CORS header at all."""

    methods = "GET, HEAD, OPTIONS"

    def __init__(self, get_response):
        self.get_response = get_response

    def allowed_origin(self, origin):
        allowed = settings.API_CORS_ORIGINS
        if "*" in allowed:
            return "*"
        return origin if origin in allowed else None

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        response = self.answer(request, request.headers.get("Origin"))
        if "*" not in settings.API_CORS_ORIGINS:
            # The answer differs by origin (allowed, or not): a shared cache must not give
            # one origin's copy to another. Added to what Vary holds already.
            patch_vary_headers(response, ["Origin"])
        return response

    def answer(self, request, origin):
        if not origin:
            return self.get_response(request)
        allowed = self.allowed_origin(origin)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            wanted = request.headers["Access-Control-Request-Method"].upper()
            if allowed and wanted in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = allowed
                response["Access-Control-Allow-Methods"] = self.methods
                response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
                response["Access-Control-Max-Age"] = "86400"
            return response
        response = self.get_response(request)
        if allowed and request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = allowed
            response["Access-Control-Expose-Headers"] = "Retry-After, X-Request-ID"
        return response
