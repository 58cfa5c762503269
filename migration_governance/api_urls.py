"""/api/: the read-only JSON API of both apps, its OpenAPI schema and its documentation
(docs/api.md). Paths follow the public pages' (docs/urls.md)."""

from django.urls import path
from django.utils.module_loading import autodiscover_modules
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from migration_governance.api import API_PATHS, ROUTES
from migration_governance.api_access import AnonRateFromSettings
from migration_governance.core import registry

app_name = "api"

# Each app's api module defines its viewsets (as the admin finds each app's admin module).
autodiscover_modules("api")
router = SimpleRouter()
# Every registered list, in the registry's order, then the other routes (sources).
for declaration in registry.lists():
    router.register(declaration.name, ROUTES[declaration.name], basename=declaration.stem)
for route, viewset in ROUTES.items():
    if route not in {declaration.name for declaration in registry.lists()}:
        router.register(route, viewset, basename=viewset.route_basename)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 description of the API (YAML, or JSON with ?format=json)."""

    throttle_classes = [AnonRateFromSettings]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's local files, its start-up script served apart (no
    inline script), its page from templates/api/docs.html (no inline style)."""

    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "Migration governance catalogue API"
    throttle_classes = [AnonRateFromSettings]


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    *API_PATHS,
    *router.urls,
]
