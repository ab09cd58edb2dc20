"""The four back-office roles as groups: Contributors, Editors, Reviewers, Administrators.

The existing "Editors" group (which could delete documents) keeps its members and gets the
editor's permissions: edit and submit for review, no deleting records, no publishing.
"""

from django.db import migrations


def make_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    from chancery.versions.roles import ensure_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0001_initial"),
        ("corpus", "0006_document_status_in_review"),
        ("audit", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
