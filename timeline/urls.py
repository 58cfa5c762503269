"""Public URLs of the timeline app (stable: documented in docs/urls.md)."""

from django.urls import path

from timeline import lists, views

app_name = "timeline"

urlpatterns = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    *lists.EVENTS.urls(views.EventListView, views.EventDetailView),
    *lists.DOCUMENTS.urls(views.DocumentListView, views.DocumentDetailView),
]
