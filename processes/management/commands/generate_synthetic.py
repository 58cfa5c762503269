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

from migration_governance.core.bulk import TableWriter, indexes_dropped, next_ids, reset_sequences
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
THROUGH_MODELS = [
    Process.topics.through,
    Process.regions.through,
    Process.citations.through,
    Participation.citations.through,
    Event.processes.through,
    Event.organizations.through,
    Event.citations.through,
    Document.processes.through,
    Document.citations.through,
]

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
            file_name="synthetic.txt",
            # A slug like every source's: citations link to the source's page.
            defaults={"title": "Synthetic benchmark data", "slug": "synthetic"},
        )
        self.citations = [
            Citation.objects.get_or_create(source=source, locator=f"Section {n}")[0].pk
            for n in range(1, 11)
        ]
        self.writers = {
            Organization: TableWriter(Organization, ("id", "slug", "name", "acronym", "kind")),
            Process: TableWriter(
                Process,
                (
                    "id",
                    "slug",
                    "name",
                    "short_name",
                    "scope",
                    "category",
                    "status",
                    "year_established",
                    "description",
                ),
            ),
            Participation: TableWriter(
                Participation, ("id", "process_id", "state_id", "organization_id", "role", "as_of")
            ),
            Event: TableWriter(
                Event,
                (
                    "id",
                    "slug",
                    "title",
                    "kind",
                    "start_date",
                    "start_precision",
                    "city",
                    "country_id",
                ),
            ),
            Document: TableWriter(
                Document,
                (
                    "id",
                    "slug",
                    "title",
                    "kind",
                    "un_symbol",
                    "date",
                    "date_precision",
                    "publisher_id",
                ),
            ),
        }
        filled = [*self.writers, *THROUGH_MODELS]
        self.ids = {model: next_ids(model) for model in self.writers}
        started = time.monotonic()
        # One transaction; each table's secondary indexes are built once, after its rows.
        with transaction.atomic(), indexes_dropped(filled):
            for first in range(0, scale, UNITS_PER_BATCH):
                units = range(first, min(first + UNITS_PER_BATCH, scale))
                self.generate(units)
                done = units[-1] + 1
                rate = done / (time.monotonic() - started)
                self.stdout.write(
                    f"  {done}/{scale} units ({done / scale:.0%}), {rate:.1f} units/s",
                    ending="\r",
                )
                self.stdout.flush()
            self.stdout.write("")
            self.stdout.write(f"Building indexes ({time.monotonic() - started:.1f}s so far)…")
        reset_sequences(self.writers)
        self.stdout.write("")
        self.stdout.write("Indexing for search and name pickers…")
        search.rebuild(progress=lambda kind: self.stdout.write(f"  indexed {kind}"))
        CatalogueVersion.bump()  # bulk inserts send no signals: cached counts are stale
        if connection.vendor == "postgresql":
            # VACUUM too: after a bulk load no page is marked all-visible, so no index-only
            # scan is possible until autovacuum comes by. VACUUM cannot run inside a
            # transaction (a caller's, or a test's): there, ANALYZE alone.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            f"Generated scale {scale} in {time.monotonic() - started:.1f}s: "
            f"{Process.objects.count()} processes, {Participation.objects.count()} "
            f"participations, {Event.objects.count()} events, {Document.objects.count()} "
            f"documents, {Organization.objects.count()} organizations."
        )

    def generate(self, units):
        """One batch of units, written as plain rows (migration_governance.core.bulk): ids
        are given here so that the links can name them without reading anything back."""
        rng = self.rng
        ids = self.ids
        date = str  # ISO 8601, which both databases read as a date
        organizations = [
            next(ids[Organization]) for _ in units for _ in range(ORGANIZATIONS_PER_UNIT)
        ]
        self.writers[Organization].write(
            (
                pk,
                f"synthetic-org-{unit}-{n}",
                f"{_title(rng, 3)} Organization {unit}-{n}",
                f"SO{unit}{n}",
                rng.choice(OrganizationKind.values),
            )
            for (unit, n), pk in zip(
                ((u, n) for u in units for n in range(ORGANIZATIONS_PER_UNIT)),
                organizations,
                strict=True,
            )
        )
        processes = []
        process_rows = []
        for unit in units:
            for n in range(PROCESSES_PER_UNIT):
                pk = next(ids[Process])
                processes.append(pk)
                process_rows.append(
                    (
                        pk,
                        f"synthetic-{unit}-{n}",
                        f"{_title(rng)} {unit}-{n}",
                        f"SP {unit}-{n}",
                        rng.choice(Scope.values),
                        rng.choice(Category.values),
                        rng.choice(Status.values),
                        rng.randint(1950, 2020),
                        _title(rng, 12),
                    )
                )
        self.writers[Process].write(process_rows)
        participation_rows = []
        for process in processes:
            states = rng.sample(self.states, MEMBERS_PER_PROCESS + 1)
            as_of = date(_date(rng, 1990, 2020))
            participation_rows += [
                (next(ids[Participation]), process, state, None, Role.MEMBER.value, as_of)
                for state in states[:MEMBERS_PER_PROCESS]
            ]
            participation_rows.append(
                (next(ids[Participation]), process, states[-1], None, Role.CHAIR.value, as_of)
            )
            participation_rows.append(
                (
                    next(ids[Participation]),
                    process,
                    None,
                    rng.choice(organizations),
                    Role.SECRETARIAT.value,
                    as_of,
                )
            )
        self.writers[Participation].write(participation_rows)
        participations = [row[0] for row in participation_rows]
        events = []
        event_rows = []
        for unit in units:
            for n in range(EVENTS_PER_UNIT):
                pk = next(ids[Event])
                events.append(pk)
                event_rows.append((pk, *self.make_event(rng, unit, n)))
        self.writers[Event].write(event_rows)
        documents = []
        document_rows = []
        for unit in units:
            for n in range(DOCUMENTS_PER_UNIT):
                pk = next(ids[Document])
                documents.append(pk)
                document_rows.append((pk, *self.make_document(rng, unit, n, organizations)))
        self.writers[Document].write(document_rows)
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
        self.link(Event.processes.through, "event", events, "process", processes, 1)
        self.link(Event.organizations.through, "event", events, "organization", organizations, 1)
        self.link(Event.citations.through, "event", events, "citation", self.citations, 1)
        self.link(Document.processes.through, "document", documents, "process", processes, 1)
        self.link(Document.citations.through, "document", documents, "citation", self.citations, 1)

    def make_event(self, rng, unit, n):
        start = _date(rng)
        precision = rng.choice(DatePrecision.values)
        if precision == DatePrecision.YEAR:
            start = start.replace(month=1, day=1)
        elif precision == DatePrecision.MONTH:
            start = start.replace(day=1)
        return (
            f"synthetic-event-{unit}-{n}",
            f"{_title(rng, 6)} {unit}-{n}",
            rng.choice(EventKind.values),
            str(start),
            precision,
            rng.choice(["Geneva", "New York", "Bangkok", "Dakar", "Lima", ""]),
            rng.choice(self.states),
        )

    def make_document(self, rng, unit, n, organizations):
        return (
            f"synthetic-document-{unit}-{n}",
            f"{_title(rng, 7)} {unit}-{n}",
            rng.choice(DocumentKind.values),
            f"S/{unit}/{n}" if n % 5 == 0 else "",
            str(_date(rng)),
            DatePrecision.DAY.value,
            rng.choice(organizations),
        )

    def link(self, through, left, objects, right, choices, count):
        """Many-to-many rows: each object gets ``count`` distinct choices."""
        writer = self.writers.get(through) or self.writers.setdefault(
            through, TableWriter(through, (f"{left}_id", f"{right}_id"))
        )
        sample = self.rng.sample
        writer.write(
            (obj, choice) for obj in objects for choice in sample(choices, min(count, len(choices)))
        )
