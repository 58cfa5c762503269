"""The public lists of the timeline app, each declared once and registered, and the
timeline's own place in the navigation; see processes/lists.py.
"""

from django.db.models import F, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from migration_governance.core import registry
from migration_governance.core.export import (
    Col,
    DateDisplay,
    PartialDate,
    joined,
    text,
    url,
)
from migration_governance.core.facets import Facet
from processes.models import Category, Citation, Organization, Process
from timeline.filters import DocumentFilter, EventFilter
from timeline.models import Document, DocumentKind, Event, EventKind


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
    *Citation.columns_of("events"),
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
    *Citation.columns_of("documents"),
    # Added in December 2026, at the end (docs/csv.md): what the JSON API already gave.
    Col("date_display", PartialDate(F("date"), F("date_precision"))),
)


EVENTS = registry.ListDeclaration(
    name="events",
    namespace="timeline",
    stem="event",
    model=Event,
    filterset_class=EventFilter,
    columns=EVENT_COLUMNS,
    key=("slug",),
    title=_("Events"),
    noun_plural=_("events"),
    nav_label=pgettext_lazy("site section", "Events"),
    description="What happened: establishments, adoptions, conferences, meetings, reports.",
    facets=(
        Facet("kind", _("Kind"), "kind", dict(EventKind.choices)),
        Facet(
            "process_category",
            _("Process category"),
            "category",
            dict(Category.choices),
            through=lambda: (Process.objects.published(), "events"),
        ),
    ),
    foreign_keys=(("country_iso3", "states", "iso3"),),
    search=registry.SearchKind(
        "event",
        "event",
        "events",
        "timeline.Event",
        ("title", "slug"),
        ("city", "venue", "description"),
    ),
)

DOCUMENTS = registry.ListDeclaration(
    name="documents",
    namespace="timeline",
    stem="document",
    model=Document,
    filterset_class=DocumentFilter,
    columns=DOCUMENT_COLUMNS,
    key=("slug",),
    title=_("Documents"),
    noun_plural=_("documents"),
    nav_label=pgettext_lazy("site section", "Documents"),
    description=(
        "Conventions, declarations, resolutions, reports, frameworks and other documents."
    ),
    facets=(Facet("kind", _("Kind"), "kind", dict(DocumentKind.choices)),),
    foreign_keys=(("publisher_slug", "organizations", "slug"),),
    search=registry.SearchKind(
        "document",
        "document",
        "documents",
        "timeline.Document",
        ("title", "short_title", "un_symbol", "reference", "slug"),
        ("summary",),
    ),
)

registry.register(EVENTS, order=50)
registry.register(DOCUMENTS, order=80)
registry.register_section(
    registry.Section(
        60,
        pgettext_lazy("site section", "Timeline"),
        "timeline:timeline",
        ("timeline:timeline",),
        figures_path="/timeline/",
    )
)

# The fixture files of the app's models, after the processes app's participations and before
# its claims, which may name events and documents (processes/lists.py).
for _order, _label, _file_name in (
    (110, "timeline.document", "documents.json"),
    (120, "timeline.documentpart", "document-parts.json"),
    (130, "timeline.event", "events.json"),
):
    registry.register_fixture(registry.FixtureFile(_order, _label, _file_name))
