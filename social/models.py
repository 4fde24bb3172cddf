"""The social graph: who follows, blocks and mutes whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Relationship(models.Model):
    """A directed edge between two users: who acted (source) and who it is about (target)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def _edge_constraints(kind: str, source: str, target: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(fields=[source, target], name=f"{kind}_unique_pair"),
        models.CheckConstraint(
            condition=~models.Q(**{source: models.F(target)}),
            name=f"{kind}_not_self",
            violation_error_message=_("You cannot do that to yourself."),
        ),
    ]


class Follow(Relationship):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "users_follow"  # made by the users app before the graph moved here
        constraints = _edge_constraints("follow", "follower", "followee")
        indexes = [models.Index(fields=["followee", "-id"], name="follow_followee_idx")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(Relationship):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "users_block"
        constraints = _edge_constraints("block", "blocker", "blocked")
        indexes = [models.Index(fields=["blocked"], name="block_blocked_idx")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(Relationship):
    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "users_mute"
        constraints = _edge_constraints("mute", "muter", "muted")

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class FilterContext(models.TextChoices):
    """Where a muted word applies."""

    HOME = "home", _("Home and lists")
    NOTIFICATIONS = "notifications", _("Notifications")
    PUBLIC = "public", _("Public timelines")
    THREAD = "thread", _("Threads")


class MutedWord(models.Model):
    """A word or phrase whose posts collapse behind "Filtered: <phrase>" for the user who muted it.

    pattern is the case-insensitive whole-word regular expression both SQLite (Python's re) and
    PostgreSQL understand, built from phrase by social.services; the selectors match it in SQL.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_words"
    )
    phrase = models.CharField(_("word or phrase"), max_length=100)
    pattern = models.CharField(max_length=1000)
    in_home = models.BooleanField(_("home and lists"), default=True)
    in_notifications = models.BooleanField(_("notifications"), default=True)
    in_public = models.BooleanField(_("public timelines"), default=True)
    in_thread = models.BooleanField(_("threads"), default=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "phrase"],
                name="mutedword_unique",
                violation_error_message=_("You already filter this word or phrase."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} filters {self.phrase!r}"
