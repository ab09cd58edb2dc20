from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing that happened: kept even when the user or the record is gone."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, help_text="As it was then.")
    ip = models.CharField("IP address", max_length=45, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.username} {self.target}"
