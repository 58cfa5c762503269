"""``manage.py rebuild_search``: index every public record anew for search and name pickers.

Saves and loads keep the index up to date by themselves; this is for a database changed
behind Django's back (raw SQL, a restored backup of the tables alone)."""

import time

from django.core.management.base import BaseCommand

from processes import search
from processes.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the search index (SearchEntry, SearchKey) from the public records."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        started = time.monotonic()
        search.rebuild(using=database, progress=lambda kind: self.stdout.write(f"  {kind}"))
        count = SearchEntry.objects.using(database).count()
        self.stdout.write(f"Indexed {count} records in {time.monotonic() - started:.1f}s.")
