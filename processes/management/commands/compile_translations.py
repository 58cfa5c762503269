"""Compile the interface catalogues' .po files into .mo files with polib (no GNU gettext)."""

from django.core.management.base import BaseCommand

from processes import translations


class Command(BaseCommand):
    help = "Write migration_governance/locale/*/LC_MESSAGES/django.mo from the .po files."

    def handle(self, *args, **options):
        for language in translations.languages():
            translations.compile_mo(language)
            self.stdout.write(f"Compiled {translations.po_path(language).with_suffix('.mo')}")
