"""What the client API keeps that the web pages do not: reading positions (markers)."""

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings


class Marker(models.Model):
    """Where a member stopped reading a timeline, saved by a client (Mastodon's markers)."""

    class Timeline(models.TextChoices):
        HOME = "home", "home"
        NOTIFICATIONS = "notifications", "notifications"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=20, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "timeline"], name="marker_one_per_timeline")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.timeline} up to {self.last_read_id}"


class ClientApp(models.Model):
    """What Mastodon keeps of a client app beyond the OAuth application: its website and the
    scopes it registered with (POST /api/v1/apps)."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="client_app",
    )
    website = models.URLField(max_length=2000, blank=True)
    scopes = models.CharField(max_length=2000, default="read")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"client app {self.application_id}"
