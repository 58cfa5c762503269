"""Public URLs of the processes app."""

from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
