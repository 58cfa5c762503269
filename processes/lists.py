"""The public lists of the processes app, each declared once and registered
(migration_governance/core/registry.py): its model, FilterSet, columns, facets and how
the site names it.

A list's page (processes/views.py), its CSV, its JSON and NDJSON in the API and its table
in the data package all read the declaration here, so they always hold the same records,
and a column's name is the CSV's header and the API's field name alike (docs/csv.md,
docs/api.md). docs/adding-a-list.md says how to add one.
"""

from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from migration_governance.core import registry
from migration_governance.core.export import (
    Col,
    CsvText,
    JsonListJoined,
    joined,
    text,
    url,
)
from migration_governance.core.facets import Facet
from migration_governance.core.figures import Summary
from processes.filters import (
    MemberStateFilter,
    OrganizationFilter,
    ParticipationFilter,
    ProcessFilter,
)
from processes.languages import other_names
from processes.models import (
    Category,
    Citation,
    MemberState,
    Organization,
    OrganizationKind,
    Participation,
    Process,
    Region,
    Role,
    Scope,
    StateAlias,
    StateKind,
    Status,
    Topic,
    UNRegion,
)
from processes.search import cited_names

# --- columns: stable names, documented in docs/csv.md ---------------------------------------


def url_if(relation, prefix, key):
    """The page of the record ``relation`` names, or nothing where it names none."""
    return Case(When(**{f"{relation}__isnull": False}, then=url(prefix, key)), default=None)


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
    *Citation.columns_of("processes"),
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
    # Added in December 2026, at the end (docs/csv.md): what the JSON API already gave.
    Col("description", text("description")),
    *Citation.columns_of("organizations"),
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
    *Citation.columns_of("participations"),
    # Added in December 2026, at the end (docs/csv.md): what the JSON API already gave.
    Col("state_url", url_if("state", "/states/", Lower("state__iso3")), is_url=True),
    Col(
        "organization_url",
        url_if("organization", "/organizations/", F("organization__slug")),
        is_url=True,
    ),
)


def public_participations(link):
    """A Facet ``through``: the public participations, linked back by ``link``."""
    return lambda: (Participation.objects.published(), link)


PROCESSES = registry.ListDeclaration(
    name="processes",
    namespace="processes",
    stem="process",
    model=Process,
    filterset_class=ProcessFilter,
    columns=PROCESS_COLUMNS,
    key=("slug",),
    title=_("Processes"),
    noun_plural=_("processes"),
    nav_label=pgettext_lazy("site section", "Processes"),
    description="The intergovernmental processes on migration.",
    facets=(
        Facet("category", _("Category"), "category", dict(Category.choices)),
        Facet("scope", _("Scope"), "scope", dict(Scope.choices)),
        Facet("status", _("Status"), "status", dict(Status.choices)),
        Facet("region", _("Region"), "regions__name", dict(UNRegion.choices)),
        Facet("topic", _("Topic"), "topics__slug", label_path="topics__name"),
    ),
    foreign_keys=(("parent_slug", "processes", "slug"),),
    search=registry.SearchKind(
        "process",
        "process",
        "processes",
        "processes.Process",
        ("name", "short_name", "slug"),
        ("region_label", "description"),
        translated_names=cited_names,
        translated_relation="language_names",
    ),
)

STATES = registry.ListDeclaration(
    name="states",
    namespace="processes",
    stem="state",
    model=MemberState,
    filterset_class=MemberStateFilter,
    columns=STATE_COLUMNS,
    key=("iso3",),
    title=_("States and territories"),
    noun_plural=_("states and territories"),
    nav_label=pgettext_lazy("site section", "States"),
    description="States, observer states, territories and historical states (ISO 3166).",
    facets=(
        Facet("region", _("Region"), "region", dict(UNRegion.choices)),
        Facet("kind", _("Kind"), "kind", dict(StateKind.choices)),
        Facet(
            "role", _("Role"), "role", dict(Role.choices), through=public_participations("state")
        ),
    ),
    search=registry.SearchKind(
        "state",
        "state or territory",
        "states and territories",
        "processes.MemberState",
        ("name", "iso_name", "official_name", "iso3", "iso2"),
        alias_relation="aliases",
        translated_names=lambda state: other_names(state.name, state.iso_name),
    ),
)

ORGANIZATIONS = registry.ListDeclaration(
    name="organizations",
    namespace="processes",
    stem="organization",
    model=Organization,
    filterset_class=OrganizationFilter,
    columns=ORGANIZATION_COLUMNS,
    key=("slug",),
    title=_("Organizations"),
    noun_plural=_("organizations"),
    nav_label=pgettext_lazy("site section", "Organizations"),
    description="The organizations that run, join or support the processes.",
    facets=(
        Facet("kind", _("Kind"), "kind", dict(OrganizationKind.choices)),
        Facet(
            "role",
            _("Role"),
            "role",
            dict(Role.choices),
            through=public_participations("organization"),
        ),
    ),
    foreign_keys=(("parent_slug", "organizations", "slug"),),
    search=registry.SearchKind(
        "organization",
        "organization",
        "organizations",
        "processes.Organization",
        ("acronym", "name", "slug"),
        ("description",),
        translated_names=cited_names,
        translated_relation="language_names",
    ),
)

PARTICIPATIONS = registry.ListDeclaration(
    name="participations",
    namespace="processes",
    stem="participation",
    model=Participation,
    filterset_class=ParticipationFilter,
    columns=PARTICIPATION_COLUMNS,
    key=("process_slug", "state_iso3", "organization_slug", "role", "as_of"),
    key_is_unique=False,
    title=_("Participations"),
    noun_plural=_("participations"),
    nav_label=pgettext_lazy("site section", "Participations"),
    description=(
        "Who takes part in which process, in what role, as of when: one row per state or "
        "organization, role and date of the source's list. A row names a state "
        "(state_iso3) or an organization (organization_slug), never both."
    ),
    facets=(
        Facet("role", _("Role"), "role", dict(Role.choices)),
        Facet("category", _("Process category"), "process__category", dict(Category.choices)),
        Facet(
            "process_region", _("Process region"), "process__regions__name", dict(UNRegion.choices)
        ),
        Facet("state_region", _("State region"), "state__region", dict(UNRegion.choices)),
    ),
    # About 4,600 rows at scale 1000 stand for its 600,000 participations.
    counted_by=Summary(
        columns={
            "role": "role",
            "category": "process__category",
            "scope": "process__scope",
            "state_region": "state__region",
        },
        sets={"process_region": ("process__regions__name", UNRegion.values)},
    ),
    foreign_keys=(
        ("process_slug", "processes", "slug"),
        ("state_iso3", "states", "iso3"),
        ("organization_slug", "organizations", "slug"),
    ),
    has_detail_pages=False,
)


registry.register(PROCESSES, order=10)
registry.register(STATES, order=20)
registry.register(ORGANIZATIONS, order=30)
registry.register(PARTICIPATIONS, order=40)
# The site's other sections, among the lists in the navigation (timeline/lists.py adds its own).
for _section in (
    registry.Section(
        70,
        pgettext_lazy("site section", "Matrix"),
        "processes:matrix",
        ("processes:matrix", "processes:overlap"),
        figures_path="/matrix/",
    ),
    registry.Section(
        90,
        pgettext_lazy("site section", "Sources"),
        "processes:source-list",
        ("processes:source-list", "processes:source-detail"),
    ),
    registry.Section(
        100,
        pgettext_lazy("site section", "Search"),
        "processes:search",
        ("processes:search",),
    ),
):
    registry.register_section(_section)

# The fixture files of the app's models, in loading order among both apps' (the timeline's
# events and documents load between participations and claims: timeline/lists.py).
for _order, _label, _file_name in (
    (10, "processes.source", "sources.json"),
    (20, "processes.citation", "citations.json"),
    (30, "processes.memberstate", "states.json"),
    (40, "processes.statealias", "state-aliases.json"),
    (50, "processes.topic", "topics.json"),
    (60, "processes.region", "regions.json"),
    (70, "processes.organization", "organizations.json"),
    (80, "processes.process", "processes.json"),
    (90, "processes.languagename", "language-names.json"),
    (100, "processes.participation", "participations.json"),
    # Claims and check exceptions name records of every kind.
    (200, "processes.claim", "claims.json"),
    (210, "processes.checkexception", "check-exceptions.json"),
):
    registry.register_fixture(registry.FixtureFile(_order, _label, _file_name))
