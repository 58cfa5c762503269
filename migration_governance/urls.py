"""Top-level URL map: the admin for curators and each app's public pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("processes.urls")),
    path("", include("timeline.urls")),
]
