"""``manage.py export_datapackage DIR``: the data package served under /data/, on disk."""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from processes.datapackage import DESCRIPTOR, ZIP_NAME, build


class Command(BaseCommand):
    help = (
        "Write the whole catalogue as a Frictionless Data Package into DIR: datapackage.json, "
        "one CSV per list (the lists' unfiltered exports) and the zip of them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write (created if missing).")
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="The site's address, put in front of the records' pages in the url "
            "columns (default: http://127.0.0.1:8000, the address of `make run`).",
        )

    def handle(self, *args, directory, site_url, **options):
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError(f"--site-url must be an http(s) address, not {site_url!r}.")
        package = build(directory, site_url.rstrip("/"))
        for resource in package["resources"]:
            self.stdout.write(
                f"Wrote {resource['path']}: {resource['rows']} rows, {resource['bytes']} bytes"
            )
        self.stdout.write(
            f"Wrote {DESCRIPTOR} and {ZIP_NAME} (catalogue version {package['catalogue_version']})"
        )
