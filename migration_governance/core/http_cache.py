"""HTTP caching of every public read: validators from the catalogue's version, 304s that
cost one tiny query, and Cache-Control that lets any proxy or CDN serve the reads.

A public answer is a function of the catalogue's data (CatalogueVersion's number changes
with every change to it), of the code that renders it, of its address (scheme, host, path
and query) and of its language and negotiated format (``Accept``). So:

- ``ETag`` is a weak tag of the version number and a hash of the code fingerprint, the
  address, the language and ``Accept``: any save by a curator changes it.
- ``Last-Modified`` is the later of the catalogue's last change (``changed_at``) and the
  newest file of the code, to the second; absent while neither is known.

Two middlewares share the work, because the language is known only after Django's
LocaleMiddleware, and cookies only once the session and CSRF middlewares have answered:

- ``NotModifiedMiddleware`` (after LocaleMiddleware and CommonMiddleware) reads the version
  in one query, works out the validators, and answers a matching ``If-None-Match`` (or,
  without one, ``If-Modified-Since``) with 304 before any view runs. Only for anonymous
  requests: one carrying a session cookie may be a curator's, whose page could differ.
- ``CacheHeadersMiddleware`` (outside the session, CSRF and messages middlewares) decides
  what each finished answer may be: ``public, max-age, stale-while-revalidate`` with the
  validators for a plain 200; ``private, no-cache`` (with validators) for a request with a
  session; ``private, no-store`` for the admin, for anything that sets a cookie or varies on
  it (a CSRF-bearing form, a page that read the session), and ``no-store`` for errors.

docs/http-caching.md documents the headers; the README has an nginx example.
"""

import datetime
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from migration_governance.core.stores import catalogue_version_model

SAFE_METHODS = ("GET", "HEAD")
# What renders a page: code, templates, translations, static files (pages name their
# hashed addresses). A deploy that changes any of them changes every ETag.
_CODE_DIRS = ("migration_governance", "processes", "timeline", "templates")
_CODE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".mo", ".json"}


@lru_cache(maxsize=1)
def code_fingerprint():
    """(hash of the code's contents, time of its newest file), computed once per process.

    Contents rather than modification times, so that every server of one release agrees
    on the ETags; the newest time bounds Last-Modified from below."""
    digest = hashlib.sha256()
    newest = 0.0
    for folder in _CODE_DIRS:
        root = Path(settings.BASE_DIR) / folder
        for path in sorted(root.rglob("*")):
            if path.suffix not in _CODE_SUFFIXES or not path.is_file():
                continue
            if "__pycache__" in path.parts or "migrations" in path.parts:
                continue
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
            digest.update(path.read_bytes())
            newest = max(newest, path.stat().st_mtime)
    changed = datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC) if newest else None
    return digest.hexdigest()[:16], changed


def is_admin(request):
    return request.path_info.lstrip("/").startswith(settings.ADMIN_PATH)


def has_session(request):
    """A session cookie: perhaps a logged-in curator, never answered from a shared copy."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def validators(request):
    """(ETag, Last-Modified as an aware datetime or None) of the public answer to
    ``request``, from the catalogue's version (one query, shared with the lists)."""
    CatalogueVersion = catalogue_version_model()

    number, changed_at = CatalogueVersion.for_request(request)
    code, code_changed = code_fingerprint()
    language = getattr(request, "LANGUAGE_CODE", None) or get_language() or ""
    what = "\n".join(
        [
            code,
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            language,
            request.headers.get("Accept", ""),
            # Detail pages' citations to copy name the day of access: a copy from another
            # day is not the current answer.
            timezone.now().date().isoformat(),
        ]
    )
    etag = f'W/"{number}-{hashlib.sha256(what.encode()).hexdigest()[:20]}"'
    times = [t for t in (changed_at, code_changed) if t is not None]
    last_modified = max(times).replace(microsecond=0) if times else None
    return etag, last_modified


def _matches(etag, header):
    """Weak comparison (RFC 9110 §8.8.3.2), as If-None-Match uses; ``*`` is left to the
    view, which knows whether the page exists."""
    tags = parse_etags(header)
    bare = etag.removeprefix("W/")
    return any(tag != "*" and tag.removeprefix("W/") == bare for tag in tags)


def not_modified(request, etag, last_modified):
    """Whether the client's copy (named by its conditional headers) is still current.
    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _matches(etag, if_none_match)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is None or last_modified is None:
        return False
    return int(last_modified.timestamp()) <= since


def public_cache_control():
    return (
        f"public, max-age={settings.HTTP_CACHE_MAX_AGE}, "
        f"stale-while-revalidate={settings.HTTP_CACHE_STALE_WHILE_REVALIDATE}"
    )


def _vary(response):
    headers = ["Accept"]
    if "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE:
        headers.append("Accept-Language")
    patch_vary_headers(response, headers)


def _set_validators(response, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())


class NotModifiedMiddleware:
    """Answer a still-current anonymous copy with 304 before the view does any work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS or is_admin(request):
            return self.get_response(request)
        etag, last_modified = validators(request)
        request.cache_validators = (etag, last_modified)
        if not has_session(request) and not_modified(request, etag, last_modified):
            response = HttpResponseNotModified()
            _set_validators(response, etag, last_modified)
            response["Cache-Control"] = public_cache_control()
            _vary(response)
            return response
        return self.get_response(request)


class CacheHeadersMiddleware:
    """Say who may keep each answer, and for how long (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            return response
        if is_admin(request):
            if "no-store" not in response.get("Cache-Control", ""):  # else never_cache's
                _private_no_store(response)
            return response
        if response.status_code == 304:
            # CommonMiddleware gave it "Content-Length: 0", which a 304 must not claim
            # unless the page itself is empty (RFC 9110 §8.6).
            if "Content-Length" in response:
                del response["Content-Length"]
            return response
        if response.status_code >= 400:
            if "Cache-Control" not in response:
                response["Cache-Control"] = "no-store"
            return response
        found = getattr(request, "cache_validators", None)
        if response.status_code != 200 or found is None:
            return response
        if response.cookies or _varies_on_cookie(response):
            return _private_no_store(response)
        etag, last_modified = found
        _set_validators(response, etag, last_modified)
        _vary(response)
        if has_session(request):
            response["Cache-Control"] = "private, no-cache"
        elif "Cache-Control" not in response:  # a view's own choice stands
            response["Cache-Control"] = public_cache_control()
        # A copy named by If-None-Match: * (or one the early check left to the view).
        seconds = int(last_modified.timestamp()) if last_modified else None
        return get_conditional_response(
            request, etag=etag, last_modified=seconds, response=response
        )


def _varies_on_cookie(response):
    vary = response.get("Vary", "")
    return "cookie" in {part.strip().lower() for part in vary.split(",")}


def _private_no_store(response):
    """Never kept by a shared cache, nor stored at all: the admin, a page with a CSRF
    token, one that set a cookie or read the session."""
    response["Cache-Control"] = "private, no-store"
    for header in ("ETag", "Last-Modified"):
        if header in response:
            del response[header]
    return response
