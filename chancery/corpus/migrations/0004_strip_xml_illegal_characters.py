"""Strip the characters XML cannot carry from every text already stored in the archive.

Before this, a control character pasted in the admin or imported from a CSV file was kept
and made the Atom feeds and OAI-PMH pages holding that record answer 500. Since then they
are kept out on every write (chancery/corpus/text.py); this cleans the rows stored before.
The pattern is copied here (migrations are history: they do not import today's code).
A document whose own text changed gets a new ``updated_at``, so OAI harvesters fetch the
corrected record.
"""

import re

from django.db import migrations
from django.utils import timezone

from chancery.migration_operations import RunPython

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
TEXT_TYPES = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}


def strip_rows(apps, schema_editor):
    now = timezone.now()
    for model in apps.get_app_config("corpus").get_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if f.get_internal_type() in TEXT_TYPES]  # fmt: skip
        if not names:
            continue
        dirty = []
        rows = model._default_manager.order_by().values_list("pk", *names)
        for pk, *values in rows.iterator(chunk_size=2000):
            changes = {
                name: ILLEGAL.sub("", value)
                for name, value in zip(names, values, strict=True)
                if isinstance(value, str) and ILLEGAL.search(value)
            }
            if changes:
                dirty.append((pk, changes))
        for pk, changes in dirty:
            if model._meta.model_name == "document":
                changes["updated_at"] = now
            model._default_manager.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0003_sanitise_stored_html"),
    ]

    operations = [RunPython(strip_rows, RunPython.noop, fixes_rows_of=("corpus",))]
