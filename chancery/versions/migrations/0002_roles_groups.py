"""The four back-office roles as groups: Contributors, Editors, Reviewers, Administrators.

The existing "Editors" group (which could delete documents) keeps its members and gets the
editor's permissions: edit and submit for review, no deleting records, no publishing.
A frozen copy of the rules in chancery/versions/roles.py as they were (migrations import
no Chancery code); ``chancery createuser --role`` applies today's.
"""

from django.db import migrations
from django.db.models import Q

from chancery.migration_operations import RunPython

GROUPS = {
    "contributor": "Contributors",
    "editor": "Editors",
    "reviewer": "Reviewers",
    "administrator": "Administrators",
}
PARTS = ("document", "translation", "transcript", "scan", "membership")


def permissions_for(role):
    corpus = Q(content_type__app_label="corpus")
    view = corpus & Q(codename__startswith="view_")
    parts = corpus & Q(content_type__model__in=PARTS)
    if role == "contributor":
        return (
            view
            | (parts & ~Q(codename__startswith="delete_"))
            | (corpus & Q(codename__startswith="add_"))
        )
    editing = corpus & ~Q(codename__startswith="delete_")
    editing |= parts & Q(codename__startswith="delete_") & ~Q(content_type__model="document")
    submit = Q(content_type__app_label="versions", codename="submit_document")
    history = Q(content_type__app_label="versions", codename__startswith="view_")
    if role == "editor":
        return editing | submit | history
    publish = Q(content_type__app_label="versions", codename="publish_document")
    if role == "reviewer":
        return editing | submit | publish | history
    return Q(
        content_type__app_label__in=[
            "corpus", "versions", "auth", "audit", "ingest", "oai", "reversion"
        ]
    )  # fmt: skip


def make_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # permissions are made after migrations; these groups need them now
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, name in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(permissions_for(role)))


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0001_initial"),
        ("corpus", "0007_document_status_in_review"),
        ("audit", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [RunPython(make_groups, RunPython.noop)]
