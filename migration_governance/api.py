"""What every endpoint of the read-only JSON API (/api/, docs/api.md) shares.

Each public list is declared once (processes/lists.py, timeline/lists.py): its FilterSet
and its columns. The HTML list, its CSV and its API endpoint all read that declaration, so
the three can never hold different records. This module holds the API's side of it: the
filter backend that runs a list's FilterSet and answers a bad value with an RFC 9457
problem, cursor pagination, the NDJSON output of a whole list (computed by the database
from the CSV's own columns), throttling, read-only CORS and the OpenAPI schema's error
responses. Each app's serializers and viewsets live in its own ``api.py``.
"""

import functools
import json

from django.conf import settings
from django.db.models import F, Func, JSONField, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters import ModelMultipleChoiceFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, renderers, serializers, status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler

from migration_governance.core.browsing import MULTI_VALUE_CAP, stable_order
from migration_governance.core.export import CsvText, Joined, JsonListJoined
from migration_governance.core.time_budget import export_rows_bounded
from processes.filters import NameChoiceFilter

PROBLEM_TYPE = "application/problem+json"
NDJSON_TYPE = "application/x-ndjson"

# Name filters take any name a reader would type (docs/urls.md), so the schema says
# "a string", not an enumeration of every slug.
extend_schema_field({"type": "string", "minLength": 1, "maxLength": 200})(NameChoiceFilter)


# --- errors: RFC 9457 problem details ---------------------------------------------------


class InvalidParameters(exceptions.APIException):
    """A 400 naming each query parameter that was refused and why."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid query parameters.")
    default_code = "invalid"

    def __init__(self, invalid):
        self.invalid = invalid  # [{"name": …, "reason": …}]
        names = ", ".join(item["name"] for item in invalid)
        super().__init__(f"Invalid value for {names}.")


def problem_details_handler(exc, context):
    """Every API error as ``application/problem+json``: type, title, status, detail, and
    for refused parameters ``invalid_params`` (the extension RFC 9457's example uses)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body = {
        "type": "about:blank",
        "title": HttpResponse(status=code).reason_phrase,
        "status": code,
        "detail": str(getattr(exc, "detail", exc)),
    }
    if isinstance(exc, InvalidParameters):
        body["invalid_params"] = exc.invalid
    response.data = body
    response.content_type = PROBLEM_TYPE
    return response


class ProblemSerializer(serializers.Serializer):
    """The body of every API error (RFC 9457)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    invalid_params = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False
    )


class CatalogueSchema(AutoSchema):
    """drf-spectacular's schema plus the problem responses each operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "429"]
        if self.view.kwargs.get(getattr(self.view, "lookup_url_kwarg", None) or "") is not None:
            codes.append("404")
        if self._is_list_view() or getattr(self.view, "action", None) in ("retrieve", "cite"):
            codes.append("404")
        for code in dict.fromkeys(codes):
            responses.setdefault(
                code,
                self._get_response_for_code(ProblemSerializer, code, media_types=[PROBLEM_TYPE]),
            )
        return responses


# --- filters -------------------------------------------------------------------------


@functools.cache
def api_filterset(filterset_class):
    """The list's FilterSet less ``sort``: API lists are in one fixed order, which cursor
    pagination needs (docs/api.md). Cached: one class per list."""
    api_class = type(filterset_class.__name__, (filterset_class,), {})
    api_class.base_filters = {
        name: f for name, f in filterset_class.base_filters.items() if name != "sort"
    }
    return api_class


class CatalogueFilterExtension(DjangoFilterExtension):
    """drf-spectacular's reading of django-filter, plus what it cannot see by itself: the
    bounds of year filters, and the choices read from the database (topics, sub-regions),
    read when the schema is generated."""

    target_class = "migration_governance.api.CatalogueFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        values = None
        if isinstance(filter_field, ModelMultipleChoiceFilter) and not isinstance(
            filter_field, NameChoiceFilter
        ):
            key = filter_field.extra.get("to_field_name") or "pk"
            values = [str(v) for v in filter_field.queryset.values_list(key, flat=True)]
        elif callable(filter_field.extra.get("choices")):
            values = [str(value) for value, _label in filter_field.extra["choices"]()]
        if values is not None:
            # As an override, so that drf-spectacular does not guess (and warn) first.
            filter_field._spectacular_annotation = {"field": {"type": "string", "enum": values}}
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            schema = parameter["schema"]
            item = schema.get("items", schema)
            if isinstance(filter_field, NumberFilter) and "min_value" in filter_field.extra:
                item.update(
                    type="integer",
                    minimum=filter_field.extra["min_value"],
                    maximum=filter_field.extra["max_value"],
                )
        return parameters


class CatalogueFilterBackend(DjangoFilterBackend):
    """The view's list FilterSet, as the HTML list and the CSV run it; a value it refuses
    (a name that names nothing, a year out of range, an unknown choice) is a 400 problem
    naming the parameter, never a silently unfiltered answer."""

    def get_filterset_class(self, view, queryset=None):
        filterset_class = getattr(view, "filterset_class", None)
        return api_filterset(filterset_class) if filterset_class else None

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        check_parameters(request, filterset)
        return filterset.qs


def check_parameters(request, filterset):
    """Raise InvalidParameters unless the request's filter values are all valid."""
    for key in request.query_params:
        if len(request.query_params.getlist(key)) > MULTI_VALUE_CAP:
            raise InvalidParameters(
                [{"name": key, "reason": f"Too many values: at most {MULTI_VALUE_CAP}."}]
            )
    memo = {}  # names typed are resolved once per request
    for form_field in filterset.form.fields.values():
        if hasattr(form_field, "memo"):
            form_field.memo = memo
    if not filterset.is_valid():
        raise InvalidParameters(
            [
                {"name": name, "reason": " ".join(str(e) for e in errors)}
                for name, errors in filterset.errors.items()
            ]
        )


# --- pagination ----------------------------------------------------------------------


class CataloguePagination(CursorPagination):
    """Cursor pages in the view's fixed ``cursor_ordering`` (a unique key), so a deep page
    costs what the first does and pages never skip or repeat a record."""

    page_size_query_param = "page_size"
    cursor_query_description = _("The page to show: the `next` or `previous` link's cursor.")
    page_size_query_description = _("Records per page (at most the API's maximum).")

    def __init__(self):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise InvalidParameters(
                [{"name": "page_size", "reason": "Use a whole number."}]
            ) from None
        return min(max(size, 1), self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise InvalidParameters(
                [{"name": "cursor", "reason": "Use a cursor from a next or previous link."}]
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


# --- throttling and CORS -------------------------------------------------------------


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


# --- NDJSON: a whole list, one JSON object per line ------------------------------------


class NDJSONRenderer(renderers.BaseRenderer):
    """``?format=ndjson`` or ``Accept: application/x-ndjson``. A list streams every
    matching record (CatalogueViewSet.list); anything else is its JSON on one line."""

    media_type = NDJSON_TYPE
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return (json.dumps(data, ensure_ascii=False, default=str) + "\n").encode()


class JsonArray(Func):
    """The values of a subquery as a JSON array (``[]`` when there are none)."""

    output_field = JSONField()

    def __init__(self, subquery, objects=False):
        super().__init__(subquery)
        self.objects = objects

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        value = "json(v)" if self.objects else "v"
        return f"json((SELECT coalesce(json_group_array({value}), '[]') FROM {inner}))", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT coalesce(json_agg(v), '[]'::json) FROM {inner} AS joined)", params


class OrderedJSONObject(JSONObject):
    """JSONObject keeping its keys in the order given on PostgreSQL too (json, not jsonb,
    which would sort them), so that a line reads in the CSV's column order."""

    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions(
            [
                Cast(expression, TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(copy.get_source_expressions())
            ]
        )
        return Func.as_sql(
            copy, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context
        )


class JsonColumn(Func):
    """A JSON column embedded as JSON (SQLite stores it as text)."""

    output_field = JSONField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"json({inner})", params

    def as_postgresql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])


def citations_json(path, model):
    """A row's citations as objects {source, source_title, locator, quotation}; the
    quotation is the passage shown for the row's record at that place, as on its page (the
    record's own named_as claim there, where it has one, else the place's quotation)."""
    from django.contrib.contenttypes.models import ContentType

    from processes.models import NAMED_AS, Citation, Cited, Claim

    quotation = F("quotation")
    # Cited records have passages of their own (participations' places are cited cell by
    # cell, so the place's quotation is theirs).
    if issubclass(model, Cited):
        own = Claim.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef(OuterRef("pk")),
            citation=OuterRef("pk"),
            field=NAMED_AS,
        ).values("quotation")[:1]
        quotation = Coalesce(Subquery(own), F("quotation"))
    value = OrderedJSONObject(
        source=F("source__slug"),
        source_title=F("source__title"),
        locator=F("locator"),
        quotation=quotation,
    )
    rows = (
        Citation.objects.filter(**{path: OuterRef("pk")})
        .order_by("source__file_name", "locator")
        .values(v=value)
    )
    return JsonArray(Subquery(rows), objects=True)


def json_expression(column, site, model):
    """A CSV column's expression for JSON: the same value, but not neutralised for
    spreadsheets, several values as an array, citations as objects."""
    expression = column.expression
    if column.name == "citations":
        return citations_json(model._meta.get_field("citations").remote_field.related_name, model)
    while isinstance(expression, CsvText):
        expression = expression.source_expressions[0]
    if isinstance(expression, Joined):
        return JsonArray(expression.source_expressions[0])
    if isinstance(expression, JsonListJoined):
        return JsonColumn(expression.source_expressions[0])
    if column.is_url:
        return Concat(Value(site), expression, output_field=TextField())
    return expression


def ndjson_lines(queryset, columns, site, using="default"):
    """Every row of ``queryset`` as one JSON object per line, the object built by the
    database from the list's CSV columns: Python only joins the lines."""
    fields = {
        column.name: json_expression(column, site, queryset.model)
        for column in columns
        if column.name != "citation_sources"
    }
    rows = (
        stable_order(queryset)
        .prefetch_related(None)
        .annotate(line=Cast(OrderedJSONObject(**fields), TextField()))
        .values_list("line", flat=True)
    )
    batch = []
    bounded = export_rows_bounded(
        rows.iterator(chunk_size=2000),
        settings.EXPORT_TIME_LIMIT_SECONDS,
        settings.EXPORT_MIN_ROWS_PER_SECOND,
        using=using,
    )
    for line in bounded:
        batch.append(line)
        if len(batch) == 2000:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"


# --- views ---------------------------------------------------------------------------


def absolute(request, path):
    return request.build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class PublicURLField(serializers.Field):
    """The record's page on the site, as an absolute URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return absolute(self.context["request"], obj.get_absolute_url())


class FormatFirst(DefaultContentNegotiation):
    """``?format=ndjson`` (or ``json``) wins over the Accept header, so that a script's
    habitual ``Accept: application/json`` does not turn an explicit choice into a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers:
            if wanted and renderer.format == wanted:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class CatalogueAPI:
    """What every API view has: JSON (or NDJSON) out, anonymous throttling."""

    renderer_classes = [renderers.JSONRenderer, NDJSONRenderer]
    throttle_classes = [AnonRateFromSettings]
    content_negotiation_class = FormatFirst


class CatalogueViewSet(CatalogueAPI, mixins.ListModelMixin, viewsets.GenericViewSet):
    """One public list: the list's declaration gives the FilterSet (and the columns of its
    NDJSON), the model's published() the rows. CatalogueRecordViewSet adds each record."""

    declaration = None  # a processes.lists.ListDeclaration
    cursor_ordering = ("pk",)
    filter_backends = [CatalogueFilterBackend]
    pagination_class = CataloguePagination
    detail_serializer_class = None

    @property
    def filterset_class(self):
        return self.declaration.filterset_class if self.declaration else None

    def base_queryset(self):
        return self.queryset.model.objects.published()

    def get_queryset(self):
        return self.list_queryset() if self.action == "list" else self.detail_queryset()

    def list_queryset(self):
        queryset = self.base_queryset().for_list()
        if hasattr(queryset.model, "cited_passages"):
            # each place's passage for the record: its own claims, read with the citations
            from processes.models import claims_with_places

            queryset = queryset.prefetch_related("citations__source", claims_with_places())
        return queryset

    def detail_queryset(self):
        return self.list_queryset()

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "ndjson" and self.declaration:
            return self.stream_ndjson()
        return super().list(request, *args, **kwargs)

    def stream_ndjson(self):
        """Every matching record (not one page), streamed like the CSV export."""
        queryset = self.filter_queryset(self.base_queryset())
        site = self.request.build_absolute_uri("/").rstrip("/")
        lines = ndjson_lines(queryset, self.declaration.columns, site)
        return StreamingHttpResponse(lines, content_type=f"{NDJSON_TYPE}; charset=utf-8")


class CatalogueRecordViewSet(mixins.RetrieveModelMixin, CatalogueViewSet):
    """A public list and its records, each at the key of its public URL."""
