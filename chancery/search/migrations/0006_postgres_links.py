"""PostgreSQL: facets by combination, dates and a lead vector in the search row (nothing on SQLite).

Each search row names its document's combination of collections, subjects, places,
languages and repositories (an id in ``search_pg_links``, one row per distinct
combination) instead of carrying the five arrays, and carries its dates: a search then
filters, counts and facets without reading the documents or holding its matches in
temporary tables. The lead vector (title, summary, names) with its own GIN index finds a
broad word's best candidates. Rewrites the search table once: minutes at 200,000 documents.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import links_sql

        for statement in links_sql():
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from chancery.search.backends.postgres import links_drop_sql

        for statement in links_drop_sql():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_postgres_facts")]
    operations = [migrations.RunPython(create, drop)]
