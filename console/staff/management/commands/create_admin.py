"""Create the first admin: `manage.py create_admin USERNAME`. The password comes from
CONSOLE_ADMIN_PASSWORD when set, else it is asked twice on the terminal."""

import getpass
import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.staff import audit
from console.staff.models import ADMIN, User


class Command(BaseCommand):
    help = "Create an admin account of the staff console."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"user {username} already exists")
        password = os.environ.get("CONSOLE_ADMIN_PASSWORD") or self._ask()
        try:
            password_validation.validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = User.objects.create_user(username, password=password, role=ADMIN)
        audit.record(
            None,
            "user_created",
            target=f"user {username}",
            user=user,
            role=ADMIN,
            via="create_admin command",
        )
        self.stdout.write(f"Admin {username} created.")

    def _ask(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("no terminal to ask for the password: set CONSOLE_ADMIN_PASSWORD")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise CommandError("the passwords differ")
        return first
