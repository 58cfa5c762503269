"""Public URLs of the timeline app (stable: documented in docs/urls.md)."""

from django.urls import path

from timeline import views

app_name = "timeline"

urlpatterns = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/export.csv", views.EventExportView.as_view(), name="event-export"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path("documents/export.csv", views.DocumentExportView.as_view(), name="document-export"),
    path("documents/<slug:slug>/", views.DocumentDetailView.as_view(), name="document-detail"),
]
