"""One declaration per public list of the processes app: its FilterSet and its columns.

A list's page (processes/views.py), its CSV export and its API endpoint
(processes/api.py) all read the declaration here, so the three always hold the same
records, and a column's name is the CSV's header and the API's field name alike
(docs/csv.md, docs/api.md).
"""

from dataclasses import dataclass

from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower

from migration_governance.core.export import (
    Col,
    CsvText,
    JsonListJoined,
    joined,
    text,
    url,
)
from processes.filters import (
    MemberStateFilter,
    OrganizationFilter,
    ParticipationFilter,
    ProcessFilter,
)
from processes.models import (
    Citation,
    MemberState,
    Organization,
    Participation,
    Process,
    Region,
    StateAlias,
    Topic,
)


@dataclass(frozen=True)
class ListDeclaration:
    """A public list, declared once.

    ``name`` names its CSV file and its API path; ``filterset_class`` selects its rows for
    the page, the CSV and the API; ``columns`` (stable names, each with the database
    expression that computes it) are the CSV's columns and the NDJSON's fields."""

    name: str
    model: type
    filterset_class: type
    columns: tuple


# --- columns: stable names, documented in docs/csv.md ---------------------------------------

PROCESS_COLUMNS = (
    Col("slug", F("slug")),
    Col("name", text("name")),
    Col("short_name", text("short_name")),
    Col("scope", F("scope")),
    Col("category", F("category")),
    Col("status", F("status")),
    Col("year_established", F("year_established")),
    Col("year_ended", F("year_ended")),
    Col("regions", joined(Region.objects.filter(processes=OuterRef("pk")), F("name"), "name")),
    Col("region_label", text("region_label")),
    Col(
        "topics",
        CsvText(joined(Topic.objects.filter(processes=OuterRef("pk")), F("name"), "number")),
    ),
    Col("websites", CsvText(JsonListJoined(F("websites")))),
    Col("stated_member_total", F("stated_member_total")),
    Col(
        "parent_slug",
        Subquery(Process.objects.published().filter(pk=OuterRef("parent_id")).values("slug")),
    ),
    Col("description", text("description")),
    Col("url", url("/processes/", F("slug")), is_url=True),
    Col("citations", Citation.cell_of("processes")),
    Col("citation_sources", Citation.sources_cell_of("processes")),
)

STATE_COLUMNS = (
    Col("iso3", F("iso3")),
    Col("iso2", F("iso2")),
    Col("m49", F("m49")),
    Col("name", text("name")),
    Col("iso_name", text("iso_name")),
    Col("official_name", text("official_name")),
    Col("region", F("region")),
    Col("sub_region", F("sub_region")),
    Col("kind", F("kind")),
    Col(
        "aliases",
        CsvText(joined(StateAlias.objects.filter(state=OuterRef("pk")), F("name"), "name")),
    ),
    Col("url", url("/states/", Lower("iso3")), is_url=True),
)

ORGANIZATION_COLUMNS = (
    Col("slug", F("slug")),
    Col("name", text("name")),
    Col("acronym", text("acronym")),
    Col("kind", F("kind")),
    Col("website", text("website")),
    Col("parent_slug", F("parent__slug")),
    Col("url", url("/organizations/", F("slug")), is_url=True),
)

PARTICIPATION_COLUMNS = (
    Col("process_slug", F("process__slug")),
    Col("process_name", text("process__name")),
    Col(
        "participant_type",
        Case(When(state__isnull=False, then=Value("state")), default=Value("organization")),
    ),
    Col("state_iso3", F("state__iso3")),
    Col("state_name", text("state__name")),
    Col("organization_slug", F("organization__slug")),
    Col("organization_name", text("organization__name")),
    Col("role", F("role")),
    Col("as_of", F("as_of")),
    Col("start_date", F("start_date")),
    Col("end_date", F("end_date")),
    Col("note", text("note")),
    Col("process_url", url("/processes/", F("process__slug")), is_url=True),
    Col("citations", Citation.cell_of("participations")),
    Col("citation_sources", Citation.sources_cell_of("participations")),
)


PROCESSES = ListDeclaration("processes", Process, ProcessFilter, PROCESS_COLUMNS)
STATES = ListDeclaration("states", MemberState, MemberStateFilter, STATE_COLUMNS)
ORGANIZATIONS = ListDeclaration(
    "organizations", Organization, OrganizationFilter, ORGANIZATION_COLUMNS
)
PARTICIPATIONS = ListDeclaration(
    "participations", Participation, ParticipationFilter, PARTICIPATION_COLUMNS
)
