"""Index text layers apart (translation, transcript) and add the names table.

SQLite: drops the FTS5 table, recreates it with a column per layer, adds the vocabulary
table behind "did you mean", and reindexes. PostgreSQL: only the ``NameForm`` table (the
name-variant table both engines expand queries with); its FTS schema is 0002's.
Both: loads the shipped variants table (chancery/search/data/variants.tsv).
"""

from django.db import migrations, models


def load_variants(apps, schema_editor):
    from chancery.search.analysis import fold_key
    from chancery.search.variants import TABLE, read_table, token_form

    NameForm = apps.get_model("search", "NameForm")
    rows = []
    for n, (kind, forms, notes) in enumerate(read_table(TABLE), 1):
        seen = set()
        for i, name in enumerate(forms):
            key = fold_key(name)
            if key and token_form(name) not in seen:
                seen.add(token_form(name))
                note = notes[i] if i < len(notes) else ""
                rows.append(
                    NameForm(group=f"t:{n}", name=name, key=key, kind=kind, note=note[:200])
                )
    NameForm.objects.using(schema_editor.connection.alias).bulk_create(rows, batch_size=500)


def recreate_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from chancery.search.backends.sqlite_fts5 import CREATE_SQL, CREATE_WORDS_SQL

    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(CREATE_SQL)
    for statement in CREATE_WORDS_SQL:
        schema_editor.execute(statement)
    Document = apps.get_model("corpus", "Document")
    if Document.objects.using(schema_editor.connection.alias).exists():
        from chancery.search.indexing import reindex

        reindex()


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from chancery.search.backends.sqlite_fts5 import WORDS

    schema_editor.execute(f"DROP TABLE IF EXISTS {WORDS}_vocab")
    schema_editor.execute(f"DROP TABLE IF EXISTS {WORDS}")
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, body, names, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres"), ("corpus", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="NameForm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("group", models.CharField(db_index=True, max_length=40)),
                ("name", models.CharField(max_length=300)),
                ("key", models.CharField(db_index=True, max_length=300)),
                (
                    "kind",
                    models.CharField(blank=True, help_text="person, place, other", max_length=20),
                ),
                (
                    "note",
                    models.CharField(blank=True, help_text="e.g. Wade-Giles, BGN", max_length=200),
                ),
            ],
            options={"ordering": ["group", "id"]},
        ),
        migrations.RunPython(load_variants, migrations.RunPython.noop),
        migrations.RunPython(recreate_fts, drop_fts),
    ]
