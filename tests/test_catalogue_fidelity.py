"""The catalogue checks itself against its sources (processes/fidelity.py).

Each rule is shown to catch an error planted in the shipped catalogue, and to name the
fixture file, the record and the field; a curator's exception silences exactly that one
finding; the shipped catalogue passes. Tests that read the seed files skip when
shared/seeds is not beside the checkout.
"""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from processes import fidelity
from processes.catalogue import check_catalogue
from processes.models import (
    CheckException,
    Citation,
    Claim,
    Organization,
    Participation,
    Process,
)
from timeline.models import Document, Event

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout"
)


def findings(rule):
    """The shipped catalogue's findings of one rule, as the command prints them (against
    the sources' texts stored in the database, as a deployed site checks itself)."""
    return [str(p) for p in fidelity.check_fidelity() if p.rule == rule]


# --- folding ---------------------------------------------------------------------------------


def test_copy_folding_evens_out_quotes_dashes_spaces_and_line_break_hyphens():
    source = "the Council\u2019s  \u201cinter-\n   regional\u201d dialogue \u2013 2005"
    assert fold_copy_in('the Council\'s "inter-regional" dialogue - 2005', source)
    assert fold_copy_in("interregional", source, join=True)
    # case and letters are part of a copy
    assert not fold_copy_in("the council's", source)


def fold_copy_in(value, source, join=False):
    return fidelity.fold_copy(value) in fidelity.fold_copy(source, join_hyphens=join)


# --- the shipped catalogue ---------------------------------------------------------------------


@needs_seeds
def test_shipped_catalogue_passes_every_fidelity_rule(catalogue):
    assert [str(p) for p in fidelity.check_fidelity()] == []
    # the stored texts are the files' texts: checking against the files finds the same
    assert [str(p) for p in fidelity.check_fidelity(SEEDS)] == []


@needs_seeds
def test_the_command_reports_clearly_when_the_seeds_are_absent(catalogue, tmp_path, capsys):
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_catalogue", seeds=str(tmp_path / "nowhere"))
    out = capsys.readouterr().out
    assert "texts cannot be read" in out
    assert "nowhere" in out
    # the integrity checks alone still run
    call_command("check_catalogue", without_sources=True)


@needs_seeds
def test_a_deployed_site_checks_itself_against_its_stored_texts(catalogue, capsys, settings):
    """With no source files anywhere, the command checks the texts the database holds."""
    settings.CATALOGUE_SOURCES_DIR = "/nonexistent"
    call_command("check_catalogue")
    assert "The catalogue has no integrity problems." in capsys.readouterr().out


@needs_seeds
def test_a_source_without_a_stored_text_is_named(catalogue, capsys):
    from processes.models import SourceText

    SourceText.objects.filter(source__file_name="003_70f8dd480db74d21.txt").delete()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_catalogue")
    assert "003_70f8dd480db74d21.txt" in capsys.readouterr().out


# --- rule 1: copied facts appear verbatim ------------------------------------------------------


@needs_seeds
def test_a_short_name_no_source_uses_is_reported_with_file_record_and_field(catalogue):
    Process.objects.filter(slug="budapest-process").update(short_name="BudaProc")
    assert (
        "[verbatim] processes.json, process budapest-process, field short_name: "
        "'BudaProc' is not in" in "\n".join(findings("verbatim"))
    )


@needs_seeds
def test_a_un_symbol_found_only_inside_a_url_is_reported(catalogue):
    # 002's related-documents list prints this URL; the symbol is not given as text.
    document = Document.objects.get(slug="a-res-71-280")
    citation = Citation.objects.get(
        source__file_name="001_3b9172660188b768.txt", locator="Footnote 13"
    )
    document.citations.set([citation])
    Document.objects.filter(pk=document.pk).update(un_symbol="summary_0")
    found = "\n".join(findings("verbatim"))
    assert "timeline.document" not in found  # names the file, not the model
    assert "documents.json, document a-res-71-280, field un_symbol: 'summary_0'" in found


@needs_seeds
def test_a_claim_value_outside_the_section_its_locator_names_is_reported(catalogue):
    claim = Claim.objects.get(
        process__slug="budapest-process",
        field="year_established",
        citation__source__file_name="004_ff92d326d034ca55.txt",
    )
    # 2001 is in 004, but not in Annex A's row for the Budapest Process? It is in the
    # file; a value from another annex or section must not pass. Use one only Section D has.
    claim.value = "Berne II Conference"
    claim.save()
    found = "\n".join(findings("verbatim"))
    assert "field value: 'Berne II Conference' is not in 004_ff92d326d034ca55.txt, Annex A" in found
    assert "(it is elsewhere in the file)" in found


@needs_seeds
def test_an_exception_accepts_exactly_its_value_and_says_when_it_is_stale(catalogue):
    Process.objects.filter(slug="budapest-process").update(short_name="BudaProc")
    exception = CheckException.objects.create(
        rule="verbatim",
        model="processes.process",
        record="budapest-process",
        field="short_name",
        value="BudaProc",
        reason="planted for the test",
    )
    assert not [f for f in findings("verbatim") if "budapest-process" in f]
    Process.objects.filter(slug="budapest-process").update(short_name="Buda")
    assert [f for f in findings("verbatim") if "'Buda' is not in" in f]
    assert any(
        "this exception matches no current breach" in f and exception.record in f
        for f in findings("verbatim")
    )


# --- rule 2: descriptions in our own words -----------------------------------------------------


@needs_seeds
def test_a_description_repeating_twelve_words_of_a_source_is_reported(catalogue):
    # twelve consecutive words of 000's introduction
    copied = (
        "Migration has become a key issue for countries all over the world whether they "
        "are countries of origin"
    )
    Event.objects.filter(slug="1992-earth-summit").update(description=copied)
    found = "\n".join(findings("overlap"))
    assert "[overlap] events.json, event 1992-earth-summit, field description" in found
    assert "000_0d53ef92ce4e4258.txt" in found


@needs_seeds
def test_eleven_words_of_a_source_are_our_own_words(catalogue):
    # the first eleven of those words, then our own
    Event.objects.filter(slug="1992-earth-summit").update(
        description="Migration has become a key issue for countries all over the globe."
    )
    assert not [f for f in findings("overlap") if "1992-earth-summit" in f]


@needs_seeds
def test_a_note_copying_a_source_without_quotation_marks_is_reported_and_with_them_not(catalogue):
    participation = Participation.objects.filter(process__slug="bali-process", role="member")[0]
    row = participation.citations.get(locator__startswith="Annex A, row")
    # twelve words of the row the participation cites, copied as if they were ours
    copied = " ".join(row.quotation.split()[:14])
    Participation.objects.filter(pk=participation.pk).update(note=f"Listed: {copied}.")
    key = f"participations.json, participation {fidelity.record_key(participation)}"
    assert any(key in f and "field note" in f for f in findings("overlap"))
    # the same words in quotation marks are a quotation: no breach, checked as a copy
    Participation.objects.filter(pk=participation.pk).update(note=f"Listed: \u201c{copied}\u201d.")
    assert not [f for f in findings("overlap") if key in f]
    assert not [f for f in findings("verbatim") if key in f]


@needs_seeds
def test_a_quotation_in_a_note_that_is_not_the_sources_words_is_reported(catalogue):
    process = Process.objects.get(slug="rcrc-conference")
    Process.objects.filter(pk=process.pk).update(
        participants_note=(
            "Its members are \u201call States and all organizations of the world\u201d."
        )
    )
    found = "\n".join(findings("verbatim"))
    assert (
        "[verbatim] processes.json, process rcrc-conference, field participants_note: the "
        "quotation \u201call States and all organizations of the world\u201d is not in" in found
    )


def test_main_areas_and_priorities_are_shown_as_the_sources_words(client, catalogue):
    process = Process.objects.exclude(main_areas="").exclude(priorities="").first()
    page = client.get(process.get_absolute_url()).content.decode()
    for value in (process.main_areas, process.priorities):
        assert f"\u201c{escape(value)}\u201d" in page


# --- rule 3: one record per thing --------------------------------------------------------------


@needs_seeds
def test_two_events_for_one_summit_are_reported_until_marked_distinct(catalogue):
    original = Event.objects.get(slug="2016-un-summit-for-refugees-and-migrants")
    copy = Event.objects.get(pk=original.pk)
    copy.pk = None
    copy.slug = "2016-09-summit-for-refugees-and-migrants"
    copy.title = "UN summit on addressing large movements of refugees and migrants"
    copy.start_date, copy.start_precision = original.start_date.replace(day=1), "month"
    copy.save()
    key = " | ".join(sorted([original.slug, copy.slug]))
    found = "\n".join(findings("duplicate"))
    assert f"[duplicate] events.json, event {key}, field title: likely the same thing" in found
    CheckException.objects.create(
        rule="duplicate", model="timeline.event", record=key, reason="planted for the test"
    )
    assert key not in "\n".join(findings("duplicate"))


def test_two_documents_with_one_un_symbol_are_reported_whatever_their_titles():
    first = Document(slug="a", title="Report of the Special Representative", un_symbol="A/71/728")
    second = Document(slug="b", title="Sutherland Report", un_symbol="A/71/728")
    assert fidelity.likely_same(first, second, ["title"], fidelity._document_when) == (
        "same UN symbol A/71/728"
    )
    second.un_symbol = "A/71/729"
    assert fidelity.likely_same(first, second, ["title"], fidelity._document_when) is None


def test_dates_of_different_precision_can_be_one_day():
    day, month, year = (
        datetime.date(2016, 9, 19),
        datetime.date(2016, 9, 1),
        datetime.date(2016, 1, 1),
    )
    assert fidelity.same_time((day, "day"), (month, "month"))
    assert fidelity.same_time((day, "day"), (year, "year"))
    assert not fidelity.same_time((day, "day"), (datetime.date(2016, 9, 20), "day"))
    assert not fidelity.same_time((month, "month"), (datetime.date(2017, 1, 1), "year"))


def test_numbered_sessions_are_not_duplicates():
    assert not fidelity.similar_titles(
        "Twelfth United Nations Congress on Crime Prevention and Criminal Justice",
        "Thirteenth United Nations Congress on Crime Prevention and Criminal Justice",
    )


# --- rule 4: public text is for the public -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "004 (Section A.1) counts 112 member states.",
        "As 002_d0c6170c32b22156.txt says.",
        "Role kept; as_of left empty.",
        "The year_established is disputed.",
    ],
)
def test_curator_shorthand_in_public_text_is_recognised(text):
    assert fidelity.public_text_problem(text)


@pytest.mark.parametrize(
    "text",
    [
        "Counted 112 member states in 2005.",
        "Resolution 71/280 of the General Assembly.",
        "Held on 18–19 April 2017 in New York.",
    ],
)
def test_plain_public_text_passes(text):
    assert fidelity.public_text_problem(text) is None


@needs_seeds
def test_shorthand_planted_in_a_participation_note_is_reported(catalogue):
    participation = Participation.objects.filter(process__slug="budapest-process").first()
    Participation.objects.filter(pk=participation.pk).update(note="as_of left empty.")
    found = "\n".join(findings("public_text"))
    assert "[public_text] participations.json, participation budapest-process/" in found
    assert "field note: a field name ('as_of')" in found


@pytest.mark.parametrize(
    "text, broken",
    [
        ("Held in Geneva. the 2005 paper dates it 2003.", True),  # a file number cut out
        ("the paper dates it 2003.", True),
        ("Study by T. Alexander Aleinikoff; see e.g. the annex.", False),
        ("It calls them 'initiated ... as per their mandates'.", False),
        ("Held in Geneva. The paper dates it 2003.", False),
    ],
)
def test_a_sentence_that_opens_in_lower_case_is_recognised(text, broken):
    assert bool(fidelity.sentence_problem(text)) is broken


@needs_seeds
def test_a_lower_case_sentence_planted_in_a_summary_is_reported(catalogue):
    document = Document.objects.get(slug="iamm")
    Document.objects.filter(pk=document.pk).update(
        summary=document.summary.replace("The 2005 paper", "the 2005 paper")
    )
    found = "\n".join(findings("public_text"))
    assert (
        "[public_text] documents.json, document iamm, field summary: a sentence opens in " in found
    )


def test_curator_notes_stay_off_public_pages_and_csv(client, catalogue):
    organization = Organization.objects.get(slug="iom")
    Organization.objects.filter(pk=organization.pk).update(
        curator_notes="SECRET-CURATOR-REMARK from 004 Section A.1"
    )
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "SECRET-CURATOR-REMARK" not in page
    response = client.get("/organizations/export.csv")
    assert response.status_code == 200
    body = response.streaming_content if response.streaming else [response.content]
    csv = b"".join(body).decode()
    assert "International Organization for Migration" in csv
    assert "SECRET-CURATOR-REMARK" not in csv
    assert "curator" not in csv.splitlines()[0]


# --- rule 5: category, scope and status rest on a citation -------------------------------------


@needs_seeds
def test_a_status_no_cited_section_states_is_reported(catalogue):
    Process.objects.filter(slug="budapest-process").update(status="dormant")
    found = "\n".join(findings("evidence"))
    assert "[evidence] processes.json, process budapest-process, field status: 'dormant'" in found


@needs_seeds
def test_check_catalogue_includes_the_fidelity_findings(catalogue):
    Process.objects.filter(slug="budapest-process").update(short_name="BudaProc")
    assert any("'BudaProc'" in p for p in check_catalogue(seeds=SEEDS))


def test_disputed_facts_are_named_in_words_on_public_pages(client, catalogue):
    page = client.get("/events/2003-establishment-of-gcim/").content.decode()
    assert "start date" in page
    assert "start_date" not in page


def test_curators_read_and_edit_the_notes_in_the_admin(catalogue):
    from django.test import Client
    from django.urls import reverse

    from tests.factories import make_curator

    Organization.objects.filter(slug="iom").update(curator_notes="Found in 004, Section A.1.")
    client = Client()
    client.force_login(make_curator())
    organization = Organization.objects.get(slug="iom")
    page = client.get(reverse("admin:processes_organization_change", args=[organization.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="curator_notes"' in html
    assert "Found in 004, Section A.1." in html
    exceptions = client.get(reverse("admin:processes_checkexception_changelist"))
    assert exceptions.status_code == 200
    assert "Capacitybuilding" in exceptions.content.decode()


@needs_seeds
def test_the_documented_figures_are_those_of_a_run_on_the_shipped_catalogue(catalogue, tmp_path):
    """docs/data-fidelity.md quotes the figures check_catalogue --update-docs writes: a run
    on the shipped catalogue leaves the page as it is."""
    docs = Path(__file__).resolve().parent.parent / "docs" / "data-fidelity.md"
    copy = tmp_path / "data-fidelity.md"
    copy.write_text(docs.read_text(encoding="utf-8"), encoding="utf-8")
    fidelity.check_fidelity()
    assert fidelity.update_figures(copy) is False, (
        "docs/data-fidelity.md quotes other figures: run "
        "manage.py check_catalogue --update-docs docs/data-fidelity.md"
    )
    assert "| verbatim | " in copy.read_text(encoding="utf-8")


@needs_seeds
def test_a_meeting_the_source_only_announces_is_reported_when_published(catalogue):
    event = Event.objects.get(slug="2018-joint-valletta-action-plan-meeting-ethiopia")
    assert event.publication == "draft"  # the report only says it was planned
    Event.objects.filter(pk=event.pk).update(publication="published")
    found = "\n".join(findings("evidence"))
    assert (
        "[evidence] events.json, event 2018-joint-valletta-action-plan-meeting-ethiopia, "
        "field publication: published as held, but its description says" in found
    )
    assert client_page_lacks_draft(event)


def client_page_lacks_draft(event):
    from django.test import Client

    Event.objects.filter(pk=event.pk).update(publication="draft")
    return Client().get(event.get_absolute_url()).status_code == 404
