"""Editors and reviewers see the job queue (is a scan read yet?) and read and correct
machine-read text; administrators get every permission of both apps. A frozen copy of the
rule in chancery/versions/roles.py (migrations import no Chancery code)."""

from django.db import migrations
from django.db.models import Q

from chancery.migration_operations import RunPython

EDITING = Q(content_type__app_label="jobs", codename="view_job") | Q(
    content_type__app_label="ocr", codename__in=["view_machinetext", "change_machinetext"]
)
EVERYTHING = Q(content_type__app_label__in=["jobs", "ocr"])


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for label in ("jobs", "ocr"):  # permissions are made after migrations; needed now
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rule in (
        ("Editors", EDITING),
        ("Reviewers", EDITING),
        ("Administrators", EVERYTHING),
    ):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(rule))


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_worker_beat"),
        ("ocr", "0001_machine_text"),
        ("versions", "0002_roles_groups"),
    ]

    operations = [RunPython(grant, RunPython.noop)]
