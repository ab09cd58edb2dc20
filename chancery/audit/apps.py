from chancery.corpus.apps import SignalledConfig


class AuditConfig(SignalledConfig):
    """The audit log; its receivers record logins and failed logins."""

    name = "chancery.audit"
    label = "audit"
    default = True  # the base says False so that Django does not pick it (tests/test_apps.py)
    verbose_name = "Audit log"
