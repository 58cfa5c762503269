"""Django admin for curators: events and documents."""

from django.contrib import admin

from timeline.models import Document, DocumentClaim, DocumentPart, Event, EventClaim


class DocumentPartInline(admin.TabularInline):
    model = DocumentPart
    extra = 0
    autocomplete_fields = ["citation"]


class DocumentClaimInline(admin.TabularInline):
    model = DocumentClaim
    extra = 0
    autocomplete_fields = ["citation"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "un_symbol", "date", "publisher"]
    list_filter = ["kind", "date_precision"]
    search_fields = ["title", "short_title", "un_symbol", "slug"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher", "processes", "citations", "source"]
    inlines = [DocumentPartInline, DocumentClaimInline]


class EventClaimInline(admin.TabularInline):
    model = EventClaim
    extra = 0
    autocomplete_fields = ["citation"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start_date", "start_precision", "city", "country"]
    list_filter = ["kind", "start_precision"]
    search_fields = ["title", "slug", "city", "venue"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["country", "processes", "organizations", "documents", "citations"]
    inlines = [EventClaimInline]
