"""Public URLs of the processes app (stable: documented in docs/urls.md)."""

from django.urls import path

from processes import data_views, lists, matrix_views, source_views, views

app_name = "processes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("suggest/<str:kind>/", views.SuggestView.as_view(), name="suggest"),
    *lists.PROCESSES.urls(views.ProcessListView, views.ProcessDetailView),
    *lists.STATES.urls(views.MemberStateListView, views.MemberStateDetailView, "<str:iso3>"),
    *lists.ORGANIZATIONS.urls(views.OrganizationListView, views.OrganizationDetailView),
    path("matrix/", matrix_views.MatrixView.as_view(), name="matrix"),
    path("matrix/export.csv", matrix_views.MatrixExportView.as_view(), name="matrix-export"),
    path("matrix/long.csv", matrix_views.MatrixLongExportView.as_view(), name="matrix-long-export"),
    path("matrix/overlap/", matrix_views.OverlapView.as_view(), name="overlap"),
    path("matrix/overlap.csv", matrix_views.OverlapExportView.as_view(), name="overlap-export"),
    path("sources/", source_views.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", source_views.SourceDetailView.as_view(), name="source-detail"),
    path(
        "sources/<slug:slug>/passages/<int:pk>/",
        source_views.SourcePassageView.as_view(),
        name="source-passage",
    ),
    path(
        "sources/<slug:slug>/claims/<int:pk>/",
        source_views.ClaimPassageView.as_view(),
        name="claim-passage",
    ),
    path("data/", data_views.DataPackageView.as_view(), name="data"),
    path("data/<str:name>", data_views.DataFileView.as_view(), name="data-file"),
    *lists.PARTICIPATIONS.urls(views.ParticipationListView),
]
