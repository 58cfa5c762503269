"""The shipped catalogue says what the sources say: a handful of facts per source, every
RCP's member list against the total Annex A of seed 004 states, and every disagreement
between sources kept with both citations."""

import datetime
from pathlib import Path

import pytest

from processes.catalogue import member_count
from processes.models import Participation, Process, Source, StateAlias, Topic
from timeline.models import Document, DocumentPart, Event

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
ANNEX_A = datetime.date(2005, 5, 19)


def roles(process_slug, role):
    rows = Participation.objects.filter(process__slug=process_slug, role=role)
    return {p.state.iso3 if p.state else p.organization.slug for p in rows}


# --- the RCP matrix (004, Annex A, as of 19 May 2005) -------------------------------------

ANNEX_A_TOTALS = {
    "igc": 16,
    "budapest-process": 50,
    "soderkoping-process": 10,
    "cis-conference": 12,
    "puebla-process": 11,
    "south-american-conference-on-migration": 12,
    "5-plus-5-dialogue": 10,
    "midsa": 15,
    "midwa": 13,
    "manila-process": 16,
    "apc": 32,
    "bali-process": 40,
    "colombo-process": 10,
}


def test_all_thirteen_rcps_of_annex_a_are_in_the_catalogue(catalogue):
    rcps = Process.objects.filter(
        slug__in=ANNEX_A_TOTALS, citations__locator__startswith="Annex A, row"
    ).distinct()
    assert rcps.count() == 13


@pytest.mark.parametrize("slug", sorted(ANNEX_A_TOTALS))
def test_each_rcp_lists_as_many_members_as_the_annex_states(catalogue, slug):
    process = Process.objects.get(slug=slug)
    assert process.stated_member_total == ANNEX_A_TOTALS[slug]
    disputed = process.claims.filter(field="member_count").exists()
    assert member_count(process) == process.stated_member_total or disputed
    assert set(process.participations.filter(role="member").values_list("as_of", flat=True)) == {
        ANNEX_A
    }


def test_members_counted_apart_from_a_stated_total_are_marked(catalogue):
    # "(Total: 16 + Hong Kong)" and "(Total: 32 + Hong Kong)"
    for slug in ("manila-process", "apc"):
        apart = Participation.objects.filter(process__slug=slug, outside_stated_total=True)
        assert [p.state.iso3 for p in apart] == ["HKG"]


@pytest.mark.parametrize(
    "slug, role, expected",
    [
        ("budapest-process", "chair", {"HUN"}),
        ("budapest-process", "vice_chair", {"TUR"}),
        ("budapest-process", "secretariat", {"icmpd"}),
        ("igc", "chair", {"CAN"}),
        ("bali-process", "co_chair", {"AUS", "IDN"}),
        ("bali-process", "participant", {"iom", "unhcr"}),
        ("colombo-process", "chair", {"IDN"}),
        ("5-plus-5-dialogue", "chair", {"DZA"}),
        ("apc", "chair", {"CHN"}),
        ("puebla-process", "presidency_pro_tempore", {"CAN"}),
        ("south-american-conference-on-migration", "presidency_pro_tempore", {"BOL"}),
    ],
)
def test_chairs_secretariats_and_participant_status_follow_the_annex(
    catalogue, slug, role, expected
):
    assert roles(slug, role) == expected


def test_cis_conference_has_its_36_interested_states(catalogue):
    interested = roles("cis-conference", "interested_state")
    assert len(interested) == 36
    assert {"VAT", "IRN", "CHN", "JPN"} <= interested


def test_soderkoping_members_are_the_ten_listed(catalogue):
    assert roles("soderkoping-process", "member") == {
        "BLR", "EST", "HUN", "LVA", "LTU", "MDA", "POL", "ROU", "SVK", "UKR",
    }  # fmt: skip


def test_unspecified_observers_and_partners_are_not_guessed(catalogue):
    budapest = roles("budapest-process", "observer_or_partner")
    assert {"icmpd", "iom", "unhcr"} <= budapest
    assert not roles("budapest-process", "observer") and not roles("budapest-process", "partner")


def test_described_support_roles_keep_the_source_wording(catalogue):
    support = Participation.objects.get(
        process__slug="manila-process", organization__slug="iom", role="technical_support"
    )
    assert "No official secretariat" in support.note


def test_every_annex_a_spelling_resolves(catalogue):
    for alias, iso3 in [("Macedonia (FYR)", "MKD"), ("the UK", "GBR"), ("Surinam", "SUR")]:
        assert StateAlias.objects.get(name=alias).state.iso3 == iso3


# --- global processes (000) --------------------------------------------------------------


@pytest.mark.parametrize(
    "slug, year, category, status",
    [
        ("international-dialogue-on-migration", 2001, "overall_governance", "active"),
        ("high-level-dialogue", 2006, "migration_development", "active"),
        ("gfmd", 2007, "migration_development", "active"),
        ("unhcr-dialogue-on-protection-challenges", 2007, "refugees_idps", "active"),
        ("un-crime-congress", 1955, "trafficking_smuggling", "active"),
        ("rcrc-conference", 1867, "humanitarian_ad_hoc", "active"),
        ("international-labour-conference", 1919, "labour_ad_hoc", "active"),
        ("berne-initiative", 2001, "overall_governance", "dormant"),
        ("unhcr-global-consultations", 2001, "refugees_idps", "dormant"),
    ],
)
def test_global_processes_of_seed_000(catalogue, slug, year, category, status):
    process = Process.objects.get(slug=slug)
    assert (process.year_established, process.category, process.status) == (
        year,
        category,
        status,
    )
    assert process.scope == "global"


def test_gfmd_website_is_the_one_listed(catalogue):
    assert Process.objects.get(slug="gfmd").websites == ["http://www.gfmd.org"]


# --- the timeline (001) ------------------------------------------------------------------


def test_timeline_entries_are_split_into_their_own_events(catalogue):
    launched_2003 = Event.objects.filter(
        start_date__year=2003, citations__locator="Annex, timeline, 2003"
    ).distinct()
    assert launched_2003.count() == 5
    colombo = launched_2003.get(processes__slug="colombo-process")
    assert (colombo.kind, colombo.start_precision) == ("establishment", "year")


def test_year_only_events_read_as_the_year(catalogue):
    event = Event.objects.get(slug="2007-launch-of-gfmd")
    assert event.date_display == "2007"


def test_first_event_is_the_1949_ilo_convention(catalogue):
    first = Event.objects.exclude(start_date=None).order_by("start_date").first()
    assert first.start_date.year == 1949
    assert "No. 97" in first.title


# --- workshops and meetings (002, 003, 004) -----------------------------------------------


def test_2017_idm_workshops_have_dates_and_venues(catalogue):
    new_york = Event.objects.get(slug="2017-04-idm-workshop-new-york")
    assert (new_york.start_date, new_york.end_date) == (
        datetime.date(2017, 4, 18),
        datetime.date(2017, 4, 19),
    )
    assert (new_york.venue, new_york.country.iso3) == ("United Nations Headquarters", "USA")
    geneva = Event.objects.get(slug="2017-07-idm-workshop-geneva")
    assert (geneva.start_date, geneva.venue) == (datetime.date(2017, 7, 18), "Palais des Nations")


def test_tenth_gfmd_summit_is_dated(catalogue):
    summit = Event.objects.get(slug="2017-06-tenth-gfmd-summit-berlin")
    assert summit.date_display == "2017-06-28 – 2017-06-30"
    assert summit.city == "Berlin"


def test_idm_intersessional_workshops_2002_to_2005(catalogue):
    workshops = Event.objects.filter(
        kind="workshop",
        processes__slug="international-dialogue-on-migration",
        start_date__year__range=(2002, 2005),
    ).distinct()
    assert workshops.count() >= 6


# --- documents -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbol, slug",
    [
        ("A/71/728", "sutherland-report"),
        ("A/RES/71/280", "a-res-71-280"),
        ("A/71/L.58", "a-71-l-58"),
        ("A/59/2005/Add.3", "in-larger-freedom"),
        # from the related-documents list at the end of 002
        ("A/HRC/RES/35/17", "a-hrc-res-35-17"),
        ("E/2016/L.24", "e-2016-l-24"),
    ],
)
def test_un_symbols_are_copied_exactly(catalogue, symbol, slug):
    assert Document.objects.get(un_symbol=symbol).slug == slug


@pytest.mark.parametrize(
    "reference, slug",
    [
        ("MC/INF/293", "mc-inf-293"),  # IOM's Council
        ("IC/2007/7", "ic-2007-7"),  # IOM's informal consultations
        ("A69/21", "a69-21"),  # WHO's World Health Assembly
        ("13489/09", "13489-09"),  # the Council of the European Union
    ],
)
def test_other_bodies_numbers_are_reference_numbers_not_un_symbols(
    client, catalogue, reference, slug
):
    document = Document.objects.get(slug=slug)
    assert (document.reference, document.un_symbol) == (reference, "")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Reference number" in page and reference in page
    # found by its number in search and in the list's export
    assert document.get_absolute_url() in client.get("/search/", {"q": reference}).content.decode()
    answer = client.get("/documents/export.csv", {"q": reference})
    rows = b"".join(answer.streaming_content).decode()
    assert f",{reference}," in rows


def test_every_un_symbol_has_a_un_symbols_form(catalogue):
    from migration_governance.core.validators import UN_SYMBOL

    symbols = list(Document.objects.exclude(un_symbol="").values_list("un_symbol", flat=True))
    assert symbols and all(UN_SYMBOL.match(symbol) for symbol in symbols)


def test_a_number_of_another_form_is_refused_as_a_un_symbol(catalogue):
    from django.core.exceptions import ValidationError

    document = Document.objects.get(slug="mc-inf-293")
    document.un_symbol = "MC/INF/293"
    with pytest.raises(ValidationError, match="reference number"):
        document.full_clean()


def test_no_symbol_is_read_off_a_file_name_in_a_url(catalogue):
    # 001 footnote 5 links SG_Report_A_68_190.pdf but gives the report no symbol.
    assert Document.objects.get(slug="a-68-190").un_symbol == ""
    assert not Document.objects.filter(un_symbol="A/68/190").exists()


def test_iamm_has_twenty_understandings_and_twenty_practice_headings(catalogue):
    parts = DocumentPart.objects.filter(document__slug="iamm")
    assert parts.filter(kind="common_understanding").count() == 20
    assert parts.filter(kind="effective_practice").count() == 20
    headings = list(
        parts.filter(kind="effective_practice").order_by("number").values_list("text", flat=True)
    )
    assert headings == list(Topic.objects.order_by("number").values_list("heading", flat=True))


def test_each_source_is_a_document_of_the_catalogue(catalogue):
    assert Source.objects.count() == 5
    assert Document.objects.filter(source__isnull=False).count() == 5


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_every_cited_source_file_exists(catalogue):
    for source in Source.objects.all():
        assert (SEEDS / source.file_name).is_file(), source.file_name


# --- disagreements kept with both citations ------------------------------------------------


@pytest.mark.parametrize(
    "slug, values",
    [
        ("budapest-process", {"1991", "1993"}),
        ("south-american-conference-on-migration", {"1999", "2000"}),
    ],
)
def test_founding_year_disagreements_keep_both_sources(catalogue, slug, values):
    claims = Process.objects.get(slug=slug).claims.filter(field="year_established")
    assert {c.value for c in claims} == values
    assert len({c.citation.source_id for c in claims}) == 2


def test_gcim_founding_year_disagreement_is_kept(catalogue):
    event = Event.objects.prefetch_related("claims").get(slug="2003-establishment-of-gcim")
    assert {c.value for c in event.disputed_claims} == {"2003", "2004"}


def test_disagreements_show_on_the_process_page(client, catalogue):
    page = client.get("/processes/budapest-process/").content.decode()
    assert "sources disagree" in page
    assert "Issue Brief #3 (2017), Annex, timeline, 1993" in page


@pytest.mark.parametrize(
    "slug, name",
    [
        ("geneva-migration-group", "Geneva Migration Group"),
        ("un-coordination-meeting-on-international-migration", "UN Coordination Meetings"),
    ],
)
def test_what_the_2005_paper_calls_inter_agency_is_not_filed_as_inter_state(
    client, catalogue, slug, name
):
    process = Process.objects.get(slug=slug)
    assert process.category == "inter_agency"
    citation = process.citations.get(locator="Section A.3")
    text = " ".join(citation.source.stored_text.text.split())
    sentence = "These mechanisms are inter-agency rather than inter-state mechanisms"
    assert sentence in text and name in text[: text.index(sentence)][-400:]
    page = client.get("/processes/", {"category": "inter_agency"}).content.decode()
    assert process.get_absolute_url() in page
    assert (
        process.get_absolute_url()
        not in client.get("/processes/", {"category": "other_mechanism"}).content.decode()
    )
