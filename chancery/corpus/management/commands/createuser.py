"""Create an editor (or administrator) account for the back office."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

EDITORS = "Editors"


def editors_group() -> Group:
    """The Editors group: may add, change and delete everything in the archive."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(Permission.objects.filter(content_type__app_label="corpus"))
    return group


class Command(BaseCommand):
    help = (
        "Create a back-office account. Editors may describe and publish documents; "
        "--superuser may also manage accounts. The password is asked for, or read from "
        "the CHANCERY_PASSWORD environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="Full administrator.")

    def handle(self, *args, username, email, superuser, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = os.environ.get("CHANCERY_PASSWORD") or self._ask()
        user = User(username=username, email=email, is_staff=True, is_superuser=superuser)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        if not superuser:
            user.groups.add(editors_group())
        role = "administrator" if superuser else "editor"
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}."))

    def _ask(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError("No password given (set CHANCERY_PASSWORD).") from exc
        if first != second:
            raise CommandError("The passwords differ.")
        return first
