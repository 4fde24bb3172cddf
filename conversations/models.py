"""Direct messages are posts with visibility "direct"; a conversation is a chain of them, keyed
by its first message (Post.conversation). This app only remembers how far each participant
has read."""

from django.conf import settings
from django.db import models


class ConversationRead(models.Model):
    """The newest message of a conversation (by post id) that user has seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "root"], name="conversationread_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.root_id} up to {self.last_read_id}"
