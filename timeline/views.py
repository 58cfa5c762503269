"""Public pages of the timeline app: events and documents."""

from django.db.models import Prefetch
from django.views.generic import DetailView

from processes.browsing import Facet, FilteredListView
from processes.models import Category, Process
from timeline import lists
from timeline.layout import YEAR_WIDTH, lay_out
from timeline.models import Document, DocumentKind, Event, EventKind


class EventListView(FilteredListView):
    """/events/: everything that happened, filterable by kind, years, process and place."""

    model = Event
    filterset_class = lists.EVENTS.filterset_class
    template_name = "timeline/event_list.html"
    noun_plural = "events"
    page_title = "Events"
    export_url_name = "timeline:event-export"
    export_name = lists.EVENTS.name
    csv_columns = lists.EVENTS.columns
    facets = (
        Facet("kind", "Kind", "kind", dict(EventKind.choices)),
        Facet(
            "process_category",
            "Process category",
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
    filterset_class = lists.DOCUMENTS.filterset_class
    template_name = "timeline/document_list.html"
    noun_plural = "documents"
    page_title = "Documents"
    export_url_name = "timeline:document-export"
    export_name = lists.DOCUMENTS.name
    csv_columns = lists.DOCUMENTS.columns
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
