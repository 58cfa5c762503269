"""The processes app's part of the JSON API (/api/, docs/api.md): processes, states,
organizations, participations, sources, the matrix and the overlap.

Field names are the CSV's column names (docs/csv.md); relations come as code and label;
several values as arrays; citations as objects. The lists run the FilterSets declared in
processes/lists.py, like their pages and CSVs (migration_governance/api.py).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from migration_governance.api import (
    API_PATHS,
    CatalogueAPI,
    CatalogueFilterBackend,
    CatalogueRecordViewSet,
    CatalogueViewSet,
    CiteMixin,
    PublicURLField,
    absolute,
    check_parameters,
)
from processes import lists
from processes.filters import MatrixFilter, OverlapFilter
from processes.matrix import ROLE_CODES, build_matrix, holding_on, overlap
from processes.models import (
    MemberState,
    Organization,
    Participation,
    Process,
    Role,
    Source,
)

# --- shared fields -------------------------------------------------------------------


class CitationSerializer(serializers.Serializer):
    """One place in a source: the source (slug and title), the locator, the source's own
    words there, and the source's page on this site at that place."""

    source = serializers.CharField(source="source.slug")
    source_title = serializers.CharField(source="source.title")
    locator = serializers.CharField()
    quotation = serializers.CharField()
    url = serializers.SerializerMethodField()
    source_url = serializers.CharField(source="source.url")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, citation):
        return absolute(self.context["request"], citation.get_absolute_url())


def slugs(field):
    return serializers.SlugRelatedField(source=field, many=True, read_only=True, slug_field="slug")


# --- processes -----------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    """One participation as its process's page lists it."""

    participant_type = serializers.SerializerMethodField()
    state_iso3 = serializers.CharField(source="state.iso3", default=None, allow_null=True)
    state_name = serializers.CharField(source="state.name", default=None, allow_null=True)
    state_url = serializers.SerializerMethodField()
    organization_slug = serializers.CharField(
        source="organization.slug", default=None, allow_null=True
    )
    organization_name = serializers.CharField(
        source="organization.name", default=None, allow_null=True
    )
    organization_url = serializers.SerializerMethodField()
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Participation
        fields = [
            "participant_type",
            "state_iso3",
            "state_name",
            "state_url",
            "organization_slug",
            "organization_name",
            "organization_url",
            "role",
            "as_of",
            "start_date",
            "end_date",
            "note",
            "citations",
        ]

    def get_participant_type(self, participation) -> str:
        return participation.participant_type

    def _url(self, record):
        return absolute(self.context["request"], record.get_absolute_url()) if record else None

    def get_state_url(self, participation) -> str | None:
        return self._url(participation.state)

    def get_organization_url(self, participation) -> str | None:
        return self._url(participation.organization)


class RoleGroupSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField()
    participants = ParticipantSerializer(many=True)


class ProcessDetailSerializer(serializers.Serializer):
    """What a process's record adds to its row of the list: its public participants
    grouped by role (in the order of roles, states before organizations, as its page shows
    them)."""

    participants_by_role = serializers.SerializerMethodField()

    @extend_schema_field(RoleGroupSerializer(many=True))
    def get_participants_by_role(self, process):
        groups = {}
        for p in sorted(
            process.participations.all(),
            key=lambda p: (
                Role.rank(p.role),
                p.state is None,
                str(p.participant),
                p.as_of or "",
            ),
        ):
            groups.setdefault(p.role, []).append(p)
        return [
            {
                "role": role,
                "role_label": str(Role(role).label),
                "participants": ParticipantSerializer(items, many=True, context=self.context).data,
            }
            for role, items in groups.items()
        ]


class ProcessViewSet(CiteMixin, CatalogueRecordViewSet):
    """Processes: the same FilterSet as /processes/ and /processes/export.csv."""

    queryset = Process.objects.all()
    declaration = lists.PROCESSES
    detail_serializer_class = ProcessDetailSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def detail_queryset(self):
        participations = Participation.objects.published().for_list()
        return self.list_queryset().prefetch_related(
            Prefetch("participations", queryset=participations)
        )


# --- states --------------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter(
            "iso3",
            str,
            OpenApiParameter.PATH,
            description="ISO 3166 alpha-3, lower case as in the page's URL.",
            pattern="^[a-z]{3}$",
        )
    ]
)
class StateViewSet(CiteMixin, CatalogueRecordViewSet):
    """States and territories: the same FilterSet as /states/ and its CSV."""

    queryset = MemberState.objects.all()
    declaration = lists.STATES
    lookup_field = "iso3"
    lookup_value_regex = "[A-Za-z]{3}"
    cursor_ordering = ("iso3",)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), iso3=self.kwargs["iso3"].upper())


# --- organizations -------------------------------------------------------------------


class OrganizationViewSet(CiteMixin, CatalogueRecordViewSet):
    """Organizations: the same FilterSet as /organizations/ and its CSV."""

    queryset = Organization.objects.all()
    declaration = lists.ORGANIZATIONS
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def list_queryset(self):
        return super().list_queryset().prefetch_related("citations__source")


# --- participations ------------------------------------------------------------------


class ParticipationViewSet(CatalogueViewSet):
    """Participations (a list only: a participation has no page of its own)."""

    queryset = Participation.objects.all()
    declaration = lists.PARTICIPATIONS
    cursor_ordering = ("pk",)


# --- sources -------------------------------------------------------------------------


class SectionSerializer(serializers.Serializer):
    anchor = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()


class SourceSerializer(serializers.ModelSerializer):
    source_url = serializers.CharField(source="url")
    sections = SectionSerializer(many=True, read_only=True)
    url = PublicURLField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "file_name",
            "title",
            "short_title",
            "kind",
            "author",
            "publisher",
            "published",
            "source_url",
            "description",
            "sections",
            "url",
        ]


class SourceViewSet(CiteMixin, CatalogueRecordViewSet):
    """The documents the catalogue is built from (no filters, like /sources/)."""

    route = "sources"
    route_basename = "source"
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def list_queryset(self):
        return Source.objects.all()


# --- matrix and overlap --------------------------------------------------------------


class MatrixColumnSerializer(serializers.Serializer):
    process_slug = serializers.CharField()
    process_name = serializers.CharField()
    process_url = serializers.URLField()


class MatrixCellSerializer(serializers.Serializer):
    process_slug = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    codes = serializers.CharField()


class MatrixRowSerializer(serializers.Serializer):
    participant_type = serializers.ChoiceField(choices=["state", "organization"])
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    cells = MatrixCellSerializer(many=True)


class MatrixSerializer(serializers.Serializer):
    columns = MatrixColumnSerializer(many=True)
    rows = MatrixRowSerializer(many=True)
    role_codes = serializers.DictField(child=serializers.CharField())


class FilteredAPIView(CatalogueAPI, APIView):
    """An API view over a FilterSet that is not a list of records (matrix, overlap)."""

    filter_backends = [CatalogueFilterBackend]
    filterset_class = None
    queryset = Participation.objects.none()

    def filtered(self):
        queryset = Participation.objects.published().select_related(
            "process", "state", "organization"
        )
        filterset = CatalogueFilterBackend().get_filterset(self.request, queryset, self)
        check_parameters(self.request, filterset)
        return filterset


def participant_json(request, participant):
    is_state = participant.participant_type == "state"
    return {
        "participant_type": participant.participant_type,
        "code": participant.iso3 if is_state else participant.slug,
        "name": participant.name,
        "url": absolute(request, participant.get_absolute_url()),
    }


class MatrixAPIView(FilteredAPIView):
    """/api/matrix/: the matrix's rows (states or organizations), its processes, and the
    roles in each non-empty cell; the filters of /matrix/ and /matrix/export.csv."""

    filterset_class = MatrixFilter

    @extend_schema(responses=MatrixSerializer, operation_id="matrix", filters=True)
    def get(self, request):
        filterset = self.filtered()
        data = filterset.form.cleaned_data
        participations = list(filterset.qs.order_by("pk"))
        if data.get("as_of"):
            participations = holding_on(participations, data["as_of"])
        matrix = build_matrix(
            participations,
            by=data.get("rows") or "states",
            sort_rows=data.get("sort_rows") or "name",
            sort_columns=data.get("sort_columns") or "name",
        )
        columns = [
            {
                "process_slug": c.slug,
                "process_name": c.name,
                "process_url": absolute(request, c.get_absolute_url()),
            }
            for c in matrix.columns
        ]
        rows = []
        for participant, cells, _total in matrix.grid():
            row = participant_json(request, participant)
            row["cells"] = [
                {"process_slug": column.slug, "roles": cell.roles, "codes": cell.codes}
                for column, cell in zip(matrix.columns, cells, strict=True)
                if cell
            ]
            rows.append(row)
        codes = {str(role.value): code for role, code in ROLE_CODES.items()}
        return Response({"columns": columns, "rows": rows, "role_codes": codes})


class OverlapRowSerializer(serializers.Serializer):
    participant_type = serializers.ChoiceField(choices=["state", "organization"])
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    takes_part = serializers.ListField(child=serializers.BooleanField())
    in_all = serializers.BooleanField()


class OverlapSerializer(serializers.Serializer):
    process_slugs = serializers.ListField(child=serializers.CharField())
    rows = OverlapRowSerializer(many=True)


class OverlapAPIView(FilteredAPIView):
    """/api/overlap/: for two to four processes, every participant and which of them it
    takes part in (members and participants unless ``role`` says otherwise)."""

    filterset_class = OverlapFilter

    @extend_schema(responses=OverlapSerializer, operation_id="overlap", filters=True)
    def get(self, request):
        filterset = self.filtered()
        participations = filterset.qs
        if not filterset.form.cleaned_data.get("role"):
            participations = participations.filter(role__in=[Role.MEMBER, Role.PARTICIPANT])
        processes = sorted(filterset.form.cleaned_data["process"], key=lambda p: p.name)
        result = overlap(participations, processes)
        rows = [
            {
                **participant_json(request, participant),
                "takes_part": flags,
                "in_all": all(flags),
            }
            for participant, flags in result["rows"]
        ]
        return Response({"process_slugs": [p.slug for p in processes], "rows": rows})


API_PATHS.extend(
    [
        path("matrix/", MatrixAPIView.as_view(), name="matrix"),
        path("overlap/", OverlapAPIView.as_view(), name="overlap"),
    ]
)
