"""Every change to catalogue data is recorded (who, when, what), viewable per record in the
admin, and revertable."""

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import Participation, Process, Topic
from tests.factories import admin_form_data, make_curator, make_participation, make_process

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(name, obj, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk, *args])


def edit(client, obj, **changes):
    data = admin_form_data(client.get(url("change", obj)))
    data.update(changes)
    response = client.post(url("change", obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_an_admin_edit_is_recorded_once_with_who_what_and_the_state_before():
    process = make_process(description="As loaded.")
    topic = Topic.objects.get(number=1)
    curator = make_curator(username="erin")
    client = logged_in(curator)

    edit(client, process, description="As edited.", topics=[str(topic.pk)])

    before, after = process.history.order_by("history_date", "history_id")
    assert (before.description, before.history_user) == ("As loaded.", None)
    assert (after.description, after.history_user, after.version) == ("As edited.", curator, 2)
    assert after.history_change_reason == "Changed Topics and Description."
    delta = after.diff_against(before)
    assert set(delta.changed_fields) == {"description", "topics"}
    assert [row.topic_id for row in after.topics.all()] == [topic.pk]

    page = client.get(url("history", process))
    assert page.status_code == 200
    assert b"As edited." in page.content
    assert b"erin" in page.content


def test_a_change_can_be_reverted_from_the_history_page():
    process = make_process(description="Right.")
    client = logged_in(make_curator())
    edit(client, process, description="Wrong.")
    before = process.history.earliest()

    revert_page = client.get(url("simple_history", process, before.history_id))
    assert revert_page.status_code == 200
    data = admin_form_data(revert_page)
    assert data["description"] == "Right."
    response = client.post(url("simple_history", process, before.history_id), data)
    assert response.status_code == 302

    process.refresh_from_db()
    assert (process.description, process.version) == ("Right.", 3)
    latest = process.history.latest()
    assert latest.description == "Right."
    assert process.history.count() == 3


def test_a_row_edited_on_its_parents_page_is_recorded_in_its_own_history():
    participation = make_participation(note="Before.")
    curator = make_curator()
    client = logged_in(curator)
    process = participation.process
    data = admin_form_data(client.get(url("change", process)))
    row = next(key for key, value in data.items() if value == str(participation.pk))
    data[row.replace("-id", "-note")] = "After."
    assert client.post(url("change", process), data).status_code == 302

    before, after = participation.history.order_by("history_date", "history_id")
    assert (before.note, after.note) == ("Before.", "After.")
    assert after.history_user == curator


def test_publishing_actions_and_deletions_are_recorded():
    participation = make_participation()
    curator = make_curator()
    client = logged_in(curator)
    changelist = reverse("admin:processes_participation_changelist")
    response = client.post(
        changelist, {"action": "make_draft", "_selected_action": [participation.pk]}
    )
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.publication == "draft"
    latest = participation.history.latest()
    assert (latest.publication, latest.history_user) == ("draft", curator)
    assert latest.history_change_reason == "Made a draft."

    response = client.post(url("delete", participation), {"post": "yes"})
    assert response.status_code == 302
    assert not Participation.objects.filter(pk=participation.pk).exists()
    gone = Participation.history.filter(id=participation.pk).latest()
    assert (gone.history_type, gone.history_user) == ("-", curator)


def test_loading_the_catalogue_writes_no_history(catalogue):
    # The fixtures are the record of how the catalogue was built; git holds their history.
    assert not Process.history.filter(slug="budapest-process").exists()
