"""The timeline app's part of the JSON API (/api/, docs/api.md): events and documents.

Partial dates come as the date (its first day when only a year or month is known) and its
precision, plus ``date_display`` as precise as known, as in the CSV (docs/csv.md).
"""

from migration_governance.api import CatalogueRecordViewSet, CiteMixin
from timeline import lists
from timeline.models import Document, Event


class EventViewSet(CiteMixin, CatalogueRecordViewSet):
    """Events: the same FilterSet as /events/ and /events/export.csv."""

    queryset = Event.objects.all()
    declaration = lists.EVENTS
    lookup_field = "slug"
    cursor_ordering = ("slug",)


class DocumentViewSet(CiteMixin, CatalogueRecordViewSet):
    """Documents: the same FilterSet as /documents/ and /documents/export.csv."""

    queryset = Document.objects.all()
    declaration = lists.DOCUMENTS
    lookup_field = "slug"
    cursor_ordering = ("slug",)
