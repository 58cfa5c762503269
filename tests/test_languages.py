"""English, French and Spanish: addresses, the switcher, state names, cited names, search
and filters in any of the three languages, stable CSV, and the admin's language."""

import re

import pytest

from migration_governance.core.folding import fold
from processes.models import LanguageName, Process
from tests.test_query_counts import PAGES, count_queries, grow_the_catalogue

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def test_english_addresses_are_unchanged_and_english_whatever_the_browser_asks(client, catalogue):
    response = client.get("/processes/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="en">' in html(response)
    assert "Accept-Language" not in response.get("Vary", "")
    assert response["Content-Language"] == "en"
    assert "<h1>Processes</h1>" in html(response)


@pytest.mark.parametrize(
    ("language", "heading", "germany"),
    [("fr", "<h1>Processus</h1>", "Allemagne"), ("es", "<h1>Procesos</h1>", "Alemania")],
)
def test_french_and_spanish_live_under_their_prefix(client, catalogue, language, heading, germany):
    response = client.get(f"/{language}/processes/")
    assert f'<html lang="{language}">' in html(response)
    assert heading in html(response)
    state = client.get(f"/{language}/states/deu/")
    assert f"<h1>{germany}</h1>" in html(state)


def test_every_page_names_its_versions_and_the_switcher_keeps_the_query(client, catalogue):
    page = html(client.get("/fr/processes/?scope=regional&category=rcp"))
    query = "?scope=regional&amp;category=rcp"
    for code, path in (("en", "/processes/"), ("fr", "/fr/processes/"), ("es", "/es/processes/")):
        assert f'<link rel="alternate" hreflang="{code}" href="{path}{query}">' in page
        assert f'<a href="{path}{query}" lang="{code}" hreflang="{code}"' in page
    assert f'<link rel="alternate" hreflang="x-default" href="/processes/{query}">' in page
    assert re.search(r'lang="fr" hreflang="fr" aria-current="true">Français<', page)


def test_a_french_list_sorts_states_by_their_french_names(client, catalogue):
    page = html(client.get("/fr/states/?region=Africa&per_page=100"))
    page = page.split('class="map-table"')[0]  # the list, not the map's own table under it
    names = re.findall(r'<td><a href="/fr/states/[a-z]{3}/">([^<]+)</a>', page)
    assert names[:2] == ["Afrique du Sud", "Algérie"]  # "South Africa" in English is far down
    folded = [fold(n) for n in names]
    assert folded == sorted(folded)


@pytest.mark.parametrize("typed", ["Allemagne", "Alemania", "Germany", "allemagne"])
def test_filters_accept_a_state_name_in_any_of_the_three_languages(client, catalogue, typed):
    english = client.get("/processes/export.csv", {"state": "Germany"}).getvalue()
    assert client.get("/processes/export.csv", {"state": typed}).getvalue() == english


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
def test_search_finds_a_state_by_its_french_or_spanish_name(client, catalogue, language):
    for typed in ("Allemagne", "Alemania"):
        page = html(client.get(f"{language}/search/", {"q": typed}))
        assert f'href="{language}/states/deu/"' in page


def test_suggestions_offer_the_name_in_the_readers_language(client, catalogue):
    assert client.get("/es/suggest/state/", {"q": "Alem"}).json()[0]["label"] == "Alemania"
    assert client.get("/suggest/state/", {"q": "Germ"}).json()[0]["label"] == "Germany"


@pytest.mark.parametrize(
    "path", ["/processes/export.csv?scope=regional", "/states/export.csv", "/events/export.csv"]
)
def test_exports_are_the_same_file_under_every_prefix(client, catalogue, path):
    english = client.get(path).getvalue()
    assert client.get("/fr" + path).getvalue() == english
    assert client.get("/es" + path).getvalue() == english


def test_iom_is_named_as_seed_002_names_it_and_others_stay_english(client, catalogue):
    french = html(client.get("/fr/organizations/iom/"))
    assert "<h1>Organisation internationale pour les migrations" in french
    assert "(OIM)" in french
    spanish = html(client.get("/es/organizations/iom/"))
    assert "<h1>Organización Internacional para las Migraciones" in spanish
    other = html(client.get("/fr/organizations/unhcr/"))
    assert re.search(r'<h1 lang="en">', other)
    assert html(client.get("/fr/processes/ocam/")).count('<h1 lang="en">') == 1  # no French
    assert "<h1>Comisión Centroamericana de Directores de Migración" in html(
        client.get("/es/processes/ocam/")
    )


def test_descriptions_stay_english_and_say_so(client, catalogue):
    page = html(client.get("/fr/processes/budapest-process/"))
    description = Process.objects.get(slug="budapest-process").description
    assert f'<p lang="en">{description}</p>' in page.replace("&#x27;", "'")


def test_cited_names_are_found_by_search(client, catalogue):
    page = html(client.get("/search/", {"q": "Organisation internationale pour les migrations"}))
    assert 'href="/organizations/iom/"' in page


def test_a_cited_name_not_in_its_source_is_a_check_catalogue_problem(catalogue):
    from processes import fidelity

    name = LanguageName.objects.get(language="fr", organization__slug="iom")
    name.name = "Organisation mondiale des migrations"
    name.save()
    problems = [str(p) for p in fidelity.check_fidelity()]
    assert any("Organisation mondiale des migrations" in p for p in problems)


def test_the_admin_speaks_the_curators_browser_language(admin_client):
    french = html(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="fr"' in french
    assert "Déconnexion" in french
    assert '<html lang="en"' in html(admin_client.get("/admin/"))


# Extra queries a French or Spanish page runs beside its English one: the cited names
# (LanguageName) of the processes or organizations it lists, one prefetch each.
EXTRA_QUERIES = {
    "/processes/": 1,
    "/processes/budapest-process/": 1,
    "/organizations/": 1,
    "/organizations/iom/": 1,
}


# The pages whose names change with the language (tests/test_query_counts.py pins them all
# in English).
TRANSLATED_PAGES = [
    "/processes/",
    "/processes/budapest-process/",
    "/states/",
    "/states/hun/",
    "/organizations/",
    "/organizations/iom/",
    "/participations/?process=budapest-process",
    "/matrix/",
    "/search/?q=migration",
]


@pytest.mark.parametrize("url", TRANSLATED_PAGES)
def test_translated_pages_run_a_fixed_number_of_queries(client, catalogue, url):
    grow_the_catalogue(3)
    before = count_queries(client, f"/fr{url}")
    grow_the_catalogue(40)
    after = count_queries(client, f"/fr{url}")
    expected = PAGES[url] + EXTRA_QUERIES.get(url, 0)
    assert (before, after) == (expected, expected)


def test_each_language_shows_its_own_labels_of_kinds_and_roles_page_after_page(client, catalogue):
    # Labels are kept per field and language (models.ChoiceLabels): switching back and
    # forth must never show one language's label on another's page.
    from django.utils import translation

    from processes.models import Role
    from timeline.models import EventKind

    for language in ("en", "fr", "es", "en", "fr"):
        prefix = "" if language == "en" else f"/{language}"
        with translation.override(language):
            workshop, member = str(EventKind.WORKSHOP.label), str(Role.MEMBER.label)
        events = client.get(f"{prefix}/events/?kind=workshop").content.decode()
        assert f"<td>{workshop}</td>" in events, language
        participations = client.get(f"{prefix}/participations/?role=member").content.decode()
        assert f"<td>{member}</td>" in participations, language
    assert workshop != "Workshop" and member != "Member"  # French labels differ
