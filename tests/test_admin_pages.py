"""The admin as a workbench: every page of every catalogue model opens, lists show their
counts without a query per row, search finds acronyms and aliases, and "Export selected as
CSV" writes what the public export writes."""

import csv
import io

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from processes.models import (
    Citation,
    Claim,
    MemberState,
    Organization,
    Participation,
    Process,
)
from tests.factories import make_curator, make_user
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in {"processes", "timeline"}
]


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(make_user(is_superuser=True))
    return client


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.label)
def test_every_admin_page_of_every_catalogue_model_opens(superuser_client, catalogue, model):
    obj = model._default_manager.order_by("pk").last()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ]:
        assert superuser_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("model", "most"),
    [(Process, 12), (Participation, 12), (Event, 12), (Document, 12), (Organization, 12)],
)
def test_change_lists_run_a_fixed_number_of_queries(
    curator_client, catalogue, django_assert_max_num_queries, model, most
):
    with django_assert_max_num_queries(most):
        response = curator_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Organization, "IOM", "iom"),
        (Process, "Budapest", "budapest-process"),
        (MemberState, "Viet Nam", "VNM"),
        (MemberState, "HUN", "HUN"),
        (Participation, "Hungary", None),
        (Document, "A/RES", None),
        (Event, "Geneva", None),
    ],
)
def test_search_finds_names_acronyms_codes_and_aliases(
    curator_client, catalogue, model, query, expected
):
    response = curator_client.get(admin_url(model, "changelist"), {"q": query})
    results = list(response.context["cl"].result_list)
    assert results, query
    if expected:
        key = "iso3" if model is MemberState else "slug"
        assert expected in {getattr(obj, key) for obj in results}


def test_the_process_list_shows_counts_and_the_change_page_the_members_counted(
    curator_client, catalogue
):
    process = Process.objects.get(slug="budapest-process")
    response = curator_client.get(admin_url(Process, "changelist"), {"q": "Budapest"})
    (row,) = [p for p in response.context["cl"].result_list if p.pk == process.pk]
    assert row.participation_count == process.participations.count()
    assert row.event_count == process.events.count()
    change = curator_client.get(admin_url(Process, "change", process.pk))
    assert change.status_code == 200
    assert "members_counted" in str(change.context["adminform"].readonly_fields)


def test_participations_on_the_process_page_are_ordered_by_role(curator_client, catalogue):
    process = Process.objects.get(slug="budapest-process")
    response = curator_client.get(admin_url(Process, "change", process.pk))
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Participation
    ]
    roles = [form.instance.role for form in formset.initial_forms]
    order = [value for value, _ in Participation._meta.get_field("role").choices]
    assert roles == sorted(roles, key=order.index)
    assert roles[0] == "member"


def read_csv(response):
    content = response.content if hasattr(response, "content") else None
    if content is None:
        content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("model", "public_export", "key"),
    [
        (Process, "/processes/export.csv", "slug"),
        (Organization, "/organizations/export.csv", "slug"),
        (MemberState, "/states/export.csv", "iso3"),
        (Event, "/events/export.csv", "slug"),
        (Document, "/documents/export.csv", "slug"),
    ],
)
def test_export_selected_writes_the_public_exports_columns_and_cells(
    curator_client, catalogue, model, public_export, key
):
    public = read_csv(curator_client.get(public_export))
    header, rows = public[0], public[1:]
    chosen = rows[:3] + rows[-2:]
    keys = [row[header.index(key)] for row in chosen]
    selected = model._default_manager.filter(**{f"{key}__in": keys}).values_list("pk", flat=True)
    response = curator_client.post(
        admin_url(model, "changelist"),
        {"action": "export_as_csv", "_selected_action": list(selected)},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    exported = read_csv(response)
    assert exported[0] == header
    by_key = {row[header.index(key)]: row for row in exported[1:]}
    assert by_key == {row[header.index(key)]: row for row in chosen}


def test_export_selected_participations_matches_the_public_export(curator_client, catalogue):
    public = read_csv(curator_client.get("/participations/export.csv"))
    header, rows = public[0], public[1:]
    hungary = [row for row in rows if row[header.index("state_iso3")] == "HUN"]
    # Selected from a search that spans relations (aliases), as a curator would.
    listed = curator_client.get(admin_url(Participation, "changelist"), {"q": "Hungary"})
    selected = [
        p.pk for p in listed.context["cl"].result_list if p.state_id and p.state.iso3 == "HUN"
    ]
    response = curator_client.post(
        admin_url(Participation, "changelist") + "?q=Hungary",
        {"action": "export_as_csv", "_selected_action": selected},
    )
    exported = read_csv(response)
    assert exported[0] == header
    assert sorted(exported[1:]) == sorted(hungary)


def test_a_model_without_a_public_export_is_exported_field_by_field(curator_client, catalogue):
    claim = Claim.objects.select_related("citation__source").first()
    response = curator_client.post(
        admin_url(Claim, "changelist"),
        {"action": "export_as_csv", "_selected_action": [claim.pk]},
    )
    header, row = read_csv(response)
    # curators' own export: the curator-only notes travel with it
    assert header == [
        "record",
        "field",
        "value",
        "citation",
        "quotation",
        "note",
        "curator_notes",
    ]
    assert row[header.index("value")] == claim.value
    assert row[header.index("record")] == f"{claim.record._meta.label_lower} {claim.record.slug}"
    citation = claim.citation
    assert row[header.index("citation")] == f"{citation.source.file_name}, {citation.locator}"


def test_citations_export_with_their_source(curator_client, catalogue):
    citation = Citation.objects.select_related("source").first()
    response = curator_client.post(
        admin_url(Citation, "changelist"),
        {"action": "export_as_csv", "_selected_action": [citation.pk]},
    )
    assert read_csv(response) == [
        ["source", "locator", "quotation"],
        [citation.source.file_name, citation.locator, citation.quotation],
    ]
