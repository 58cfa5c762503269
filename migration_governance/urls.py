"""Top-level URL map: the admin for curators, the JSON API and each app's public pages.

The public pages are English at their unprefixed addresses (``/processes/``) and French and
Spanish under ``/fr/`` and ``/es/`` (``i18n_patterns``); the admin has one address and
speaks the curator's language (``CatalogueLocaleMiddleware``); the API has one address, its
field names and codes the same in every language.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # "admin/" unless DJANGO_ADMIN_PATH says otherwise.
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("migration_governance.api_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("processes.urls")),
    path("", include("timeline.urls")),
    prefix_default_language=False,
)

# The 500 page shows the request id, and a page out of time gets the 503 page.
handler400 = "migration_governance.error_reporting.bad_request"
handler403 = "migration_governance.error_reporting.permission_denied"
handler404 = "migration_governance.error_reporting.page_not_found"
handler500 = "migration_governance.error_reporting.server_error"
