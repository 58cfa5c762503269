"""``manage.py generate_synthetic --scale N``: a catalogue of the real one's shape × N.

For benchmarks only. It writes into the database that ``DATABASE_URL`` names (and refuses
to run without one, so the working SQLite file of ``make run`` is never filled with fake
rows), never into the fixtures. The output depends only on ``--scale`` and ``--seed``.
Per unit of scale: 30 processes, 600 participations, 100 events, 50 documents and
3 organizations, over the real 250 states.
"""

import datetime
import os
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from processes import search
from processes.catalogue import load_catalogue
from processes.models import (
    CatalogueVersion,
    Category,
    Citation,
    MemberState,
    Organization,
    OrganizationKind,
    Participation,
    Process,
    Region,
    Role,
    Scope,
    Source,
    Status,
    Topic,
)
from timeline.models import DatePrecision, Document, DocumentKind, Event, EventKind

PROCESSES_PER_UNIT = 30
MEMBERS_PER_PROCESS = 18
EVENTS_PER_UNIT = 100
DOCUMENTS_PER_UNIT = 50
ORGANIZATIONS_PER_UNIT = 3
UNITS_PER_BATCH = 20

WORDS = [
    "regional",
    "consultative",
    "dialogue",
    "forum",
    "process",
    "conference",
    "initiative",
    "migration",
    "labour",
    "mobility",
    "return",
    "asylum",
    "border",
    "protection",
    "development",
    "diaspora",
    "remittances",
    "trafficking",
    "smuggling",
    "integration",
    "health",
    "data",
    "capacity",
    "cooperation",
    "ministerial",
    "partnership",
]


def _title(rng, words=4):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _date(rng, first=1949, last=2025):
    start = datetime.date(first, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randint(start, datetime.date(last, 12, 31).toordinal()))


class Command(BaseCommand):
    help = "Fill the DATABASE_URL database with a synthetic catalogue N times the real one."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        if not os.environ.get("DATABASE_URL"):
            raise CommandError(
                "Set DATABASE_URL to the database to fill: generate_synthetic never writes "
                "into the default working database."
            )
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if not MemberState.objects.exists():
            self.stdout.write("Loading the shipped catalogue first (states, topics, regions)…")
            load_catalogue()
        self.rng = random.Random(seed)
        self.states = list(MemberState.objects.values_list("pk", flat=True))
        self.topics = list(Topic.objects.values_list("pk", flat=True))
        self.regions = list(Region.objects.values_list("pk", flat=True))
        source, _ = Source.objects.get_or_create(
            file_name="synthetic.txt", defaults={"title": "Synthetic benchmark data"}
        )
        self.citations = [
            Citation.objects.get_or_create(source=source, locator=f"Section {n}")[0].pk
            for n in range(1, 11)
        ]
        started = time.monotonic()
        for first in range(0, scale, UNITS_PER_BATCH):
            units = range(first, min(first + UNITS_PER_BATCH, scale))
            with transaction.atomic():
                self.generate(units)
            done = units[-1] + 1
            rate = done / (time.monotonic() - started)
            self.stdout.write(
                f"  {done}/{scale} units ({done / scale:.0%}), {rate:.1f} units/s", ending="\r"
            )
            self.stdout.flush()
        self.stdout.write("")
        self.stdout.write("Indexing for search and name pickers…")
        search.rebuild(progress=lambda kind: self.stdout.write(f"  indexed {kind}"))
        CatalogueVersion.bump()  # bulk inserts send no signals: cached counts are stale
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated scale {scale} in {time.monotonic() - started:.1f}s: "
            f"{Process.objects.count()} processes, {Participation.objects.count()} "
            f"participations, {Event.objects.count()} events, {Document.objects.count()} "
            f"documents, {Organization.objects.count()} organizations."
        )

    def generate(self, units):
        rng = self.rng
        organizations = Organization.objects.bulk_create(
            Organization(
                slug=f"synthetic-org-{unit}-{n}",
                name=f"{_title(rng, 3)} Organization {unit}-{n}",
                acronym=f"SO{unit}{n}",
                kind=rng.choice(OrganizationKind.values),
            )
            for unit in units
            for n in range(ORGANIZATIONS_PER_UNIT)
        )
        processes = Process.objects.bulk_create(
            Process(
                slug=f"synthetic-{unit}-{n}",
                name=f"{_title(rng)} {unit}-{n}",
                short_name=f"SP {unit}-{n}",
                scope=rng.choice(Scope.values),
                category=rng.choice(Category.values),
                status=rng.choice(Status.values),
                year_established=rng.randint(1950, 2020),
                description=_title(rng, 12),
            )
            for unit in units
            for n in range(PROCESSES_PER_UNIT)
        )
        participations = []
        for process in processes:
            states = rng.sample(self.states, MEMBERS_PER_PROCESS + 1)
            as_of = _date(rng, 1990, 2020)
            participations += [
                Participation(process=process, state_id=state, role=Role.MEMBER, as_of=as_of)
                for state in states[:MEMBERS_PER_PROCESS]
            ]
            participations.append(
                Participation(process=process, state_id=states[-1], role=Role.CHAIR, as_of=as_of)
            )
            participations.append(
                Participation(
                    process=process,
                    organization=rng.choice(organizations),
                    role=Role.SECRETARIAT,
                    as_of=as_of,
                )
            )
        participations = Participation.objects.bulk_create(participations, batch_size=5000)
        events = Event.objects.bulk_create(
            self.make_event(rng, unit, n) for unit in units for n in range(EVENTS_PER_UNIT)
        )
        documents = Document.objects.bulk_create(
            self.make_document(rng, unit, n, organizations)
            for unit in units
            for n in range(DOCUMENTS_PER_UNIT)
        )
        self.link(Process.topics.through, "process", processes, "topic", self.topics, 2)
        self.link(Process.regions.through, "process", processes, "region", self.regions, 1)
        self.link(Process.citations.through, "process", processes, "citation", self.citations, 1)
        self.link(
            Participation.citations.through,
            "participation",
            participations,
            "citation",
            self.citations,
            1,
        )
        process_ids = [p.pk for p in processes]
        organization_ids = [o.pk for o in organizations]
        self.link(Event.processes.through, "event", events, "process", process_ids, 1)
        self.link(Event.organizations.through, "event", events, "organization", organization_ids, 1)
        self.link(Event.citations.through, "event", events, "citation", self.citations, 1)
        self.link(Document.processes.through, "document", documents, "process", process_ids, 1)
        self.link(Document.citations.through, "document", documents, "citation", self.citations, 1)

    def make_event(self, rng, unit, n):
        start = _date(rng)
        precision = rng.choice(DatePrecision.values)
        if precision == DatePrecision.YEAR:
            start = start.replace(month=1, day=1)
        elif precision == DatePrecision.MONTH:
            start = start.replace(day=1)
        return Event(
            slug=f"synthetic-event-{unit}-{n}",
            title=f"{_title(rng, 6)} {unit}-{n}",
            kind=rng.choice(EventKind.values),
            start_date=start,
            start_precision=precision,
            city=rng.choice(["Geneva", "New York", "Bangkok", "Dakar", "Lima", ""]),
            country_id=rng.choice(self.states),
        )

    def make_document(self, rng, unit, n, organizations):
        date = _date(rng)
        return Document(
            slug=f"synthetic-document-{unit}-{n}",
            title=f"{_title(rng, 7)} {unit}-{n}",
            kind=rng.choice(DocumentKind.values),
            un_symbol=f"S/{unit}/{n}" if n % 5 == 0 else "",
            date=date,
            date_precision=DatePrecision.DAY,
            publisher=rng.choice(organizations),
        )

    def link(self, through, left, objects, right, choices, count):
        """Bulk-insert many-to-many rows: each object gets ``count`` distinct choices."""
        rows = [
            through(**{f"{left}_id": obj.pk, f"{right}_id": choice})
            for obj in objects
            for choice in self.rng.sample(choices, min(count, len(choices)))
        ]
        through.objects.bulk_create(rows, batch_size=5000)
