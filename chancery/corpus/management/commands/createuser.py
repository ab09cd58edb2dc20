"""Create an editor (or administrator) account for the back office."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chancery.corpus.models import Collection
from chancery.versions import roles
from chancery.versions.models import CollectionScope
from chancery.versions.roles import ensure_groups

EDITORS = "Editors"


def editors_group() -> Group:
    """The Editors group: edits everything, submits for review (chancery/versions/roles.py)."""
    return ensure_groups()[roles.EDITOR]


class Command(BaseCommand):
    help = (
        "Create a back-office account with a role: contributor (drafts only), editor (edits, "
        "submits for review; the default), reviewer (also publishes and unpublishes) or "
        "administrator (everything, accounts and the audit log); --superuser bypasses every "
        "check. --collection limits the account to collections (by slug) and all below them. "
        "The password is asked for, or read from the CHANCERY_PASSWORD environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="Every permission.")
        parser.add_argument("--role", choices=roles.ROLES, default=roles.EDITOR)
        parser.add_argument(
            "--collection", action="append", default=[], metavar="SLUG",
            help="Limit the account to this collection and all below it (repeatable).",
        )  # fmt: skip

    def handle(self, *args, username, email, superuser, role, collection, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = os.environ.get("CHANCERY_PASSWORD") or self._ask()
        user = User(username=username, email=email, is_staff=True, is_superuser=superuser)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        collections = list(Collection.objects.filter(slug__in=collection))
        unknown = set(collection) - {c.slug for c in collections}
        if unknown:
            raise CommandError(f"No collection with the slug {', '.join(sorted(unknown))}.")
        user.set_password(password)
        user.save()
        if not superuser:
            user.groups.add(ensure_groups()[role])
        if collections:
            CollectionScope.objects.create(user=user).collections.set(collections)
        label = "superuser" if superuser else role
        where = f" (limited to {', '.join(c.slug for c in collections)})" if collections else ""
        self.stdout.write(self.style.SUCCESS(f"Created {label} {username!r}{where}."))

    def _ask(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError("No password given (set CHANCERY_PASSWORD).") from exc
        if first != second:
            raise CommandError("The passwords differ.")
        return first
