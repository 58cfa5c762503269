"""Claims: one source's value for one fact of a process, event or document, each with the
passage that states it — one mechanism for every kind of record."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from migration_governance.core import passages
from processes import fidelity
from processes.catalogue import CatalogueLoadError, load_catalogue
from processes.models import NAMED_AS, Citation, Claim, Organization, PlaceOnly, Process
from timeline.models import Document, Event

from .api_support import api_all, ndjson_rows
from .test_catalogue_loading import CITATION, PROCESS, SOURCE, write

CLAIMS_TABLE = re.compile(r'<table class="claims">(.*?)</table>', re.S)
ROW = re.compile(r"<tr><td>(.*?)</td></tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
QUOTATION = re.compile(r'<span class="quotation">\u201c(.*?)\u201d</span>', re.S)
CONTEXT_LINK = re.compile(r'<a class="in-context-link" href="([^"]+)"')


def _text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _claim_rows(page):
    """(value, passage, context link) for each row of each claims table on a page."""
    rows = []
    for table in CLAIMS_TABLE.findall(page):
        body = table.split("<tbody>", 1)[1]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = CELL.findall(f"{row}")
            # processes: value, source, note; events and documents: fact, value, source, note
            value, cited = (cells[0], cells[1]) if len(cells) == 3 else (cells[1], cells[2])
            quoted = QUOTATION.search(cited)
            link = CONTEXT_LINK.search(cited)
            rows.append(
                (
                    _text(value),
                    html.unescape(quoted.group(1)) if quoted else None,
                    html.unescape(link.group(1)) if link else None,
                )
            )
    return rows


def _records_with_claims():
    """Published records with claims about their facts (not only passages naming them)."""
    for model in (Process, Event, Document):
        for record in model.objects.published().prefetch_related("claims"):
            if record.disputed_claims:
                yield record


def test_every_claim_on_every_page_shows_a_passage_stating_its_value(client, catalogue):
    """The value a reader sees beside a source is in the words quoted for it."""
    shown = 0
    for record in _records_with_claims():
        page = client.get(record.get_absolute_url()).content.decode()
        rows = _claim_rows(page)
        assert len(rows) == len(record.disputed_claims), record
        for value, passage, _link in rows:
            assert passage, f"{record}: no passage for {value!r}"
            assert passages.locate(passage, value), f"{record}: {passage!r} lacks {value!r}"
            shown += 1
    published = sum(len(record.disputed_claims) for record in _records_with_claims())
    assert shown == published > 40


def test_a_claims_read_in_context_link_highlights_its_own_passage(client, catalogue):
    record = Event.objects.get(slug="2003-establishment-of-gcim")
    rows = _claim_rows(client.get(record.get_absolute_url()).content.decode())
    assert {value for value, _p, _l in rows} == {"2003", "2004"}
    for value, passage, link in rows:
        answer = client.get(link)
        assert answer.status_code == 200, link
        body = answer.content.decode()
        if record.claims.filter(citation__source__stored_text__isnull=False).exists():
            marked = re.search(r'<mark class="cited-passage">(.*?)</mark>', body, re.S)
            assert marked and passages.locate(html.unescape(marked.group(1)), value)
        else:
            assert html.escape(passage) in body
        # the fact it is shown for, linked back to its record
        assert f'href="{record.get_absolute_url()}"' in body
        assert f"start date: {value}" in body


def test_a_claim_of_an_unpublished_record_has_no_public_passage(client, catalogue):
    claim = Claim.objects.filter(event__isnull=False).exclude(quotation="").first()
    link = claim.get_context_url()
    assert client.get(link).status_code == 200
    Event.objects.filter(pk=claim.object_id).update(publication="draft")
    assert client.get(link).status_code == 404
    assert client.get(link.replace(f"/{claim.pk}/", "/999999/")).status_code == 404


@pytest.mark.skipif(
    not Path(settings.CATALOGUE_SOURCES_DIR).is_dir(), reason="the sources are not beside"
)
def test_the_self_check_names_a_claim_whose_passage_does_not_state_its_value(catalogue):
    claim = Claim.objects.get(
        event__slug="2003-establishment-of-gcim",
        citation__source__file_name__startswith="004",
        field="start_date",
    )
    # Still the source's words, at the same place, but not the words that state "2004".
    claim.quotation = "The establishment"
    claim.save()
    found = [str(p) for p in fidelity.check_fidelity() if p.rule == "evidence"]
    assert any(
        "claims.json, claim timeline.event/['2003-establishment-of-gcim']/start_date/" in line
        and "field start_date: its passage does not state its value '2004'" in line
        for line in found
    ), found
    claim.quotation = ""
    claim.save()
    found = [str(p) for p in fidelity.check_fidelity() if p.rule == "evidence"]
    assert any("no passage states its value '2004'" in line for line in found)


def test_a_claim_quoting_words_its_source_does_not_hold_is_refused(catalogue):
    claim = Claim.objects.filter(citation__source__stored_text__isnull=False).first()
    claim.quotation = "Words no source of this catalogue ever printed"
    with pytest.raises(Exception, match="not in the text of"):
        claim.full_clean()


def test_a_claims_passage_that_does_not_state_its_value_is_refused(catalogue):
    """A curator cannot save words beside a value they do not state, nor a passage cut
    inside a word."""
    claim = Claim.objects.filter(
        citation__source__stored_text__isnull=False, field="start_date"
    ).first()
    claim.full_clean()  # as recorded: its passage states its value
    stated = claim.value
    claim.value = "1066"
    with pytest.raises(ValidationError, match="do not state the value “1066”"):
        claim.full_clean()
    claim.value = stated
    claim.quotation = claim.quotation[:-2]
    with pytest.raises(ValidationError, match="inside a word"):
        claim.full_clean()


CLAIM = {
    "model": "processes.claim",
    "fields": {
        "record": ["processes.process", "test-process"],
        "field": "name",
        "value": "Budapest Group/Process",
        "citation": ["test-source.txt", "Annex A"],
        "quotation": "",
        "note": "",
        "curator_notes": "",
    },
}


def test_a_claim_in_the_fixtures_names_its_record_by_kind_and_natural_key(tmp_path, db):
    path = write(tmp_path, "c.json", [SOURCE, CITATION, PROCESS, CLAIM])
    load_catalogue([path], sources_dir=tmp_path)
    process = Process.objects.get(slug="test-process")
    assert [c.value for c in process.claims.all()] == ["Budapest Group/Process"]
    # loading the same file again matches the claim by its natural key: no second row
    load_catalogue([path], sources_dir=tmp_path)
    assert process.claims.count() == 1


@pytest.mark.parametrize(
    "record, message",
    [
        (
            ["processes.process", "no-such-process"],
            "record: no processes.process ['no-such-process']",
        ),
        (["auth.user", "admin"], "record: 'auth.user' is not a kind of record with claims"),
        ("test-process", "record: give the record as"),
    ],
)
def test_a_claim_naming_no_record_is_refused_and_named(tmp_path, db, record, message):
    claim = {**CLAIM, "fields": {**CLAIM["fields"], "record": record}}
    path = write(tmp_path, "c.json", [SOURCE, CITATION, PROCESS, claim])
    with pytest.raises(CatalogueLoadError) as caught:
        load_catalogue([path], sources_dir=tmp_path)
    assert str(caught.value).startswith("c.json, record 4")
    assert message in str(caught.value)
    assert not Process.objects.filter(slug="test-process").exists()


# The three claim models this one replaced, filled as a database of the time held them
# (a claim, its history, and the history of a claim since deleted), then migrated.
MIGRATION_SCRIPT = """
import django, json
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = [("processes", "0023_inter_agency_category"), ("timeline", "0009_document_reference_number")]
executor = MigrationExecutor(connection)
executor.migrate(OLD)
apps = executor.loader.project_state(OLD).apps
source = apps.get_model("processes", "Source").objects.create(
    file_name="s.txt", slug="s", title="S", short_title="S")
Citation = apps.get_model("processes", "Citation")
here = Citation.objects.create(source=source, locator="p. 1", quotation="In 1991 it began.")
there = Citation.objects.create(source=source, locator="p. 2", quotation="Held 2003.")
process = apps.get_model("processes", "Process").objects.create(
    slug="p", name="P", scope="regional", category="rcp")
event = apps.get_model("timeline", "Event").objects.create(slug="e", title="E", kind="meeting")
ProcessClaim = apps.get_model("processes", "ProcessClaim")
EventClaim = apps.get_model("timeline", "EventClaim")
kept = ProcessClaim.objects.create(process=process, field="year_established", value="1991",
    citation=here, note="public", curator_notes="ours")
dated = EventClaim.objects.create(event=event, field="start_date", value="2003", citation=there)
now = timezone.now()
common = dict(history_date=now, history_change_reason="audit")
apps.get_model("processes", "HistoricalProcessClaim").objects.create(
    id=kept.pk, process_id=process.pk, field="year_established", value="1990",
    citation_id=here.pk, note="", curator_notes="", history_type="+", **common)
apps.get_model("timeline", "HistoricalEventClaim").objects.create(
    id=dated.pk + 50, event_id=event.pk, field="title", value="Gone",
    citation_id=there.pk, note="", curator_notes="", history_type="-", **common)

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from processes.models import Claim
live = set(Claim.objects.values_list("pk", flat=True))
print(json.dumps({
    "claims": sorted([c.content_type.model, c.field, c.value, c.citation.locator, c.quotation,
                      c.note, c.curator_notes, c.record.slug] for c in Claim.objects.all()),
    "history": sorted([h.content_type.model, h.field, h.value, h.history_type,
                       h.history_change_reason, h.id in live] for h in Claim.history.all()),
}))
"""


def test_the_migration_moves_every_claim_and_its_history_into_the_one_model(tmp_path):
    """Run in a database of its own (migrating back and forth would disturb the suite's)."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "migration_governance.settings",
        "DJANGO_ALLOW_INSECURE_KEY": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", MIGRATION_SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    moved = json.loads(done.stdout.strip().splitlines()[-1])
    assert moved["claims"] == [
        ["event", "start_date", "2003", "p. 2", "Held 2003.", "", "", "e"],
        ["process", "year_established", "1991", "p. 1", "In 1991 it began.", "public", "ours", "p"],
    ]
    assert moved["history"] == [
        # the deleted claim's history keeps a number no live claim has
        ["event", "title", "Gone", "-", "audit", False],
        ["process", "year_established", "1990", "+", "audit", True],
    ]


# --- a passage naming the record beside each place it cites ---------------------------------


def _sources_block(page):
    """The record's own "Sources" block: the first citations block on its page."""
    start = page.index('<div class="cite')
    return page[start : page.index("</div>", start)]


def _identifies(record, words, shown):
    """Whether ``words``, shown for ``record`` (a place, or the record's own claim at a
    place), name it: in one of its stated forms, or, for its own passage, in the form the
    claim gives, which must be a run of a stated name's words ("Population Division");
    an event by its year, in the words or as the heading of the timeline row its locator
    names."""
    place = shown if isinstance(shown, Citation) else shown.citation
    if isinstance(record, Event):
        if record.start_date is None:
            return True  # an undated event has no stated form to hold a passage to
        row = passages.TIMELINE_ROW.search(place.locator)
        if row and int(row.group(1)) == record.start_date.year:
            return True
    if isinstance(shown, Claim) and shown.value:
        in_words = passages.locate(words.casefold(), shown.value.casefold())
        return bool(in_words) and record.is_stated_name(shown.value)
    return record.names_in(words)


def _cited_records():
    yield from Process.objects.published().prefetch_related("claims", "citations")
    yield from Organization.objects.published().prefetch_related("claims", "citations")
    yield from Document.objects.published().prefetch_related("claims", "citations")
    yield from Event.objects.published().prefetch_related("claims", "citations")


def test_every_passage_beside_a_record_names_it(client, catalogue):
    """Read off each page as rendered: every quotation in the record's sources names the
    record in one of its stated forms (an event: states its year, or stands in the
    timeline row of that year); a place whose passage does not is shown bare."""
    passages_shown = bare = 0
    for record in _cited_records():
        if not record.citations.exists():
            continue
        block = _sources_block(client.get(record.get_absolute_url()).content.decode())
        quoted = [html.unescape(q) for q in QUOTATION.findall(block)]
        shown = {p.quotation: p for p in record.cited_passages() if p.quotation}
        for words in quoted:
            assert _identifies(record, words, shown[words]), f"{record}: {words!r}"
        places = len(re.findall(r"<cite>", block))
        assert places == record.citations.count(), record
        passages_shown += len(quoted)
        bare += places - len(quoted)
    assert passages_shown > 850
    assert bare < passages_shown / 5


def test_a_place_whose_passage_names_something_else_is_shown_without_it(client, catalogue):
    record, place = next(
        (record, shown.citation)
        for record in _cited_records()
        for shown in record.cited_passages()
        if isinstance(shown, PlaceOnly) and shown.citation.quotation
    )
    block = _sources_block(client.get(record.get_absolute_url()).content.decode())
    assert html.escape(place.locator) in block
    assert html.escape(place.quotation) not in block


def test_a_records_own_passage_at_a_place_replaces_the_places_quotation(client, catalogue):
    claim = Claim.objects.filter(field=NAMED_AS, organization__slug="unhcr").first()
    record = claim.record
    block = _sources_block(client.get(record.get_absolute_url()).content.decode())
    assert html.escape(claim.quotation) in block
    assert f'href="{claim.get_context_url()}"' in block
    # and the place's passage page no longer lists the record as resting on its words
    place = client.get(claim.citation.get_context_url()).content.decode()
    facts = place.split('id="facts-heading"', 1)[1]
    assert f'href="{record.get_absolute_url()}"' not in facts or record.names_in(
        claim.citation.quotation
    )


@pytest.mark.skipif(
    not Path(settings.CATALOGUE_SOURCES_DIR).is_dir(), reason="the sources are not beside"
)
def test_the_self_check_names_a_passage_naming_the_record_by_a_name_it_does_not_have(catalogue):
    claim = Claim.objects.filter(field=NAMED_AS, organization__slug="unhcr").first()
    other = Claim.objects.filter(field=NAMED_AS, organization__slug="iom").first()
    Claim.objects.filter(pk=claim.pk).update(value="EC")
    Claim.objects.filter(pk=other.pk).update(
        citation=Claim.objects.filter(field=NAMED_AS)
        .exclude(organization__slug="iom")
        .exclude(citation__organizations__slug="iom")
        .first()
        .citation
    )
    found = [str(p) for p in fidelity.check_fidelity() if p.rule == "evidence"]
    assert any(
        "claims.json, claim processes.organization/['unhcr']/named_as/" in line
        and "field named_as: named as 'EC', which is not one of its stated names" in line
        for line in found
    ), found
    assert any(
        "claim processes.organization/['iom']/named_as/" in line
        and "a place it does not cite" in line
        for line in found
    ), found


@pytest.mark.parametrize("name", ["processes", "organizations", "documents", "events"])
def test_the_api_and_ndjson_give_each_place_the_passage_the_page_shows(client, catalogue, name):
    """A program reads the same words beside each place as a reader of the page: the
    record's own passage there, or none; never a quotation that does not name it."""
    model = {
        "processes": Process,
        "organizations": Organization,
        "documents": Document,
        "events": Event,
    }[name]
    records = {
        r.slug: r for r in model.objects.published().prefetch_related("citations__source", "claims")
    }
    listed = {r["slug"]: r for r in api_all(client, f"/api/{name}/")}
    lines = {r["slug"]: r for r in ndjson_rows(client, name)}
    compared = bare = 0
    for slug, record in records.items():
        passages_shown = record.cited_passages()
        shown = {(p.source.slug, p.locator): p.quotation for p in passages_shown}
        # (the organizations' export has no citations column: the API alone carries them)
        outputs = [listed[slug]] + [lines[slug]] * ("citations" in lines[slug])
        for output in outputs:
            given = {(c["source"], c["locator"]): c["quotation"] for c in output["citations"]}
            assert given == shown, slug
        for passage in passages_shown:
            words = passage.quotation
            assert not words or _identifies(record, words, passage), slug
            compared += 1
            bare += not words
    assert compared > 100 and 0 < bare < compared


def test_a_place_whose_words_do_not_name_the_record_and_has_no_claim_is_reported(catalogue):
    record = Organization.objects.get(slug="unhcr")
    elsewhere = Citation.objects.exclude(organizations=record).exclude(quotation__icontains="UNHCR")
    place = elsewhere.exclude(quotation__icontains="refugee").filter(quotation__gt="").first()
    record.citations.add(place)
    found = [str(p) for p in fidelity.check_fidelity() if p.rule == "evidence"]
    assert any(
        "organizations.json, organization unhcr, field citations: the passage at "
        f"{place} does not name it" in line
        for line in found
    ), found
