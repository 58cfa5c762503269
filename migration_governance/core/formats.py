"""The formats the site answers in, and how each kind of client is told its input was refused.

``FORMATS`` names them as Datasette keeps its renderers: the HTML page, the CSV (plain and
for Excel), the API's JSON and its NDJSON. ``requested(request)`` says which one a request
asks for, from the view its address leads to (in any of the site's languages) and, for
the API, its ``format`` parameter or ``Accept`` header, never from how the path is
spelled. From the format follow:

- the time limit (``Format.whole``): a page gets PAGE_TIME_LIMIT_SECONDS, a whole export
  is bounded by the rows it delivers instead (migration_governance/middleware.py);
- how bad input is answered (``refused``): an HTML page for a reader, plain text for a
  file a script downloads, an RFC 9457 problem (``application/problem+json``) for the API.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation

PROBLEM_TYPE = "application/problem+json"


@dataclass(frozen=True)
class Format:
    """One format: its name, its media type, the kind of client that reads it ("page",
    "file" or "api") and whether a response in it is a whole export."""

    name: str
    media_type: str
    client: str
    whole: bool


PAGE = Format("page", "text/html", "page", False)
CSV = Format("csv", "text/csv", "file", True)
# The CSV with a byte-order mark, so that Excel reads it as UTF-8 (``?excel=1``).
EXCEL = Format("excel", "text/csv", "file", True)
JSON = Format("json", "application/json", "api", False)
NDJSON = Format("ndjson", "application/x-ndjson", "api", True)
FORMATS = {format.name: format for format in (PAGE, CSV, EXCEL, JSON, NDJSON)}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def excel_flag(request):
    """``?excel=``: true for 1/true/yes/on, false for 0/false/no/off or nothing; None for
    any other value (a 400: a typo must not silently give the other file)."""
    raw = request.GET.get("excel", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    return None


def requested(request):
    """The format ``request`` asks for (worked out once per request)."""
    known = getattr(request, "_catalogue_format", None)
    if known is None:
        known = request._catalogue_format = _requested(request)
    return known


def _requested(request):
    under_api = request.path_info.startswith("/api/")
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(request.path_info)
    except Resolver404:
        return JSON if under_api else PAGE
    view = getattr(match.func, "view_class", None)
    exporting = getattr(match.func, "view_initkwargs", {}).get(
        "export", getattr(view, "export", False)
    )
    if exporting is True:
        return EXCEL if excel_flag(request) else CSV
    if getattr(match.func, "cls", None) is not None or under_api:  # a REST framework view
        accept = request.headers.get("Accept", "")
        ndjson = request.GET.get("format") == "ndjson" or NDJSON.media_type in accept
        return NDJSON if ndjson else JSON
    return PAGE


def problem(status, detail="", invalid_params=None):
    """An RFC 9457 problem: the API's answer to every error (docs/api.md, "Errors")."""
    body = {
        "type": "about:blank",
        "title": HttpResponse(status=status).reason_phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if invalid_params is not None:
        body["invalid_params"] = invalid_params
    return body


def refused(request, message, status=400, format=None):
    """Bad input answered the way the client reads it (``format``, else the one the
    request asks for): an RFC 9457 problem for the API, plain text for a file, the error
    page for a reader."""
    format = format or requested(request)
    if format.client == "api":
        return JsonResponse(problem(status, message), status=status, content_type=PROBLEM_TYPE)
    if format.client == "file":
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, f"{status}.html", {"message": message}, status=status)
