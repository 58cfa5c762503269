"""Work out every list's counts and facets for the current catalogue version."""

import time

from django.core.management.base import BaseCommand

from migration_governance.core import figures


class Command(BaseCommand):
    help = (
        "Compute and store, for the current catalogue version, the count and facet counts of "
        "every list unfiltered and filtered by each value of each of its facets, so that "
        "every server process shows them exact at once (migration_governance/core/"
        "figures.py). A server "
        "process does this in the background by itself; run it after a bulk load to have "
        "the figures before the first reader."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        verbosity = options["verbosity"]
        pages = 0

        def report(path, query):
            nonlocal pages
            pages += 1
            if verbosity >= 2:
                self.stdout.write(f"  {path}{'?' + query if query else ''}")

        # Claimed, so that server processes do not compute this version again.
        figures.claim_current_version()
        figures.precompute(report=report)
        self.stdout.write(
            f"Figures of {pages} pages computed in {time.monotonic() - started:.1f}s."
        )
