"""Stored HTML written before every HTML field was sanitised on save (a collection's
introduction was not) passes through the allow-list sanitiser once; stored links that are
not http(s)/mailto are dropped. Idempotent: clean HTML comes out unchanged."""

from django.db import migrations


def sanitise(apps, schema_editor):
    from chancery.corpus.sanitize import clean_html, safe_url

    def each(model, field, fix):
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            fixed = fix(value)
            if fixed != value:
                model.objects.filter(pk=pk).update(**{field: fixed})

    each(apps.get_model("corpus", "Collection"), "introduction", clean_html)
    each(apps.get_model("corpus", "Translation"), "html", clean_html)
    each(apps.get_model("corpus", "Transcript"), "html", clean_html)
    each(apps.get_model("corpus", "Repository"), "url", safe_url)
    each(apps.get_model("corpus", "Rights"), "url", safe_url)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0002_oai_datestamp_index")]

    operations = [migrations.RunPython(sanitise, migrations.RunPython.noop, elidable=True)]
