"""Logins and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from . import record


def _logged_in(sender, request, user, **kwargs):
    record("login", request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    name = str((credentials or {}).get("username", ""))[:150]
    record("login failed", request=request, detail=f"username: {name}")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
