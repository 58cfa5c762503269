"""``manage.py check_catalogue``: report integrity problems in the loaded catalogue."""

from django.core.management.base import BaseCommand, CommandError

from processes.catalogue import check_catalogue


class Command(BaseCommand):
    help = (
        "Report unresolved or ambiguous names, records without a citation, processes "
        "without a category, and member lists that differ from a stated total."
    )

    def handle(self, *args, **options):
        problems = check_catalogue()
        for problem in problems:
            self.stdout.write(f"- {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write("The catalogue has no integrity problems.")
