"""``manage.py add_curator``: an admin account in the Curators group, and nothing more.

Like ``createsuperuser`` it asks for the password, or reads DJANGO_CURATOR_PASSWORD with
``--no-input``, so that the password never appears in a shell history.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

GROUP = "Curators"


class Command(BaseCommand):
    help = "Create (or update) a staff account in the Curators group: not a superuser."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Read the password from DJANGO_CURATOR_PASSWORD instead of asking.",
        )

    def handle(self, *args, username, email, interactive, **options):
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist as exc:
            raise CommandError(f"There is no {GROUP} group: run manage.py migrate first.") from exc
        password = self.read_password(interactive)
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("The password is too weak: " + " ".join(exc.messages)) from exc
        user.email = email or user.email
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(group)
        self.stdout.write(f"{username} can now log in to the admin as a curator.")

    def read_password(self, interactive):
        if not interactive:
            password = os.environ.get("DJANGO_CURATOR_PASSWORD", "")
            if not password:
                raise CommandError("Set DJANGO_CURATOR_PASSWORD when using --no-input.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
