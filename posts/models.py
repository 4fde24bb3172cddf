from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    FOLLOWERS = "followers", _("Followers only")


class PostQuerySet(models.QuerySet["Post"]):
    def top_level(self) -> "PostQuerySet":
        """Keep only posts that are not comments."""
        return self.filter(in_reply_to__isnull=True)

    def newest_first(self) -> "PostQuerySet":
        return self.order_by("-id")


class Tag(models.Model):
    """A hashtag, stored normalised (NFKC, case-folded) so #Django and #django are one tag."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("tag", kwargs={"name": self.name})


class Post(models.Model):
    """A micropost. A comment is a Post whose in_reply_to is set; a repost has repost_of set."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.TextField(_("body"), blank=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # The first post of the thread a comment belongs to (null for a top-level post or a repost):
    # its author's blocks reach every comment below it, at any depth.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Whose followers may see a followers-only post: its author, or for a reply in a
    # followers-only thread, the author of the thread's first post.
    audience = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, through="PostTag", related_name="posts", blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Mention", related_name="mentioned_in", blank=True
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        # Ids grow with time, so "-id" is the timeline order and each index ends in id.
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id_idx"),
            models.Index(fields=["in_reply_to", "id"], name="post_reply_id_idx"),
            models.Index(fields=["repost_of", "-id"], name="post_repost_id_idx"),
            models.Index(fields=["visibility", "-id"], name="post_visibility_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=models.Q(repost_of__isnull=False),
                name="post_one_repost_per_author",
                violation_error_message=_("You have already reposted this."),
            ),
            models.CheckConstraint(
                condition=models.Q(repost_of__isnull=True) | models.Q(in_reply_to__isnull=True),
                name="post_repost_is_not_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("post_detail", kwargs={"username": self.author.username, "pk": self.pk})

    @property
    def is_comment(self) -> bool:
        return self.in_reply_to_id is not None


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "post"], name="posttag_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.tag_id}"


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} @{self.user_id}"


class Interaction(models.Model):
    """A user's mark on a post (like, bookmark): one per pair."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user_id} {type(self).__name__.lower()}s {self.post_id}"


class Like(Interaction):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="like_unique")]
        indexes = [models.Index(fields=["user", "-id"], name="like_user_idx")]


class Bookmark(Interaction):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_unique")]
        indexes = [models.Index(fields=["user", "-id"], name="bookmark_user_idx")]


class PostImage(models.Model):
    """An image attached to a post: a resized copy and a timeline thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="posts/%Y/%m/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="posts/%Y/%m/thumbs/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description (alt text)"), max_length=1500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="postimage_position_unique")
        ]

    def __str__(self) -> str:
        return f"image {self.position} of post {self.post_id}"
