"""Members of the old all-powerful "Editors" group become Reviewers.

Before the roles (versions 0002) every back-office account that was not a superuser joined
"Editors", which could publish and delete documents. 0002 kept that group's name for the
new, narrower editor role (edits, submits for review; no publishing, no deleting), so those
accounts silently lost publishing. They get it back here: each member of "Editors" whose
account is older than the roles (joined before 0002 was applied, read from Django's own
record of applied migrations) moves to "Reviewers" (publish, unpublish, revert — what they
could do before, less deleting, which is now the administrators'). Accounts made since with
``chancery createuser --role editor`` joined after 0002 and stay editors: nobody gains a
right they did not have. On an archive upgraded from a release, 0002 and this migration run
in the same ``chancery migrate``, so exactly the old editors move. Not reversed (going back
leaves them Reviewers; docs/upgrading.md says how to move them by hand).
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from chancery.migration_operations import RunPython


def promote_old_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors = Group.objects.filter(name="Editors").first()
    reviewers = Group.objects.filter(name="Reviewers").first()
    if editors is None or reviewers is None:
        return
    recorded = MigrationRecorder(schema_editor.connection).migration_qs.filter(
        app="versions", name="0002_roles_groups"
    )
    roles_since = recorded.values_list("applied", flat=True).first() or timezone.now()
    old = list(editors.user_set.filter(date_joined__lt=roles_since))
    if old:
        reviewers.user_set.add(*old)
        editors.user_set.remove(*old)


class Migration(migrations.Migration):
    dependencies = [("versions", "0002_roles_groups")]

    operations = [RunPython(promote_old_editors, RunPython.noop, fixes_rows_of=("auth.User",))]
