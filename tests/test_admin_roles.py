"""Who may do what in the admin: curators curate the catalogue and nothing else; anonymous
visitors reach the login page only."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from processes.models import Process
from tests.factories import make_curator, make_participation, make_process, make_user

pytestmark = pytest.mark.django_db

CATALOGUE_LISTS = [
    "processes_source",
    "processes_citation",
    "processes_memberstate",
    "processes_statealias",
    "processes_organization",
    "processes_topic",
    "processes_region",
    "processes_process",
    "processes_participation",
    "processes_claim",
    "processes_checkexception",
    "timeline_document",
    "timeline_documentpart",
    "timeline_event",
]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/processes/process/",
        "/admin/processes/process/1/change/",
        "/admin/processes/process/1/history/",
        "/admin/auth/user/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert client.get(response["Location"]).status_code == 200


def test_the_curators_group_may_curate_catalogue_models_and_nothing_else():
    curators = Group.objects.get(name="Curators")
    codenames = set(curators.permissions.values_list("content_type__app_label", "codename"))
    apps = {app for app, _ in codenames}
    assert apps == {"processes", "timeline"}
    for model in ["process", "participation", "organization", "event", "document", "citation"]:
        app = "timeline" if model in {"event", "document"} else "processes"
        assert {(app, f"{action}_{model}") for action in ("add", "change", "view")} <= codenames
    # Taking a process, event or document off the site is done by making it a draft.
    assert ("processes", "delete_process") not in codenames
    assert ("timeline", "delete_event") not in codenames
    assert ("processes", "delete_participation") in codenames
    # Generated reference data is for viewing.
    assert ("processes", "view_memberstate") in codenames
    assert ("processes", "change_memberstate") not in codenames


@pytest.mark.parametrize("model", CATALOGUE_LISTS)
def test_a_curator_sees_every_catalogue_list(model):
    client = logged_in(make_curator())
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_a_curator_who_is_not_superuser_cannot_see_users_or_groups():
    client = logged_in(make_curator())
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/auth/user/" not in index.content
    assert b"/admin/processes/process/" in index.content
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get(f"/admin/auth/user/{make_user().pk}/change/").status_code == 403


def test_a_curator_edits_but_does_not_delete_a_process():
    process = make_process()
    participation = make_participation(process=process)
    client = logged_in(make_curator())
    change = client.get(reverse("admin:processes_process_change", args=[process.pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"]
    assert not change.context["has_delete_permission"]
    delete = reverse("admin:processes_process_delete", args=[process.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Process.objects.filter(pk=process.pk).exists()
    delete = reverse("admin:processes_participation_delete", args=[participation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302


def test_staff_without_a_group_see_no_catalogue_data():
    client = logged_in(make_user())
    assert client.get("/admin/processes/process/").status_code == 403


def test_add_curator_makes_a_staff_account_in_the_group_and_nothing_more(monkeypatch):
    monkeypatch.setenv("DJANGO_CURATOR_PASSWORD", "a long curator password")
    call_command("add_curator", "frances", "--no-input", "--email", "f@example.org")
    from django.contrib.auth.models import User

    user = User.objects.get(username="frances")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Curators"]
    assert user.check_password("a long curator password")
