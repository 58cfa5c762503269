"""``manage.py export_catalogue``: write the database back to fixtures/*.json."""

from django.core.management.base import BaseCommand

from processes.catalogue import export_catalogue


class Command(BaseCommand):
    help = (
        "Write every catalogue record back to the fixture files, deterministically "
        "(stable order, natural keys, stable formatting), so edits become a reviewable diff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="Where to write (default: fixtures/).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        for path in export_catalogue(directory, using=database):
            self.stdout.write(f"Wrote {path}")
