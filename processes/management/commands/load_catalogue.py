"""``manage.py load_catalogue``: load every fixture file into the database, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from processes.catalogue import CatalogueLoadError, fixture_paths, load_catalogue


class Command(BaseCommand):
    help = (
        "Load the catalogue from fixtures/*.json (or the files given). Idempotent; "
        "a bad record loads nothing and is named in the error."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Fixture files (default: fixtures/*.json).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, files, database, **options):
        paths = files or fixture_paths()
        try:
            counts = load_catalogue(paths, using=database)
        except CatalogueLoadError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        if options["verbosity"] == 0:
            return
        total = sum(counts.values())
        self.stdout.write(f"Loaded {total} records from {len(paths)} files:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count}")
