from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FOLLOW = "follow", _("followed you")
    MENTION = "mention", _("mentioned you")
    COMMENT = "comment", _("commented on your post")
    LIKE = "like", _("liked your post")
    REPOST = "repost", _("reposted your post")
    QUOTE = "quote", _("quoted your post")
    POLL = "poll", _("a poll has ended")


class Notification(models.Model):
    """Who (actor) did what (kind) to whom (recipient), about which post."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} -> {self.recipient_id}"
