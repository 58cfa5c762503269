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
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django_filters import ModelMultipleChoiceFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from migration_governance.api_access import AnonRateFromSettings
from migration_governance.core.browsing import MULTI_VALUE_CAP
from migration_governance.core.citing import cite
from migration_governance.core.export import column_types
from migration_governance.core.formats import NDJSON, PROBLEM_TYPE, problem
from migration_governance.core.paging import stable_order
from migration_governance.core.records import ndjson_lines, records, with_records

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
    invalid = exc.invalid if isinstance(exc, InvalidParameters) else None
    body = problem(response.status_code, str(getattr(exc, "detail", exc)), invalid)
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
        # A filter taking typed names (names_typed, processes/filters.py) is described as
        # a string, not as an enumeration of every slug.
        if isinstance(filter_field, ModelMultipleChoiceFilter) and not getattr(
            filter_field, "takes_typed_names", False
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


# --- NDJSON: a whole list, one JSON object per line ------------------------------------


class NDJSONRenderer(renderers.BaseRenderer):
    """``?format=ndjson`` or ``Accept: application/x-ndjson``. A list streams every
    matching record (CatalogueViewSet.list); anything else is its JSON on one line."""

    media_type = NDJSON.media_type
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return (json.dumps(data, ensure_ascii=False, default=str) + "\n").encode()


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


# Every viewset with a route under /api/, by path: each registered list's, and any other
# that names its ``route`` (migration_governance/api_urls.py registers them all).
ROUTES = {}
# The API's other paths (not lists: the matrix, the overlap), added by the apps' api modules.
API_PATHS = []


# --- citing a record ------------------------------------------------------------------


class CiteSerializer(serializers.Serializer):
    """How to cite a record: its permanent URL, the catalogue's version, the day."""

    url = serializers.URLField()
    version = serializers.IntegerField()
    accessed = serializers.DateField()
    text = serializers.CharField()
    bibtex = serializers.CharField()
    csl_json = serializers.DictField()


class CiteMixin:
    """``<detail>/cite/``: the record's citation (migration_governance/core/citing.py)."""

    @extend_schema(responses=CiteSerializer, filters=False)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def cite(self, request, *args, **kwargs):
        obj = self.get_object()
        data = cite(obj, absolute(request, obj.get_absolute_url()))
        data.pop("csl_json_text")
        return Response(data)


# --- a list's records, from its columns -------------------------------------------------

_SCALAR_FIELDS = {
    "string": serializers.CharField,
    "integer": serializers.IntegerField,
    "date": serializers.DateField,
    "boolean": serializers.BooleanField,
}
_record_serializers = {}


def record_serializer(declaration):
    """The OpenAPI description of a list's records: one field per column, named as the
    column and typed from its expression (core/export.py's column_types), so that the
    schema says what core/records.py writes. Built once per list."""
    if declaration.name in _record_serializers:
        return _record_serializers[declaration.name]
    fields = {}
    types = column_types(declaration.model.objects.all(), declaration.columns)
    for column, kind in zip(declaration.columns, types, strict=True):
        if column.json_schema is not None:
            nested = extend_schema_field(column.json_schema)(
                type(f"{column.name.title()}Field", (serializers.JSONField,), {})
            )
            fields[column.name] = nested(read_only=True)
        elif kind.several:
            fields[column.name] = serializers.ListField(
                child=_SCALAR_FIELDS[kind.type](), read_only=True
            )
        elif kind.is_url:
            fields[column.name] = serializers.URLField(read_only=True, allow_null=True)
        elif kind.choices:
            fields[column.name] = serializers.ChoiceField(
                choices=kind.choices, read_only=True, allow_null=True, allow_blank=kind.blank
            )
        elif kind.type == "string":
            fields[column.name] = serializers.CharField(
                read_only=True, allow_null=True, allow_blank=True
            )
        else:
            fields[column.name] = _SCALAR_FIELDS[kind.type](read_only=True, allow_null=True)
    name = f"{declaration.model.__name__}Record"
    _record_serializers[declaration.name] = type(name, (serializers.Serializer,), fields)
    return _record_serializers[declaration.name]


@functools.cache
def detail_serializer(record, extra):
    """A record's description: its list's fields and ``extra``'s, one class per pair (the
    schema names each component once)."""
    return type(extra.__name__, (extra, record), {})


class CatalogueViewSet(CatalogueAPI, mixins.ListModelMixin, viewsets.GenericViewSet):
    """One public list: the list's declaration gives the FilterSet (and the columns of its
    NDJSON), the model's published() the rows. CatalogueRecordViewSet adds each record."""

    declaration = None  # a core.registry.ListDeclaration
    # Its path under /api/ and the name of its routes: the list's own by default.
    route = None
    route_basename = None
    cursor_ordering = ("pk",)
    filter_backends = [CatalogueFilterBackend]
    pagination_class = CataloguePagination
    detail_serializer_class = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declaration = cls.__dict__.get("declaration")
        if declaration is not None:
            cls.route = cls.__dict__.get("route") or declaration.name
            cls.route_basename = cls.__dict__.get("route_basename") or declaration.stem
        if "route" in cls.__dict__ or declaration is not None:
            ROUTES[cls.route] = cls

    @property
    def filterset_class(self):
        return self.declaration.filterset_class if self.declaration else None

    def base_queryset(self):
        return self.queryset.model.objects.published()

    def get_queryset(self):
        return self.list_queryset() if self.action == "list" else self.detail_queryset()

    def list_queryset(self):
        return self.base_queryset().for_list()

    def detail_queryset(self):
        return self.list_queryset()

    def get_serializer_class(self):
        """What the schema describes: a registered list's records are its columns
        (record_serializer), a record's page adds its ``detail_serializer_class``'s fields."""
        if self.declaration is None:
            return self.serializer_class
        record = record_serializer(self.declaration)
        if self.action == "list" or self.detail_serializer_class is None:
            return record
        return detail_serializer(record, self.detail_serializer_class)

    def site(self):
        return self.request.build_absolute_uri("/").rstrip("/")

    def record_rows(self, queryset):
        """``queryset``'s rows, each with its record built by the database from the list's
        columns (core/records.py), as the NDJSON writes it."""
        return with_records(queryset.prefetch_related(None), self.declaration.columns, self.site())

    def list(self, request, *args, **kwargs):
        if self.declaration is None:
            return super().list(request, *args, **kwargs)
        if request.accepted_renderer.format == "ndjson":
            return self.stream_ndjson()
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(self.record_rows(queryset))
        return self.get_paginated_response(records(page))

    def stream_ndjson(self):
        """Every matching record (not one page), streamed like the CSV export."""
        queryset = stable_order(self.filter_queryset(self.base_queryset()))
        lines = ndjson_lines(queryset, self.declaration.columns, self.site())
        return StreamingHttpResponse(lines, content_type=f"{NDJSON.media_type}; charset=utf-8")


class CatalogueRecordViewSet(mixins.RetrieveModelMixin, CatalogueViewSet):
    """A public list and its records, each at the key of its public URL."""

    def retrieve(self, request, *args, **kwargs):
        """A registered list's record: its row of the list (the same fields, built the same
        way), plus its ``detail_serializer_class``'s fields."""
        if self.declaration is None:
            return super().retrieve(request, *args, **kwargs)
        instance = self.get_object()
        (data,) = records(self.record_rows(self.base_queryset().for_list().filter(pk=instance.pk)))
        if self.detail_serializer_class is not None:
            data.update(
                self.detail_serializer_class(instance, context=self.get_serializer_context()).data
            )
        return Response(data)
