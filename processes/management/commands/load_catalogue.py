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
        parser.add_argument(
            "--sources",
            help="Folder of the sources' text files (default: CATALOGUE_SOURCES_DIR, "
            "../shared/seeds beside the checkout).",
        )

    def handle(self, *args, files, database, **options):
        paths = files or fixture_paths()
        try:
            counts = load_catalogue(paths, using=database, sources_dir=options["sources"])
        except CatalogueLoadError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        if counts.missing_source_texts:
            self.stderr.write(
                "No text stored for "
                + ", ".join(counts.missing_source_texts)
                + ": their passages cannot be shown in context or checked. Put the source "
                "files in CATALOGUE_SOURCES_DIR (or pass --sources) and load again."
            )
        if options["verbosity"] == 0:
            return
        total = sum(counts.values())
        self.stdout.write(f"Loaded {total} records from {len(paths)} files:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count}")
