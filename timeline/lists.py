"""One declaration per public list of the timeline app: its FilterSet and its columns.

Read by the list's page (timeline/views.py), its CSV export and its API endpoint
(timeline/api.py); see processes/lists.py.
"""

from django.db.models import F, OuterRef

from migration_governance.core.export import (
    Col,
    DateDisplay,
    joined,
    text,
    url,
)
from processes.lists import ListDeclaration
from processes.models import Citation, Organization, Process
from timeline.filters import DocumentFilter, EventFilter
from timeline.models import Document, Event


def _slugs(model, **lookup):
    return joined(model.objects.published().filter(**lookup), F("slug"), "slug")


EVENT_COLUMNS = (
    Col("slug", F("slug")),
    Col("title", text("title")),
    Col("kind", F("kind")),
    Col("start_date", F("start_date")),
    Col("start_precision", F("start_precision")),
    Col("end_date", F("end_date")),
    Col("end_precision", F("end_precision")),
    Col(
        "date_display",
        DateDisplay(F("start_date"), F("start_precision"), F("end_date"), F("end_precision")),
    ),
    Col("city", text("city")),
    Col("venue", text("venue")),
    Col("country_iso3", F("country__iso3")),
    Col("country_name", text("country__name")),
    Col("process_slugs", _slugs(Process, events=OuterRef("pk"))),
    Col("organization_slugs", _slugs(Organization, events=OuterRef("pk"))),
    Col("document_slugs", _slugs(Document, events=OuterRef("pk"))),
    Col("description", text("description")),
    Col("url", url("/events/", F("slug")), is_url=True),
    Col("citations", Citation.cell_of("events")),
    Col("citation_sources", Citation.sources_cell_of("events")),
)

DOCUMENT_COLUMNS = (
    Col("slug", F("slug")),
    Col("title", text("title")),
    Col("short_title", text("short_title")),
    Col("kind", F("kind")),
    Col("un_symbol", text("un_symbol")),
    Col("reference", text("reference")),
    Col("date", F("date")),
    Col("date_precision", F("date_precision")),
    Col("publisher_slug", F("publisher__slug")),
    Col("publisher_name", text("publisher__name")),
    Col("process_slugs", _slugs(Process, documents=OuterRef("pk"))),
    Col("source_url", text("url")),
    Col("summary", text("summary")),
    Col("url", url("/documents/", F("slug")), is_url=True),
    Col("citations", Citation.cell_of("documents")),
    Col("citation_sources", Citation.sources_cell_of("documents")),
)


EVENTS = ListDeclaration("events", Event, EventFilter, EVENT_COLUMNS)
DOCUMENTS = ListDeclaration("documents", Document, DocumentFilter, DOCUMENT_COLUMNS)
