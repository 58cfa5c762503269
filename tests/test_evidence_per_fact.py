"""Every fact rests on a passage that states it: what a reader sees beside a fact holds
that fact (its value, or the form the source gives), on the pages as rendered.
"""

import html
import re

import pytest

from migration_governance.core.passages import locate
from processes import fidelity
from processes.models import MemberState, Organization, Participation, Process

QUOTATION = re.compile(r'<span class="quotation">\u201c(.*?)\u201d</span>', re.S)
PARTICIPANT = re.compile(r'<li><a href="/(states|organizations)/([^/]+)/">')


def _quotations(fragment):
    return [html.unescape(q) for q in QUOTATION.findall(fragment)]


def _participation(process, role_items, kind, key):
    if kind == "states":
        state = MemberState.objects.get(iso3__iexact=key)
        return [p for p in role_items if p.state_id == state.pk]
    organization = Organization.objects.get(slug=key)
    return [p for p in role_items if p.organization_id == organization.pk]


@pytest.mark.parametrize("slug", [p for p in ["bali-process", "midsa", "cis-conference"]])
def test_a_role_group_quotes_the_passage_naming_its_participants(client, catalogue, slug):
    """The issue's own examples: MIDSA's observers and secretariat, Bali's IOM."""
    _check_process_page(client, Process.objects.get(slug=slug))


def test_every_participant_on_every_process_page_is_named_by_a_passage_shown_for_it(
    client, catalogue
):
    processes = Process.objects.published()
    assert processes.count() > 40
    checked = 0
    for process in processes:
        checked += _check_process_page(client, process)
    # every published participation of a published process was read off a page
    assert checked == Participation.objects.published().filter(process__in=processes).count()


def _check_process_page(client, process):
    """For each role group on the process page: each participant listed is named by a
    quotation shown for the group (or, where the group has none, beside the participant)."""
    page = client.get(process.get_absolute_url()).content.decode()
    participations = list(
        Participation.objects.published()
        .filter(process=process)
        .select_related("state", "organization")
        .prefetch_related("state__aliases")
    )
    section = page.split('id="participants-heading"', 1)[1].split("</section>", 1)[0]
    checked = 0
    for group in section.split("<h3>")[1:]:
        shared, _, items = group.partition('<ul class="participants">')
        shared_quotations = _quotations(shared)
        # one participant's line, its own citations (nested lists) included
        for item in re.split(r'(?=<li><a href="/(?:states|organizations)/)', items)[1:]:
            found = PARTICIPANT.match(item)
            assert found, item[:80]
            matching = _participation(process, participations, *found.groups())
            quotations = shared_quotations or _quotations(item)
            assert quotations, f"{process.slug}: no passage shown for {found.group(2)}"
            # the participant of this line, in one of its roles on the page
            assert any(
                locate(quotation, form)
                for participation in matching
                for form in participation.stated_forms()
                for quotation in quotations
            ), f"{process.slug}: {found.group(2)} is named by no passage shown for it"
            checked += 1
    return checked


def test_the_participant_rule_names_a_participation_whose_passage_does_not_name_it(catalogue):
    participation = Participation.objects.get(
        process__slug="bali-process", organization__slug="iom", role="participant"
    )
    citation = participation.citations.get()
    # the passage of the governments' cell, which does not name IOM
    other = Participation.objects.get(
        process__slug="bali-process", state__iso3="AUS", role="member"
    ).citations.get()
    participation.citations.set([other])
    found = [
        str(p)
        for p in fidelity.check_participation_passages(
            fidelity.read_sources(), fidelity.Exceptions()
        )
    ]
    assert any(
        "participations.json, participation bali-process//iom/participant/" in line
        and "field participant: no cited passage names" in line
        for line in found
    ), found
    participation.citations.set([citation])
    assert not fidelity.check_participation_passages(fidelity.read_sources(), fidelity.Exceptions())


def test_a_passage_shared_by_a_groups_participants_is_shown_once(client, catalogue):
    """Bali's observers cite two cells of the row (States, organizations): each passage
    stands once above the 32 observers, not on every line."""
    page = client.get("/processes/bali-process/").content.decode()
    group = page.split(">Observer or partner <", 1)[1].split("<h3>", 1)[0]
    shown = _quotations(group)
    assert len(shown) == len(set(shown)) == 2
    assert len(PARTICIPANT.findall(group.split('<ul class="participants">', 1)[1])) == 32


def test_the_passage_page_links_each_participant_to_its_own_page(client, catalogue):
    participation = Participation.objects.get(
        process__slug="bali-process", state__iso3="IRQ", role="member"
    )
    citation = participation.citations.get()
    body = client.get(citation.get_context_url()).content.decode()
    assert f'<a href="{participation.state.get_absolute_url()}">Iraq</a>' in body
