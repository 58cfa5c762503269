"""Curators add a source: upload its file in the admin, its text is stored (and written to
the sources' folder), a citation's quotation must be the text's own words, and the passage
search finds them. A file that cannot be read is a form error, never a server error."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from processes.catalogue import store_source_texts
from processes.models import Citation, Source, SourceText
from tests.factories import admin_form_data, make_curator
from tests.pdf_support import make_pdf

pytestmark = pytest.mark.django_db

NEW_TEXT = [
    ["Regional Consultative Process on Migration of the test region", "was founded in 2008."],
    ["Its members meet once a year in a different member State."],
    ["Annex: the list of its members."],
]


@pytest.fixture
def curator_client(settings, tmp_path):
    settings.CATALOGUE_SOURCES_DIR = tmp_path / "sources"
    client = Client()
    client.force_login(make_curator())
    return client


def add_source(client, upload, **fields):
    url = reverse("admin:processes_source_add")
    data = admin_form_data(client.get(url))
    data.update(
        {
            "file_name": "005_test-region-process.txt",
            "slug": "test-region-process",
            "title": "The test region's process on migration",
            "short_title": "Test region paper",
            "kind": "paper",
            "sections": "[]",
            **fields,
        }
    )
    if upload is not None:
        data["text_file"] = upload
    return client.post(url, data)


def errors(response):
    assert response.status_code == 200, "the form should have been refused"
    return response.context["adminform"].form.errors


def test_a_curator_adds_a_source_from_a_pdf_and_its_text_is_stored_and_kept(
    curator_client, settings
):
    pdf = SimpleUploadedFile("paper.pdf", make_pdf(NEW_TEXT), content_type="application/pdf")
    response = add_source(curator_client, pdf)
    assert response.status_code == 302, getattr(response, "context", None) and errors(response)
    source = Source.objects.get(file_name="005_test-region-process.txt")
    text = source.stored_text.text
    assert text.startswith("1 Regional Consultative Process on Migration of the test region")
    assert "\n\n2 Its members meet once a year" in text
    # kept beside the other sources, so a fresh database loads it again
    kept = settings.CATALOGUE_SOURCES_DIR / "005_test-region-process.txt"
    assert kept.read_text(encoding="utf-8") == text
    SourceText.objects.filter(source=source).delete()
    assert store_source_texts(settings.CATALOGUE_SOURCES_DIR) == []
    assert SourceText.objects.get(source=source).text == text


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("paper.pdf", b"%PDF-1.4\nthis is not a real PDF at all", "The PDF cannot be read"),
        ("paper.pdf", b"GIF89a pretending", "is named as a PDF but is not one"),
        ("paper.docx", b"PK\x03\x04 a word file", "Upload a plain text (.txt), PDF (.pdf) or"),
        ("paper.txt", "caf\u00e9".encode("latin-1"), "is not UTF-8 text"),
        ("paper.txt", b"   \n\n ", "No text could be read"),
        ("paper.txt", b"a\x00b", "NUL character"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error_and_nothing_is_stored(
    curator_client, name, content, message
):
    response = add_source(curator_client, SimpleUploadedFile(name, content))
    assert message in " ".join(errors(response)["text_file"])
    assert not Source.objects.filter(file_name="005_test-region-process.txt").exists()


def test_an_upload_over_the_size_cap_is_refused(curator_client, settings):
    settings.CATALOGUE_SOURCE_UPLOAD_MAX_BYTES = 100
    response = add_source(curator_client, SimpleUploadedFile("paper.txt", b"word " * 40))
    assert "a source file may be at most 100 bytes" in " ".join(errors(response)["text_file"])


def test_a_new_source_needs_its_file_and_a_plain_file_name(curator_client):
    assert "a new source needs its text" in " ".join(
        errors(add_source(curator_client, None))["text_file"]
    )
    upload = SimpleUploadedFile("paper.txt", b"Some text of the paper.")
    response = add_source(curator_client, upload, file_name="../../etc/passwd.txt")
    assert "A plain file name ending in .txt" in " ".join(errors(response)["file_name"])


def test_html_keeps_its_words_and_drops_its_scripts(curator_client):
    page = (
        b"<html><head><title>T</title><style>p{}</style></head><body><h1>The test region</h1>"
        b"<p>Its members meet&nbsp;once a year.</p><script>alert(1)</script></body></html>"
    )
    response = add_source(curator_client, SimpleUploadedFile("page.html", page))
    assert response.status_code == 302
    text = Source.objects.get(file_name="005_test-region-process.txt").stored_text.text
    assert "Its members meet\u00a0once a year." in text and "The test region" in text
    assert "alert" not in text and "p{}" not in text


def test_a_quotation_the_source_does_not_hold_is_refused_and_its_words_are_accepted(
    curator_client,
):
    add_source(curator_client, SimpleUploadedFile("paper.pdf", make_pdf(NEW_TEXT)))
    source = Source.objects.get(file_name="005_test-region-process.txt")
    url = reverse("admin:processes_citation_add")
    data = admin_form_data(curator_client.get(url))
    data.update({"source": source.pk, "locator": "p. 1", "quotation": "was founded in 2009."})
    response = curator_client.post(url, data)
    assert "These words are not in the text of “Test region paper”" in " ".join(
        errors(response)["quotation"]
    )
    # the same words as the text has them, across its line break, are accepted
    data["quotation"] = "Migration of the test region was founded in 2008."
    assert curator_client.post(url, data).status_code == 302
    assert Citation.objects.filter(source=source, locator="p. 1").exists()


def test_the_passage_search_finds_the_words_typed_in_the_sources_text(curator_client):
    add_source(curator_client, SimpleUploadedFile("paper.pdf", make_pdf(NEW_TEXT)))
    source = Source.objects.get(file_name="005_test-region-process.txt")
    url = reverse("admin:processes_source_passages", args=[source.pk])
    found = json.loads(curator_client.get(url, {"q": "meet once a"}).content)
    assert found["stored"] is True
    assert [m for m in found["matches"] if "Its members meet once a year" in m["text"]]
    assert json.loads(curator_client.get(url, {"q": "not in it"}).content)["matches"] == []
    # only for the admin's users
    assert Client().get(url).status_code == 302


def test_the_self_check_covers_an_added_source_as_it_covers_the_seeds(curator_client):
    from processes import fidelity

    add_source(curator_client, SimpleUploadedFile("paper.pdf", make_pdf(NEW_TEXT)))
    source = Source.objects.get(file_name="005_test-region-process.txt")
    # words of page 2, cited to page 1: in the text, but not where the locator says
    citation = Citation.objects.create(
        source=source, locator="p. 1", quotation="Its members meet once a year"
    )
    found = [
        str(p)
        for p in fidelity.check_located_values(fidelity.read_sources(), fidelity.Exceptions())
    ]
    assert any(
        "005_test-region-process.txt/p. 1, field quotation" in line
        and "(it is elsewhere in the file)" in line
        for line in found
    ), found
    Citation.objects.filter(pk=citation.pk).update(locator="p. 2")
    found = [
        str(p)
        for p in fidelity.check_located_values(fidelity.read_sources(), fidelity.Exceptions())
    ]
    assert not [line for line in found if "005_test-region-process.txt" in line]
