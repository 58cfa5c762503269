"""What the catalogue draws from each source, and what it knows of each process.

Counts of the public records citing a source are computed in one query (one subquery per
kind of record); coverage statements are worded from data already on the page.
"""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from processes.models import (
    NAMED_AS,
    Claim,
    Organization,
    Participation,
    Process,
    Publication,
    Role,
)

# The kinds of record that cite sources, in the order a source page lists them:
# (annotation name, label, queryset factory, path from the record to its source).
CITING_KINDS = (
    ("processes_citing", _("Processes"), lambda: Process.objects.published(), "citations__source"),
    (
        "participations_citing",
        _("Participations"),
        lambda: Participation.objects.published(),
        "citations__source",
    ),
    (
        "organizations_citing",
        _("Organizations"),
        lambda: Organization.objects.all(),
        "citations__source",
    ),
    (
        "events_citing",
        _("Events"),
        lambda: _timeline().Event.objects.published(),
        "citations__source",
    ),
    (
        "documents_citing",
        _("Documents"),
        lambda: _timeline().Document.objects.published(),
        "citations__source",
    ),
    (
        "document_parts_citing",
        _("Document parts"),
        lambda: _timeline().DocumentPart.objects.filter(
            document__publication=Publication.PUBLISHED
        ),
        "citation__source",
    ),
    (
        "process_claims_citing",
        _("Disputed facts about processes"),
        lambda: Claim.objects.filter(process__publication=Publication.PUBLISHED),
        "citation__source",
    ),
    (
        "event_claims_citing",
        _("Disputed facts about events"),
        lambda: Claim.objects.filter(event__publication=Publication.PUBLISHED),
        "citation__source",
    ),
    (
        "document_claims_citing",
        _("Disputed facts about documents"),
        lambda: Claim.objects.filter(document__publication=Publication.PUBLISHED),
        "citation__source",
    ),
)


def _timeline():
    # The timeline app's models cite the processes app's sources; imported late so that
    # neither models module imports the other.
    from timeline import models

    return models


def with_citing_counts(sources):
    """``sources`` annotated with how many public records of each kind cite them."""
    annotations = {}
    for name, _label, records, path in CITING_KINDS:
        counted = (
            records()
            .filter(**{path: OuterRef("pk")})
            .order_by()
            .values(path)
            .annotate(n=Count("pk", distinct=True))
            .values("n")
        )
        annotations[name] = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return sources.annotate(**annotations)


def _fact(kind, record, url, detail="", english=True):
    # ``english``: the name is the sources' English (a state's name is translated).
    return {"kind": kind, "record": str(record), "url": url, "detail": detail, "english": english}


def published_claims(claims):
    """The claims of ``claims`` whose record is public, with their records (one query per
    kind of record to tell which are)."""
    claims = list(claims.select_related("citation__source").prefetch_related("record"))
    by_model = defaultdict(set)
    for claim in claims:
        if claim.record is not None:
            by_model[type(claim.record)].add(claim.record.pk)
    public = {
        (model, pk)
        for model, pks in by_model.items()
        for pk in model._default_manager.published().filter(pk__in=pks).values_list("pk", flat=True)
    }
    return [c for c in claims if c.record is not None and (type(c.record), c.record.pk) in public]


RECORD_KINDS = {
    "process": _("Process"),
    "organization": _("Organization"),
    "event": _("Event"),
    "document": _("Document"),
}


def add_claim(facts, claim):
    """Append the fact ``claim`` states about its record to ``facts``: a value the sources
    dispute, or (``named_as``) the record itself, named in the passage."""
    record = claim.record
    name = getattr(record, "name", None) or record.title
    if claim.field == NAMED_AS:
        kind = RECORD_KINDS[record._meta.model_name]
        facts.append(_fact(kind, name, record.get_absolute_url(), f"“{claim.value}”"))
        return
    facts.append(
        _fact(
            _("Disputed value"),
            name,
            record.get_absolute_url(),
            f"{claim.field_label}: {claim.value}",
        )
    )


def facts_resting_on(citation):
    """The public records that cite ``citation``'s place, for its passage page: a list of
    ``{"kind": label, "record": str, "url": page, "detail": what the record takes from it}``
    (participations and disputed values name the fact; whole records name themselves)."""
    timeline = _timeline()
    published = Publication.PUBLISHED
    facts = []

    def add(kind, record, url, detail="", english=True):
        facts.append(_fact(kind, record, url, detail, english))

    # A record citing the place rests on its passage where the passage names it (where it
    # does not, the record has a passage of its own there, or none: see models.Cited).
    processes = citation.processes.filter(publication=published).prefetch_related("claims")
    for process in processes.order_by("name"):
        if process.names_in(citation.quotation):
            add(_("Process"), process.name, process.get_absolute_url())
    for organization in citation.organizations.order_by("name"):
        if organization.names_in(citation.quotation):
            add(_("Organization"), organization.name, organization.get_absolute_url())
    participations = (
        citation.participations.filter(publication=published, process__publication=published)
        .select_related("process", "state", "organization")
        .order_by("process__name", "role", "state__name", "organization__name")
    )
    for participation in participations:
        add(
            _("Participation"),
            participation.participant,
            participation.participant.get_absolute_url(),
            f"{participation.get_role_display()} – {participation.process.name}",
            english=participation.organization_id is not None,
        )
    events = citation.events.filter(publication=published).prefetch_related("claims")
    for event in events.order_by("start_date", "title"):
        if event.identified_at(citation):
            add(_("Event"), event.title, event.get_absolute_url())
    documents = citation.documents.filter(publication=published).prefetch_related("claims")
    for document in documents.order_by("title"):
        if document.names_in(citation.quotation):
            add(_("Document"), document.title, document.get_absolute_url())
    parts = timeline.DocumentPart.objects.filter(
        citation=citation, document__publication=published
    ).select_related("document")
    for part in parts:
        add(_("Document part"), part.document.title, part.document.get_absolute_url(), part.text)
    for claim in published_claims(Claim.objects.filter(citation=citation).exclude(field=NAMED_AS)):
        add_claim(facts, claim)
    return facts


def citing_counts(source):
    """[(label, count), …] for the kinds of record that cite ``source`` (annotated by
    ``with_citing_counts``), leaving out kinds that do not."""
    counts = [(label, getattr(source, name)) for name, label, _r, _p in CITING_KINDS]
    return [(label, n) for label, n in counts if n]


# How a coverage statement names the participants in each role.
ROLE_PLURALS = {
    Role.MEMBER: "members",
    Role.OBSERVER: "observers",
    Role.PARTNER: "partners",
    Role.OBSERVER_OR_PARTNER: "observers or partners",
    Role.INTERESTED_STATE: "interested states",
    Role.CHAIR: "chair",
    Role.VICE_CHAIR: "vice-chair",
    Role.CO_CHAIR: "co-chairs",
    Role.PRESIDENCY_PRO_TEMPORE: "presidency pro tempore",
    Role.SECRETARIAT: "secretariat",
    Role.TECHNICAL_SUPPORT: "facilitator or technical support",
    Role.PARTICIPANT: "participants",
}


def _joined(words):
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def participant_coverage(participations):
    """What the catalogue knows of a process's participants, and as of when: one entry
    per place a source lists them, ``{"roles": "Members, observers and secretariat",
    "citation": …, "as_of": date or None}``, the latest as-of date first. Reads only
    prefetched participations and citations. Empty when the sources name no participant."""
    groups = {}
    for participation in participations:
        # A participation no source place is given for still counts, under "None".
        for citation in list(participation.citations.all()) or [None]:
            group = groups.setdefault(
                (citation.pk if citation else None, participation.as_of),
                {"roles": set(), "citation": citation, "as_of": participation.as_of},
            )
            group["roles"].add(participation.role)
    statements = []
    for group in groups.values():
        roles = sorted(group["roles"], key=Role.rank)
        wording = _joined(ROLE_PLURALS.get(r, r) for r in roles)
        statements.append({**group, "roles": wording[:1].upper() + wording[1:]})
    statements.sort(
        key=lambda s: (
            -(s["as_of"].toordinal() if s["as_of"] else 0),
            s["citation"] is None,
            s["citation"].source_id if s["citation"] else 0,
            s["citation"].locator if s["citation"] else "",
        )
    )
    return statements
