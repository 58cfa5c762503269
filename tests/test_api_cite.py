"""Cite this record: every detail page offers plain text, BibTeX and CSL-JSON with the
permanent URL, the catalogue's version and the day; the API gives the same."""

import datetime
import html
import json
import re

import pytest

from migration_governance.core.citing import bibtex_escape, cite
from processes.models import CatalogueVersion, Process

pytestmark = pytest.mark.django_db

DETAIL_PAGES = {
    "/processes/budapest-process/": "/api/processes/budapest-process/cite/",
    "/states/hun/": "/api/states/hun/cite/",
    "/organizations/iom/": "/api/organizations/iom/cite/",
    "/events/2017-04-idm-workshop-new-york/": "/api/events/2017-04-idm-workshop-new-york/cite/",
    "/documents/iamm/": "/api/documents/iamm/cite/",
    "/sources/paper-on-inter-state-consultation-mechanisms/": (
        "/api/sources/paper-on-inter-state-consultation-mechanisms/cite/"
    ),
}


def cite_section(page):
    found = re.search(r'<section class="cite-record".*?</section>', page, re.S)
    assert found, "the page has no citation to copy"
    return found.group(0)


def preformatted(section):
    return [html.unescape(p) for p in re.findall(r"<pre[^>]*>(.*?)</pre>", section, re.S)]


@pytest.mark.parametrize("path", list(DETAIL_PAGES))
def test_a_detail_page_offers_its_citation_in_three_forms(client, catalogue, path):
    section = cite_section(client.get(path).content.decode())
    text, bibtex, csl = preformatted(section)
    url = f"http://testserver{path}"
    version = CatalogueVersion.current()
    today = datetime.date.today().isoformat()
    assert url in text and f"catalogue version {version}" in text and today in text
    assert bibtex.startswith("@misc{") and f"url = {{{url}}}" in bibtex
    assert f"urldate = {{{today}}}" in bibtex
    data = json.loads(csl)
    assert data["URL"] == url and data["version"] == str(version)
    assert data["accessed"]["date-parts"][0] == [int(p) for p in today.split("-")]
    # No JavaScript needed: the forms are in the page, in <details> a reader opens.
    assert section.count("<details") == 3 and "<script" not in section


@pytest.mark.parametrize(("page", "api"), list(DETAIL_PAGES.items()))
def test_the_api_gives_the_same_citation(client, catalogue, page, api):
    data = client.get(api).json()
    text, bibtex, csl = preformatted(cite_section(client.get(page).content.decode()))
    assert (data["text"], data["bibtex"], data["csl_json"]) == (text, bibtex, json.loads(csl))


def test_a_citation_follows_the_catalogue_version(client, catalogue):
    before = client.get("/api/processes/budapest-process/cite/").json()["version"]
    process = Process.objects.get(slug="gfmd")
    process.description += " "
    process.save()  # any change to catalogue data moves the version
    CatalogueVersion.bump()
    assert client.get("/api/processes/budapest-process/cite/").json()["version"] > before


def test_bibtex_special_characters_are_escaped():
    process = Process(slug="x", name="Migrants & refugees: 50% {draft} #1_a")
    data = cite(
        process, "https://example.org/processes/x/", version=7, accessed=datetime.date(2026, 1, 2)
    )
    assert r"title = {Migrants \& refugees: 50\% \{draft\} \#1\_a}" in data["bibtex"]
    assert bibtex_escape("a\\b") == r"a\textbackslash{}b"
    assert data["text"] == (
        "“Migrants & refugees: 50% {draft} #1_a”. Migration governance catalogue, "
        "catalogue version 7. https://example.org/processes/x/ (accessed 2026-01-02)."
    )
