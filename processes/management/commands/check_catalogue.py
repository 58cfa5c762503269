"""``manage.py check_catalogue``: report integrity problems in the loaded catalogue, and
every fact that does not match its source's stored text (processes/fidelity.py)."""

from django.core.management.base import BaseCommand, CommandError

from processes import fidelity
from processes.catalogue import check_catalogue


class Command(BaseCommand):
    help = (
        "Report unresolved or ambiguous names, records without a citation, processes "
        "without a category, member lists that differ from a stated total, and breaches of "
        "the source-fidelity rules (copied facts verbatim, descriptions in our own words, no "
        "duplicates, public text for the public, category/scope/status cited)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            help="Check against the source files in this folder instead of the texts stored "
            "in the database.",
        )
        parser.add_argument(
            "--without-sources",
            action="store_true",
            help="Skip the checks against the sources' texts.",
        )
        parser.add_argument(
            "--update-docs",
            metavar="FILE",
            help="Write this run's figures into FILE's figures block (docs/data-fidelity.md).",
        )

    def handle(self, *args, **options):
        problems = check_catalogue(
            with_sources=not options["without_sources"], seeds=options["seeds"]
        )
        for problem in problems:
            self.stdout.write(f"- {problem}")
        for rule, figures in fidelity.LAST_RUN.items():
            self.stdout.write(
                f"{rule}: {figures['checked']} checked, {figures['exceptions']} accepted as "
                f"exceptions, {figures['breaches']} breaches"
            )
        if options["update_docs"] and fidelity.LAST_RUN:
            try:
                changed = fidelity.update_figures(options["update_docs"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{'Updated' if changed else 'Unchanged'}: the figures in {options['update_docs']}."
            )
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write("The catalogue has no integrity problems.")
