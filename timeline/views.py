"""Public pages of the timeline app: events and documents."""

from django.db.models import Prefetch
from django.views.generic import DetailView

from processes.browsing import Column, Facet, FilteredListView, citations_text, join_values
from processes.models import Category
from timeline.filters import DocumentFilter, EventFilter
from timeline.layout import YEAR_WIDTH, lay_out
from timeline.models import Document, DocumentKind, Event, EventKind


def _url(obj):
    return obj.get_absolute_url()


EVENT_COLUMNS = (
    Column("slug", lambda e: e.slug),
    Column("title", lambda e: e.title),
    Column("kind", lambda e: e.kind),
    Column("start_date", lambda e: e.start_date),
    Column("start_precision", lambda e: e.start_precision),
    Column("end_date", lambda e: e.end_date),
    Column("end_precision", lambda e: e.end_precision),
    Column("date_display", lambda e: e.date_display),
    Column("city", lambda e: e.city),
    Column("venue", lambda e: e.venue),
    Column("country_iso3", lambda e: e.country.iso3 if e.country else ""),
    Column("country_name", lambda e: e.country.name if e.country else ""),
    Column("process_slugs", lambda e: join_values(p.slug for p in e.processes.all())),
    Column("organization_slugs", lambda e: join_values(o.slug for o in e.organizations.all())),
    Column("document_slugs", lambda e: join_values(d.slug for d in e.documents.all())),
    Column("description", lambda e: e.description),
    Column("url", _url, is_url=True),
    Column("citations", citations_text),
)

DOCUMENT_COLUMNS = (
    Column("slug", lambda d: d.slug),
    Column("title", lambda d: d.title),
    Column("short_title", lambda d: d.short_title),
    Column("kind", lambda d: d.kind),
    Column("un_symbol", lambda d: d.un_symbol),
    Column("date", lambda d: d.date),
    Column("date_precision", lambda d: d.date_precision),
    Column("publisher_slug", lambda d: d.publisher.slug if d.publisher else ""),
    Column("publisher_name", lambda d: d.publisher.name if d.publisher else ""),
    Column("process_slugs", lambda d: join_values(p.slug for p in d.processes.all())),
    Column("source_url", lambda d: d.url),
    Column("summary", lambda d: d.summary),
    Column("url", _url, is_url=True),
    Column("citations", citations_text),
)


class EventListView(FilteredListView):
    """/events/: everything that happened, filterable by kind, years, process and place."""

    model = Event
    filterset_class = EventFilter
    template_name = "timeline/event_list.html"
    noun_plural = "events"
    page_title = "Events"
    export_url_name = "timeline:event-export"
    export_name = "events"
    csv_columns = EVENT_COLUMNS
    facets = (
        Facet("kind", "Kind", "kind", dict(EventKind.choices)),
        Facet(
            "process_category", "Process category", "processes__category", dict(Category.choices)
        ),
    )


class EventExportView(EventListView):
    export = True


class TimelineView(EventListView):
    """/timeline/: every event on a year axis by decade, with the event list's filters."""

    template_name = "timeline/timeline.html"
    page_title = "Timeline"
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
    noun_plural = "documents"
    page_title = "Documents"
    export_url_name = "timeline:document-export"
    export_name = "documents"
    csv_columns = DOCUMENT_COLUMNS
    facets = (Facet("kind", "Kind", "kind", dict(DocumentKind.choices)),)


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
