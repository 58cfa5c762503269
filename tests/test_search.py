"""Search that finds what people type, ranked, and the same on SQLite and PostgreSQL.

The database's answer (FTS5 on SQLite, full-text search on PostgreSQL) is compared with a
plain-Python reading of the same rule over the same index, so both databases are held to
one definition and therefore to each other.
"""

import pytest

from migration_governance.core.folding import fold
from processes import search
from processes.models import MemberState, Organization, Process, SearchEntry, SearchKey
from tests.factories import make_organization, make_process

pytestmark = pytest.mark.django_db

QUERIES = [
    "IOM",
    "iom",
    "International Organization for Migration",
    "Soderkoping",
    "SÖDERKÖPING process",
    "Cote d'Ivoire",
    "Budapest Process",
    "bali",
    "migration dialogue",
    "HUN",
    "regional consultative",
    "A/RES",
    "2006",
    "puebla",
    "labour migr",
    "mid",
]


def reference(text, kind):
    """Every word typed begins a word of the entry; exact key, then names, then the rest."""
    words = fold(text).split()
    folded = fold(text)
    exact = set(SearchKey.objects.filter(key=folded).values_list("entry_id", flat=True))
    found = []
    for entry in SearchEntry.objects.filter(kind=kind):
        body = entry.body.split()
        if not all(any(token.startswith(word) for token in body) for word in words):
            continue
        names = entry.names
        in_names = all(names.startswith(word) or f" {word}" in names for word in words)
        tier = 0 if entry.pk in exact else 1 if in_names else 2
        found.append((tier, entry.sort_key, entry.object_id))
    return [object_id for *_, object_id in sorted(found)]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("kind", ["process", "state", "organization", "event", "document"])
def test_the_database_ranks_as_the_rule_says(catalogue, text, kind):
    expected = reference(text, kind)
    got = [entry.object_id for entry in search.search(text, kind=kind, limit=1000)]
    assert got == expected


def test_every_organization_is_first_for_its_own_acronym(catalogue):
    acronyms = {}
    for organization in Organization.objects.exclude(acronym=""):
        acronyms.setdefault(fold(organization.acronym), []).append(organization.pk)
    checked = 0
    for acronym, pks in acronyms.items():
        first = search.search(acronym, kind="organization", limit=len(pks))
        assert {e.object_id for e in first} == set(pks), acronym
        checked += 1
    assert checked > 20


def test_every_state_is_first_for_its_code_and_its_name_without_accents(client, catalogue):
    for state in MemberState.objects.all():
        assert search.search(state.iso3.lower(), kind="state", limit=1)[0].object_id == state.pk
        first = search.search(fold(state.name), kind="state", limit=1)[0]
        assert first.tier == 0, state.name


def test_the_search_page_puts_the_exact_name_first(client, catalogue):
    response = client.get("/search/", {"q": "soderkoping process"})
    processes = next(s for s in response.context["sections"] if s["label"] == "Processes")
    assert processes["results"][0].get_absolute_url() == "/processes/soderkoping-process/"
    page = response.content.decode()
    assert 'href="/processes/soderkoping-process/"' in page


def test_a_saved_record_is_found_by_its_new_name_at_once(catalogue):
    process = make_process(name="Quixotic Consultations on Mobility", short_name="QCM")
    assert search.resolve("process", "quixotic consultations").ids == [process.pk]
    process.name = "Zephyr Dialogue"
    process.save()
    assert search.search("quixotic", kind="process") == []
    assert search.resolve("process", "zephyr dialogue").ids == [process.pk]
    process.publication = "draft"
    process.save()
    assert search.search("zephyr", kind="process") == []  # drafts are never found
    organization = make_organization(name="Ünïque Ōrganization", acronym="UQO")
    assert search.resolve("organization", "unique organization").ids == [organization.pk]
    organization.delete()
    assert search.search("uqo", kind="organization") == []


def test_the_lists_text_box_ignores_accents(client, catalogue):
    plain = client.get("/processes/", {"q": "soderkoping", "per_page": 200})
    accented = client.get("/processes/", {"q": "Söderköping", "per_page": 200})
    slugs = {p.slug for p in plain.context["object_list"]}
    assert "soderkoping-process" in slugs
    assert slugs == {p.slug for p in accented.context["object_list"]}
    assert Process.objects.filter(slug__in=slugs).count() == len(slugs)


def test_an_export_filtered_by_words_nothing_holds_is_its_header(client, catalogue):
    """Words no record holds make an empty selection Django compiles to nothing at all;
    the export is then the header alone, on both databases (PostgreSQL's COPY path)."""
    response = client.get("/processes/export.csv", {"q": "zzqqxx"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slug,")
