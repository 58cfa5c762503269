"""Top-level URL map: the admin for curators, the JSON API and each app's public pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # "admin/" unless DJANGO_ADMIN_PATH says otherwise.
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("migration_governance.api_urls")),
    path("", include("processes.urls")),
    path("", include("timeline.urls")),
]

# The 500 page shows the request id, and a page out of time gets the 503 page.
handler500 = "migration_governance.error_reporting.server_error"
