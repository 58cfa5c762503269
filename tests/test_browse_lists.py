"""Public lists: filters, facets, sorting, paging and what the page says about them."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection

from migration_governance.core.time_budget import time_limit
from processes.models import MemberState, Participation, Process, Topic
from tests.factories import make_participation, make_process

pytestmark = pytest.mark.django_db


def listed(response):
    return [obj.pk for obj in response.context["object_list"]]


def test_processes_filtered_by_region(client, catalogue):
    response = client.get("/processes/", {"region": "Asia", "per_page": 200})
    assert response.status_code == 200
    expected = set(Process.objects.filter(regions__name="Asia").values_list("pk", flat=True))
    assert expected and set(listed(response)) == expected
    assert response.context["result_count"] == len(expected)


def test_role_applies_to_the_chosen_organization(client, catalogue):
    response = client.get("/processes/", {"organization": "iom", "role": "secretariat"})
    slugs = {p.slug for p in response.context["object_list"]}
    assert "colombo-process" in slugs
    # ICMPD, not IOM, is the Budapest Process's secretariat; IOM only observes or partners.
    assert "budapest-process" not in slugs
    for slug in slugs:
        assert Participation.objects.filter(
            process__slug=slug, organization__slug="iom", role="secretariat"
        ).exists()


def test_which_processes_a_state_takes_part_in_and_how(client, catalogue):
    response = client.get("/participations/", {"state": "hun", "per_page": 200})
    rows = response.context["object_list"]
    assert {(p.process.slug, p.role) for p in rows} >= {
        ("budapest-process", "chair"),
        ("budapest-process", "member"),
        ("soderkoping-process", "member"),
    }
    assert all(p.state.iso3 == "HUN" for p in rows)


def test_events_of_one_year(client, catalogue):
    response = client.get("/events/", {"year_from": 2006, "year_to": 2006})
    years = {e.start_date.year for e in response.context["object_list"]}
    assert years == {2006}


def test_facet_counts_release_their_own_filter(client, catalogue):
    response = client.get("/processes/", {"region": "Asia"})
    region_facet = next(f for f in response.context["facets"] if f["param"] == "region")
    counts = {v["value"]: (v["count"], v["selected"]) for v in region_facet["values"]}
    assert counts["Europe"] == (Process.objects.filter(regions__name="Europe").count(), False)
    assert counts["Asia"] == (Process.objects.filter(regions__name="Asia").count(), True)


def test_facet_counts_keep_the_other_filters(client, catalogue):
    response = client.get("/processes/", {"region": "Asia"})
    category_facet = next(f for f in response.context["facets"] if f["param"] == "category")
    counts = {v["value"]: v["count"] for v in category_facet["values"]}
    assert counts["rcp"] == Process.objects.filter(regions__name="Asia", category="rcp").count()


def test_a_record_matching_two_chosen_regions_counts_once_in_each_facet(client, catalogue):
    # Processes of both regions are joined twice by the filter; each still counts once.
    response = client.get("/processes/", {"region": ["Europe", "Asia"]})
    assert Process.objects.filter(regions__name="Europe").filter(regions__name="Asia").exists()
    for facet in response.context["facets"]:
        if facet["param"] == "category":  # every process has one
            total = sum(v["count"] for v in facet["values"])
            assert total == response.context["result_count"], facet["param"]


def test_a_process_with_two_topics_counts_once_under_each(client, catalogue):
    process = make_process(name="Zz topical")
    process.topics.set(Topic.objects.filter(slug__in=["return", "integration"]))
    response = client.get("/processes/", {"q": "Zz topical"})
    topic_facet = next(f for f in response.context["facets"] if f["param"] == "topic")
    assert {v["value"]: v["count"] for v in topic_facet["values"]} == {
        "return": 1,
        "integration": 1,
    }


def test_active_filters_are_listed_with_a_way_to_remove_each(client, catalogue):
    response = client.get("/processes/", {"region": "Asia", "category": "rcp"})
    active = {
        (f["label"], f["value"]): f["remove_query"] for f in response.context["active_filters"]
    }
    assert active[("Region", "Asia")] == "category=rcp"
    assert active[("Category", "Regional consultative process")] == "region=Asia"
    page = response.content.decode()
    assert "Remove filter Region: Asia" in page


def test_sorting_by_a_column(client, catalogue):
    response = client.get("/processes/", {"sort": "-established", "per_page": 200})
    years = [p.year_established for p in response.context["object_list"] if p.year_established]
    assert years == sorted(years, reverse=True)


def test_next_and_sort_links_as_rendered_keep_the_filters(client, catalogue):
    """The links a reader clicks (Next, a column heading) keep every filter in use."""
    import html as html_lib
    import re

    url = "/participations/?state_region=Europe&per_page=25&sort=-role"
    page = client.get(url).content.decode()
    following = re.search(r'<a href="([^"]+)" rel="next"', page)
    assert following, "a list of more than 25 participations has a Next link"
    second = client.get("/participations/" + html_lib.unescape(following.group(1)))
    assert second.status_code == 200
    assert second.context["page_obj"].number == 2
    assert second.wsgi_request.GET.dict() == {
        "state_region": "Europe",
        "per_page": "25",
        "sort": "-role",
        "page": "2",
    }
    first_listed = client.get(url).context["result_count"]
    assert second.context["result_count"] == first_listed
    heading = re.search(r'<a href="(\?[^"]*sort=(?!-role)[^"]*)"', page)
    sorted_page = client.get("/participations/" + html_lib.unescape(heading.group(1)))
    assert sorted_page.wsgi_request.GET["state_region"] == "Europe"
    assert sorted_page.context["result_count"] == first_listed


def test_page_size_is_chosen_and_capped(client, catalogue):
    assert client.get("/states/", {"per_page": 25}).context["page_obj"].paginator.per_page == 25
    assert (
        client.get("/states/", {"per_page": 10_000}).context["page_obj"].paginator.per_page == 200
    )


def test_a_page_past_the_end_is_not_found(client, catalogue):
    assert client.get("/processes/", {"page": 999}).status_code == 404


def test_invalid_filter_shows_the_error_and_no_records(client, catalogue):
    response = client.get("/processes/", {"established_from": "nineteen"})
    assert response.status_code == 400
    assert response.context["object_list"].count() == 0
    assert "Enter a number." in response.content.decode()


def test_unknown_state_code_is_an_error_not_the_unfiltered_list(client, catalogue):
    response = client.get("/participations/", {"state": "xyz"})
    assert response.status_code == 400
    assert "No state or territory is called “xyz”" in response.content.decode()


def test_states_found_by_alias(client, catalogue):
    response = client.get("/states/", {"q": "Macedonia (FYR)"})
    assert [s.iso3 for s in response.context["object_list"]] == ["MKD"]


def test_organizations_by_process_and_role(client, catalogue):
    response = client.get("/organizations/", {"process": "budapest-process", "role": "secretariat"})
    assert [o.slug for o in response.context["object_list"]] == ["icmpd"]


def test_documents_by_un_symbol(client, catalogue):
    response = client.get("/documents/", {"un_symbol": "A/71/728"})
    assert [d.slug for d in response.context["object_list"]] == ["sutherland-report"]


def test_participation_list_shows_each_rows_source(client, catalogue):
    make_participation(process=Process.objects.get(slug="igc"), role="observer")
    response = client.get("/participations/", {"process": "igc", "role": "chair"})
    page = response.content.decode()
    assert "[Paper on inter-state consultation mechanisms], Annex A, row 1" in page


def test_search_box_searches_everything(client, catalogue):
    response = client.get("/search/", {"q": "Bali"})
    sections = {s["label"]: s["results"] for s in response.context["sections"]}
    assert "/processes/bali-process/" in {p.get_absolute_url() for p in sections["Processes"]}
    assert any("Bali" in e.label for e in sections["Events"])


def test_a_facet_too_slow_to_count_is_skipped_with_a_note(client, catalogue, monkeypatch):
    @contextmanager
    def always_too_slow(milliseconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield

    monkeypatch.setattr("migration_governance.core.facets.time_limit", always_too_slow)
    monkeypatch.setattr("migration_governance.core.paging.time_limit", always_too_slow)
    response = client.get("/processes/", {"region": "Asia"})
    assert response.status_code == 200
    assert all(facet.get("skipped") for facet in response.context["facets"])
    assert "Not counted: it took too long" in response.content.decode()
    # The list itself is still there.
    listed = {p.pk for p in response.context["object_list"]}
    assert listed == set(Process.objects.filter(regions__name="Asia").values_list("pk", flat=True))


def test_time_limit_stops_a_slow_query_and_leaves_the_connection_usable(catalogue):
    slow = {
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 100000000) SELECT count(*) FROM n",
        "postgresql": "SELECT pg_sleep(10)",
    }[connection.vendor]
    # The query alone would take 10 s or more: that it is cancelled with an OperationalError
    # is the proof of the bound (no stopwatch, which a busy machine would fail).
    with pytest.raises(OperationalError), time_limit(50), connection.cursor() as cursor:
        cursor.execute(slow)
    assert Process.objects.filter(slug="budapest-process").exists()


def test_lists_stop_at_a_hundred_pages_and_say_so(client, catalogue, monkeypatch):
    monkeypatch.setattr("migration_governance.core.paging.MAX_PAGES", 3)
    response = client.get("/states/", {"per_page": 25})
    assert response.context["result_count"] == MemberState.objects.count()
    assert response.context["page_obj"].paginator.num_pages == 3
    assert "Lists stop at 3 pages" in response.content.decode()
    assert client.get("/states/", {"per_page": 25, "page": 4}).status_code == 404


def test_a_count_too_slow_to_finish_is_shown_as_a_lower_bound(client, catalogue, monkeypatch):
    @contextmanager
    def always_too_slow(milliseconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield

    monkeypatch.setattr("migration_governance.core.facets.time_limit", always_too_slow)
    monkeypatch.setattr("migration_governance.core.paging.time_limit", always_too_slow)
    response = client.get("/states/", {"per_page": 25})
    assert response.status_code == 200
    assert response.context["count_is_lower_bound"]
    assert "More than 2500 states and territories" in response.content.decode()


def test_active_code_filters_are_named_by_their_record(client, catalogue):
    response = client.get("/states/", {"process": "budapest-process"})
    active = [(f["label"], f["value"]) for f in response.context["active_filters"]]
    budapest = Process.objects.get(slug="budapest-process")
    assert active == [("Process", str(budapest))]
