"""The timeline app's part of the JSON API (/api/, docs/api.md): events and documents.

Partial dates come as the date (its first day when only a year or month is known) and its
precision, plus ``date_display`` as precise as known, as in the CSV (docs/csv.md).
"""

from rest_framework import serializers

from migration_governance.api import CatalogueRecordViewSet, PublicURLField
from processes.api import CitationSerializer, CiteMixin, slugs
from timeline import lists
from timeline.models import Document, Event


class EventSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", default=None, allow_null=True)
    country_name = serializers.CharField(source="country.name", default=None, allow_null=True)
    process_slugs = slugs("processes")
    organization_slugs = slugs("organizations")
    document_slugs = slugs("documents")
    date_display = serializers.CharField(read_only=True)
    url = PublicURLField()
    # The passage shown for this record at each place, as its page shows it.
    citations = CitationSerializer(many=True, read_only=True, source="cited_passages")

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "kind",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "date_display",
            "city",
            "venue",
            "country_iso3",
            "country_name",
            "process_slugs",
            "organization_slugs",
            "document_slugs",
            "description",
            "url",
            "citations",
        ]


class EventViewSet(CiteMixin, CatalogueRecordViewSet):
    """Events: the same FilterSet as /events/ and /events/export.csv."""

    queryset = Event.objects.all()
    declaration = lists.EVENTS
    serializer_class = EventSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)


class DocumentSerializer(serializers.ModelSerializer):
    publisher_slug = serializers.CharField(source="publisher.slug", default=None, allow_null=True)
    publisher_name = serializers.CharField(source="publisher.name", default=None, allow_null=True)
    process_slugs = slugs("processes")
    source_url = serializers.CharField(source="url")
    date_display = serializers.CharField(read_only=True)
    url = PublicURLField()
    # The passage shown for this record at each place, as its page shows it.
    citations = CitationSerializer(many=True, read_only=True, source="cited_passages")

    class Meta:
        model = Document
        fields = [
            "slug",
            "title",
            "short_title",
            "kind",
            "un_symbol",
            "reference",
            "date",
            "date_precision",
            "date_display",
            "publisher_slug",
            "publisher_name",
            "process_slugs",
            "source_url",
            "summary",
            "url",
            "citations",
        ]


class DocumentViewSet(CiteMixin, CatalogueRecordViewSet):
    """Documents: the same FilterSet as /documents/ and /documents/export.csv."""

    queryset = Document.objects.all()
    declaration = lists.DOCUMENTS
    serializer_class = DocumentSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)
