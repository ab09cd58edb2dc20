"""What the benchmarks share: a Django of their own in a given CHANCERY_HOME, and synthetic
published documents."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(home: Path | str, migrate: bool = True, **environ: str) -> None:
    """Start Django on ``home`` (test-client requests allowed) with these CHANCERY_…
    variables, and bring its database to the latest migrations unless told not to."""
    os.environ["CHANCERY_HOME"] = str(home)
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    os.environ.setdefault("CHANCERY_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def telegram(i: int, **fields):
    """The i-th synthetic published telegram (unsaved, its date bounds set), dated across a
    century; ``fields`` add to or replace what every one has."""
    from django.utils import timezone

    from chancery.corpus.models import Document

    document = Document(
        public_id=f"bench/d{i}",
        title=f"Telegram {i} from the legation",
        summary="The minister reports on the negotiations over the treaty.",
        date=f"{1850 + i % 100}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        source="Despatches, vol. 12",
        status=Document.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )
    document.apply_date()
    return document


def telegrams(n: int, fields: Callable[[int], dict] = lambda i: {}) -> Iterator[list]:
    """Telegrams 0 to n - 1 (``fields(i)`` adding to each), bulk-created 5,000 at a time:
    each batch, saved, for the caller to link."""
    from chancery.corpus.models import Document

    for start in range(0, n, 5000):
        batch = [telegram(i, **fields(i)) for i in range(start, min(n, start + 5000))]
        yield Document.objects.bulk_create(batch)
