"""The sources live inside the catalogue: their texts are stored by load_catalogue, every
cited passage is found where its locator says, and a reader can read it in context.

Tests that compare with the files skip when shared/seeds is not beside the checkout.
"""

import hashlib
import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from migration_governance.core import passages
from processes import fidelity
from processes.catalogue import export_catalogue, store_source_texts
from processes.models import Citation, Claim, Process, Source, SourceText

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout"
)


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def checked(citation):
    stored = citation.source.stored_text
    return fidelity.CheckedText(citation.source.file_name, stored.text)


# --- storing the texts --------------------------------------------------------------------------


@needs_seeds
def test_loading_stores_each_source_text_as_its_file_gives_it(catalogue):
    for source in Source.objects.select_related("stored_text"):
        raw = (SEEDS / source.file_name).read_text(encoding="utf-8")
        assert source.stored_text.text == raw
        assert source.stored_text.sha256 == hashlib.sha256(raw.encode()).hexdigest()


@needs_seeds
def test_loading_again_leaves_an_unchanged_text_alone_and_replaces_a_changed_one(
    catalogue, tmp_path
):
    before = {t.source_id: t.stored_at for t in SourceText.objects.all()}
    store_source_texts()
    assert {t.source_id: t.stored_at for t in SourceText.objects.all()} == before

    for path in SEEDS.iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    changed = tmp_path / "003_70f8dd480db74d21.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA later line.\n", "utf-8")
    store_source_texts(tmp_path)
    stored = SourceText.objects.get(source__file_name="003_70f8dd480db74d21.txt")
    assert stored.text.endswith("A later line.\n")


def test_a_source_without_its_file_is_named_and_keeps_the_text_it_has(catalogue, tmp_path):
    kept = {t.source_id: t.text for t in SourceText.objects.all()}
    assert len(kept) == Source.objects.count()
    assert store_source_texts(tmp_path) == []  # an empty folder
    assert {t.source_id: t.text for t in SourceText.objects.all()} == kept

    SourceText.objects.all().delete()
    assert store_source_texts(tmp_path) == sorted(
        Source.objects.values_list("file_name", flat=True)
    )


def test_the_load_command_warns_when_texts_are_missing(catalogue, tmp_path, capsys):
    SourceText.objects.filter(source__file_name="000_0d53ef92ce4e4258.txt").delete()
    sources = Path(__file__).resolve().parent.parent / "fixtures" / "sources.json"
    call_command("load_catalogue", str(sources), sources=str(tmp_path), verbosity=0)
    err = capsys.readouterr().err
    assert "No text stored for 000_0d53ef92ce4e4258.txt" in err
    assert "CATALOGUE_SOURCES_DIR" in err


def test_the_texts_stay_out_of_the_fixtures(catalogue, tmp_path):
    """Third-party texts are not copied into the repository: exporting writes the same
    fixture files, byte for byte, with no text in them."""
    written = export_catalogue(tmp_path)
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    for path in written:
        assert path.read_bytes() == (fixtures / path.name).read_bytes(), path.name
    assert not any("stored_text" in path.read_text() for path in written)


# --- every passage where its locator says ---------------------------------------------------------


@needs_seeds
def test_every_quotation_is_in_its_stored_text_inside_the_section_its_locator_names(catalogue):
    citations = Citation.objects.select_related("source__stored_text").exclude(quotation="")
    assert citations.count() > 300
    for citation in citations:
        text = checked(citation)
        section = text.section_span(citation.locator)
        assert section is not None, f"{citation}: the locator names no section found"
        span = text.locate(citation.quotation, citation.locator)
        assert span is not None, f"{citation}: the quotation is not in the text"
        assert section.start <= span.start and span.end <= section.end, str(citation)
        assert not passages.cuts_a_word(text.text, span), f"{citation}: cut mid-word"


def _locator_kinds():
    """One citation per kind of locator (its source and its locator's shape)."""
    kinds = {}
    for citation in Citation.objects.select_related("source").order_by("pk"):
        shape = re.sub(r"\d+", "N", citation.locator.split(",")[0].split("(")[0]).strip()
        if "footnote" in citation.locator.lower() or "note " in citation.locator:
            shape += ", note"
        kinds.setdefault((citation.source.file_name, shape), citation)
    return list(kinds.values())


@needs_seeds
def test_a_quotation_from_another_section_is_reported_for_every_kind_of_locator(catalogue):
    planted = []
    for citation in _locator_kinds():
        text = checked(citation)
        folded_section = text.folded_section(citation.locator)[:2]
        # A passage of the same source that is not in this citation's section.
        elsewhere = next(
            (
                other.quotation
                for other in Citation.objects.filter(source=citation.source)
                .exclude(quotation="")
                .order_by("pk")
                if not text.contains(other.quotation, folded_section)
            ),
            None,
        )
        if elsewhere is not None:
            planted.append((citation, elsewhere))
    assert len(planted) >= 15
    for citation, elsewhere in planted:
        Citation.objects.filter(pk=citation.pk).update(quotation=elsewhere)
    # the locator rule alone (the whole check runs five rules over everything)
    found = [
        str(p)
        for p in fidelity.check_located_values(fidelity.read_sources(), fidelity.Exceptions())
        if p.model == "processes.citation"
    ]
    for citation, _elsewhere in planted:
        record = f"{citation.source.file_name}/{citation.locator}, field quotation"
        assert any(record in line and "(it is elsewhere in the file)" in line for line in found), (
            record
        )


@needs_seeds
def test_a_page_reference_names_the_page_the_passage_stands_on(catalogue):
    """002 is a paged transcription: every "p. N" locator's passage is found on page N."""
    cited = Citation.objects.filter(locator__regex=r"^p\. \d+").select_related(
        "source__stored_text"
    )
    assert cited.count() > 50
    for citation in cited:
        text = checked(citation)
        span = text.locate(citation.quotation, citation.locator)
        page = int(re.match(r"p\. (\d+)", citation.locator).group(1))
        assert passages.page_at(text.text, span.start) == page, str(citation)


def test_finding_a_passage_lets_spacing_quotes_and_dashes_differ_and_nothing_else():
    text = "The Council\u2019s  \u201cinter-\n regional\u201d  dialogue \u2013 in 2005, and more."
    span = passages.locate(text, 'Council\'s "inter- regional" dialogue - in 2005')
    assert text[span.start : span.end].startswith("Council")
    assert text[span.end - 4 : span.end] == "2005"
    assert passages.locate(text, "council's") is None
    assert passages.locate(text, "dialogue in 2005") is None
    assert passages.cuts_a_word(text, passages.locate(text, "ouncil"))


# --- reading a passage in context ----------------------------------------------------------------


def _context_links(page_html):
    return [
        html.unescape(href)
        for href in re.findall(r'<a class="in-context-link" href="([^"]+)"', page_html)
    ]


def _event_with_citations():
    from timeline.models import Event

    return Event.objects.published().filter(citations__quotation__gt="").first()


def _document_with_citations():
    from timeline.models import Document

    return Document.objects.published().filter(citations__quotation__gt="").first()


@needs_seeds
@pytest.mark.parametrize(
    "path",
    [
        "/processes/budapest-process/",
        "/fr/processes/midsa/",
        "/organizations/iom/",
        "/sources/global-processes-on-migration/",
        lambda: _event_with_citations().get_absolute_url(),
        lambda: "/es" + _document_with_citations().get_absolute_url(),
    ],
)
def test_every_read_in_context_link_shows_its_passage_highlighted_with_its_facts(
    client, catalogue, path
):
    page = client.get(path() if callable(path) else path)
    assert page.status_code == 200
    links = _context_links(page.content.decode())
    assert links, "the page shows citations with passages"
    for link in sorted(set(links))[:40]:
        answer = client.get(link)
        assert answer.status_code == 200, link
        body = answer.content.decode()
        kind, pk = re.search(r"/(passages|claims)/(\d+)/", link).groups()
        # a claim shows the passage stating its own value, at its citation's place
        model = Citation if kind == "passages" else Claim
        citation = model.objects.get(pk=int(pk))
        marked = re.search(r'<mark class="cited-passage">(.*?)</mark>', body, re.S)
        assert marked, link
        # the highlighted words are the quotation, whole, as the source spaces them
        highlighted = html.unescape(marked.group(1))
        assert passages.locate(highlighted, citation.quotation) == passages.Span(
            0, len(highlighted)
        ), link
        assert html.escape(citation.locator) in body
        assert 'id="facts-heading"' in body


@needs_seeds
def test_the_context_page_shows_the_sentences_around_and_the_section_and_facts(client, catalogue):
    process = Process.objects.get(slug="budapest-process")
    # the cell of the process's row that lists its members
    member = process.participations.filter(role="member").first()
    citation = member.citations.get(locator__startswith="Annex A, row")
    body = client.get(citation.get_context_url()).content.decode()
    text = squeeze(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    before, after = body.split('<mark class="cited-passage">')[0], body.split("</mark>")[1]
    # something of the document on both sides of the highlighted passage
    assert squeeze(re.sub(r"<[^>]+>", "", before.rsplit("<p>", 1)[1])).strip("… ")
    assert squeeze(re.sub(r"<[^>]+>", "", after.split("</p>", 1)[0])).strip("… ")
    assert citation.section["label"] in text
    assert process.name in text
    # participations resting on the cell name their participant and role
    assert re.search(rf"{re.escape(str(member.participant))} ?: Member", text)


def test_without_a_stored_text_the_passage_is_shown_on_its_own(client, catalogue):
    citation = Citation.objects.exclude(quotation="").select_related("source").first()
    SourceText.objects.filter(source=citation.source).delete()
    answer = client.get(citation.get_context_url())
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "not stored in the catalogue" in body
    assert html.escape(citation.quotation) in body or citation.quotation[:40] in html.unescape(body)


def test_a_passage_under_another_source_or_unknown_is_not_found(client, catalogue):
    citation = Citation.objects.exclude(quotation="").select_related("source").first()
    other = Source.objects.exclude(pk=citation.source_id).first()
    assert client.get(f"/sources/{other.slug}/passages/{citation.pk}/").status_code == 404
    assert client.get(f"/sources/{citation.source.slug}/passages/0/").status_code == 404
    assert client.get(f"/sources/{citation.source.slug}/passages/x/").status_code == 404
