"""Public URLs of the processes app (stable: documented in docs/urls.md)."""

from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("suggest/<str:kind>/", views.SuggestView.as_view(), name="suggest"),
    path("processes/", views.ProcessListView.as_view(), name="process-list"),
    path("processes/export.csv", views.ProcessExportView.as_view(), name="process-export"),
    path("processes/<slug:slug>/", views.ProcessDetailView.as_view(), name="process-detail"),
    path("states/", views.MemberStateListView.as_view(), name="state-list"),
    path("states/export.csv", views.MemberStateExportView.as_view(), name="state-export"),
    path("states/<str:iso3>/", views.MemberStateDetailView.as_view(), name="state-detail"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/export.csv",
        views.OrganizationExportView.as_view(),
        name="organization-export",
    ),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("matrix/export.csv", views.MatrixExportView.as_view(), name="matrix-export"),
    path("matrix/long.csv", views.MatrixLongExportView.as_view(), name="matrix-long-export"),
    path("matrix/overlap/", views.OverlapView.as_view(), name="overlap"),
    path("matrix/overlap.csv", views.OverlapExportView.as_view(), name="overlap-export"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    path(
        "sources/<slug:slug>/passages/<int:pk>/",
        views.SourcePassageView.as_view(),
        name="source-passage",
    ),
    path(
        "sources/<slug:slug>/claims/<int:pk>/",
        views.ClaimPassageView.as_view(),
        name="claim-passage",
    ),
    path("data/", views.DataPackageView.as_view(), name="data"),
    path("data/<str:name>", views.DataFileView.as_view(), name="data-file"),
    path("participations/", views.ParticipationListView.as_view(), name="participation-list"),
    path(
        "participations/export.csv",
        views.ParticipationExportView.as_view(),
        name="participation-export",
    ),
]
