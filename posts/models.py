from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PostQuerySet(models.QuerySet["Post"]):
    def top_level(self) -> "PostQuerySet":
        """Posts that are not comments."""
        return self.filter(in_reply_to__isnull=True)

    def for_cards(self) -> "PostQuerySet":
        """Everything a post card shows, in a fixed number of queries."""
        return self.select_related("author").annotate(
            comment_count=models.Count("replies", distinct=True)
        )

    def newest_first(self) -> "PostQuerySet":
        return self.order_by("-id")


class Post(models.Model):
    """A micropost. A comment is a Post whose in_reply_to is set."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.TextField(_("body"))
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        # Ids grow with time, so "-id" is the timeline order and each index ends in id.
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id_idx"),
            models.Index(fields=["in_reply_to", "id"], name="post_reply_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("post_detail", kwargs={"username": self.author.username, "pk": self.pk})

    @property
    def is_comment(self) -> bool:
        return self.in_reply_to_id is not None
