"""Django admin for curators: events and documents.

What every catalogue admin shares lives in processes/admin_tools.py.
"""

from django.contrib import admin
from django.utils.text import Truncator

from processes.admin import COMPACT_TEXT
from processes.admin_tools import (
    CURATOR_FIELDSET,
    PUBLISHING_FIELDSET,
    CatalogueAdmin,
    CatalogueInline,
    CitationInline,
    ClaimInline,
    RelationInline,
    VerificationFilter,
    count_column,
    count_related,
)
from timeline.lists import DOCUMENTS, EVENTS
from timeline.models import Document, DocumentPart, Event

# --- documents -----------------------------------------------------------------------------


class DocumentPartInline(CatalogueInline):
    model = DocumentPart
    autocomplete_fields = ["citation"]
    formfield_overrides = COMPACT_TEXT


class DocumentCitationInline(CitationInline):
    model = Document.citations.through


@admin.register(Document)
class DocumentAdmin(CatalogueAdmin):
    list_display = [
        "title",
        "kind",
        "un_symbol",
        "date_shown",
        "publisher",
        "event_count",
        "publication",
        "last_verified_on",
        "public_page",
    ]
    list_filter = [
        "publication",
        VerificationFilter,
        "kind",
        "date_precision",
        ("publisher", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "title",
        "short_title",
        "un_symbol",
        "reference",
        "slug",
        "publisher__name",
        "publisher__acronym",
    ]
    ordering = ["-date", "title"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher", "processes", "source"]
    list_select_related = ["publisher"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "short_title",
                    "slug",
                    "kind",
                    ("un_symbol", "reference"),
                    ("date", "date_precision"),
                    "publisher",
                    "url",
                    "processes",
                    "summary",
                    "source",
                ]
            },
        ),
        CURATOR_FIELDSET,
        PUBLISHING_FIELDSET,
    ]
    inlines = [DocumentPartInline, DocumentCitationInline, ClaimInline]
    csv_columns = DOCUMENTS.columns

    def get_queryset(self, request):
        events = count_related(Event.documents.through, "document")
        return super().get_queryset(request).annotate(event_count=events)

    @admin.display(description="date", ordering="date")
    def date_shown(self, obj):
        return obj.date_display

    event_count = count_column("event_count", "events")


@admin.register(DocumentPart)
class DocumentPartAdmin(CatalogueAdmin):
    list_display = ["document", "kind", "number", "excerpt"]
    list_filter = ["kind"]
    search_fields = ["text", "document__title", "document__short_title"]
    ordering = ["document__title", "kind", "number"]
    autocomplete_fields = ["document", "citation"]
    list_select_related = ["document"]

    @admin.display(description="text")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(120)


# --- events --------------------------------------------------------------------------------


class EventDocumentInline(RelationInline):
    """The documents an event adopted, launched or discussed."""

    model = Event.documents.through
    autocomplete_fields = ["document"]
    verbose_name = "related document"
    verbose_name_plural = "related documents"


class EventCitationInline(CitationInline):
    model = Event.citations.through


@admin.register(Event)
class EventAdmin(CatalogueAdmin):
    list_display = [
        "title",
        "kind",
        "date_shown",
        "city",
        "country",
        "process_count",
        "document_count",
        "publication",
        "last_verified_on",
        "public_page",
    ]
    list_filter = [
        "publication",
        VerificationFilter,
        "kind",
        "start_precision",
        "end_precision",
        "processes__category",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "title",
        "slug",
        "city",
        "venue",
        "country__name",
        "processes__short_name",
        "organizations__acronym",
    ]
    ordering = ["-start_date", "title"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["country", "processes", "organizations"]
    list_select_related = ["country"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    ("city", "venue", "country"),
                    "processes",
                    "organizations",
                    "description",
                ]
            },
        ),
        CURATOR_FIELDSET,
        PUBLISHING_FIELDSET,
    ]
    inlines = [EventDocumentInline, EventCitationInline, ClaimInline]
    csv_columns = EVENTS.columns

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                process_count=count_related(Event.processes.through, "event"),
                document_count=count_related(Event.documents.through, "event"),
            )
        )

    @admin.display(description="date", ordering="start_date")
    def date_shown(self, obj):
        return obj.date_display

    process_count = count_column("process_count", "processes")

    document_count = count_column("document_count", "documents")
