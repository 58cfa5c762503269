"""/api/: the read-only JSON API of both apps, its OpenAPI schema and its documentation
(docs/api.md). Paths follow the public pages' (docs/urls.md)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from migration_governance.api import AnonRateFromSettings
from processes import api as processes_api
from timeline import api as timeline_api

app_name = "api"

router = SimpleRouter()
router.register("processes", processes_api.ProcessViewSet, basename="process")
router.register("states", processes_api.StateViewSet, basename="state")
router.register("organizations", processes_api.OrganizationViewSet, basename="organization")
router.register("participations", processes_api.ParticipationViewSet, basename="participation")
router.register("events", timeline_api.EventViewSet, basename="event")
router.register("documents", timeline_api.DocumentViewSet, basename="document")
router.register("sources", processes_api.SourceViewSet, basename="source")


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
    path("matrix/", processes_api.MatrixAPIView.as_view(), name="matrix"),
    path("overlap/", processes_api.OverlapAPIView.as_view(), name="overlap"),
    *router.urls,
]
