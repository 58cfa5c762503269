"""Public pages of the timeline app: events and documents."""

from django.db.models import F, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from processes.browsing import Facet, FilteredListView
from processes.export import (
    Col,
    DateDisplay,
    citation_sources_of,
    citations_of,
    joined,
    text,
    url,
)
from processes.models import Category, Organization, Process
from timeline.filters import DocumentFilter, EventFilter
from timeline.layout import YEAR_WIDTH, lay_out
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
    Col("citations", citations_of("events")),
    Col("citation_sources", citation_sources_of("events")),
)

DOCUMENT_COLUMNS = (
    Col("slug", F("slug")),
    Col("title", text("title")),
    Col("short_title", text("short_title")),
    Col("kind", F("kind")),
    Col("un_symbol", text("un_symbol")),
    Col("date", F("date")),
    Col("date_precision", F("date_precision")),
    Col("publisher_slug", F("publisher__slug")),
    Col("publisher_name", text("publisher__name")),
    Col("process_slugs", _slugs(Process, documents=OuterRef("pk"))),
    Col("source_url", text("url")),
    Col("summary", text("summary")),
    Col("url", url("/documents/", F("slug")), is_url=True),
    Col("citations", citations_of("documents")),
    Col("citation_sources", citation_sources_of("documents")),
)


class EventListView(FilteredListView):
    """/events/: everything that happened, filterable by kind, years, process and place."""

    model = Event
    filterset_class = EventFilter
    template_name = "timeline/event_list.html"
    noun_plural = _("events")
    page_title = _("Events")
    export_url_name = "timeline:event-export"
    export_name = "events"
    csv_columns = EVENT_COLUMNS
    facets = (
        Facet("kind", _("Kind"), "kind", dict(EventKind.choices)),
        Facet(
            "process_category",
            _("Process category"),
            "category",
            dict(Category.choices),
            through=lambda: (Process.objects.published(), "events"),
        ),
    )


class EventExportView(EventListView):
    export = True


class TimelineView(EventListView):
    """/timeline/: every event on a year axis by decade, with the event list's filters."""

    template_name = "timeline/timeline.html"
    page_title = _("Timeline")
    facets = ()

    def get_list_queryset(self):
        # The picture shows each event's own fields only: no relation to prefetch.
        return self.get_base_queryset()

    def get_paginate_by(self, queryset):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(self.object_list)
        context["decades"] = lay_out(events)
        context["undated"] = [e for e in events if e.start_date is None]
        context["kinds"] = EventKind.choices
        context["year_width"] = YEAR_WIDTH
        return context


class EventDetailView(DetailView):
    """One event: when, where, what kind, and the processes, organizations and documents."""

    template_name = "timeline/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return (
            Event.objects.published()
            .for_list()
            .prefetch_related("claims__citation__source", "documents__publisher")
        )


class DocumentListView(FilteredListView):
    """/documents/: conventions, declarations, resolutions, reports, frameworks…"""

    model = Document
    filterset_class = DocumentFilter
    template_name = "timeline/document_list.html"
    noun_plural = _("documents")
    page_title = _("Documents")
    export_url_name = "timeline:document-export"
    export_name = "documents"
    csv_columns = DOCUMENT_COLUMNS
    facets = (Facet("kind", _("Kind"), "kind", dict(DocumentKind.choices)),)


class DocumentExportView(DocumentListView):
    export = True


class DocumentDetailView(DetailView):
    """One document: its symbol, date, publisher, processes, events and parts."""

    template_name = "timeline/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return (
            Document.objects.published()
            .for_list()
            .prefetch_related(
                "parts__citation__source",
                "claims__citation__source",
                Prefetch("events", queryset=Event.objects.published().order_by("start_date")),
            )
        )
