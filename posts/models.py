from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may see a post, widest first."""

    PUBLIC = "public", _("Public")
    UNLISTED = "unlisted", _("Unlisted")
    FOLLOWERS = "followers", _("Followers only")
    DIRECT = "direct", _("Direct message")


# Narrowest last: a reply is never more visible than what it replies to.
VISIBILITY_ORDER: list[str] = [
    Visibility.PUBLIC,
    Visibility.UNLISTED,
    Visibility.FOLLOWERS,
    Visibility.DIRECT,
]
# Visible to anyone who has the address (and so may be quoted, and shown on public pages).
OPEN_VISIBILITIES: list[str] = [Visibility.PUBLIC, Visibility.UNLISTED]


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


class LinkPreview(models.Model):
    """The OpenGraph or Twitter card of a page linked from a post (fetched by a task)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        OK = "ok", _("Fetched")
        FAILED = "failed", _("Failed")

    url = models.URLField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(max_length=300, blank=True)
    description = models.CharField(max_length=1000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    image = models.ImageField(
        upload_to="previews/%Y/%m/", blank=True, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.url


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
    # For a direct message that answers another: the first message of that direct conversation
    # (null for the first one, and for every other post). A direct reply under a public post
    # starts a conversation of its own, so two of them are never mixed up.
    conversation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Whose followers may see a followers-only post: its author, or for a reply in a
    # followers-only thread, the author of the thread's first post.
    audience = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # A content warning: when set, the body and images hide behind it until the reader opens it.
    spoiler_text = models.CharField(_("content warning"), max_length=100, blank=True)
    # Images blurred until clicked.
    sensitive = models.BooleanField(_("sensitive media"), default=False)
    # A quote post shows the quoted card inside it. The original's deletion or its author
    # detaching it leaves is_quote set and quote_of empty: "post unavailable".
    quote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    is_quote = models.BooleanField(default=False)
    pinned_at = models.DateTimeField(null=True, blank=True)
    preview = models.ForeignKey(
        LinkPreview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
            models.Index(fields=["quote_of", "-id"], name="post_quote_id_idx"),
            models.Index(
                fields=["conversation", "id"],
                condition=models.Q(conversation__isnull=False),
                name="post_conversation_idx",
            ),
            models.Index(
                fields=["author", "-pinned_at"],
                condition=models.Q(pinned_at__isnull=False),
                name="post_pinned_idx",
            ),
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
        # Staff see posts by this name (the admin's deletion summaries): never a message's text.
        if self.visibility == Visibility.DIRECT:
            return f"{self.author}: a direct message"
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
        indexes = [models.Index(fields=["user", "-post"], name="mention_user_post_idx")]

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
    """An uploaded image: a resized copy and a timeline thumbnail.

    It is a draft (post empty) owned by its uploader until a post attaches it by id; drafts
    left unattached for a day are deleted by `manage.py delete_stale_media`.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    created_at = models.DateTimeField(default=timezone.now)
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
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(post__isnull=True),
                name="postimage_draft_idx",
            )
        ]

    def __str__(self) -> str:
        return f"image {self.position} of post {self.post_id}"


class PostEdit(models.Model):
    """An earlier version of a post, kept when it is edited (newest first)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField(blank=True)
    spoiler_text = models.CharField(max_length=100, blank=True)
    sensitive = models.BooleanField(default=False)
    # [{"image": name, "thumbnail": name, "alt_text": ..., "width": n, "height": n}]: the files
    # stay while a version names them, and go when the post is deleted.
    images = models.JSONField(default=list, blank=True)
    # When this version was published (the post's creation or its previous edit).
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["post", "-id"], name="postedit_post_idx")]

    def __str__(self) -> str:
        return f"version of post {self.post_id} from {self.created_at:%Y-%m-%d %H:%M}"


class Poll(models.Model):
    """A poll on a post: 2 to 4 options, single or multiple choice, open until expires_at."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    # Set once by the periodic job that notifies the author and voters, so they are told once.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=models.Q(closed_at__isnull=True),
                name="poll_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"poll of post {self.post_id}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=50)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polloption_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class PollVote(models.Model):
    """One account's vote in a poll (one per account), with the option or options it chose."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choices = models.ManyToManyField(PollOption, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"],
                name="pollvote_one_per_account",
                violation_error_message=_("You have already voted in this poll."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} voted in poll {self.poll_id}"
