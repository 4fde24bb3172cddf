"""Writes for posts, comments, reposts, likes and bookmarks. Nothing else changes a Post."""

import copy
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from core import images
from core.text import NUL_REFUSED, clean_text
from notifications.models import Kind
from notifications.services import (
    notification_create,
    notification_delete,
    notifications_create_many,
    notifications_delete_mentions,
)
from posts import search
from posts.models import (
    VISIBILITY_ORDER,
    Bookmark,
    Like,
    Mention,
    Post,
    PostImage,
    PostTag,
    Tag,
    Visibility,
)
from posts.permissions import can_delete, can_edit
from posts.services import history, media, polls, previews, quotes
from posts.services.access import hold, require_visible
from posts.services.polls import PollSpec
from posts.text import normalize_tag, parse
from social.selectors import blocked_either_way_ids, is_blocked_either_way
from users.models import CustomUser

MAX_IMAGES = media.MAX_IMAGES
SPOILER_MAX_LENGTH = 100


@dataclass(frozen=True)
class ImageUpload:
    """An uploaded file and its description (alt text)."""

    file: UploadedFile
    alt_text: str


def post_body_clean(body: str) -> str:
    """Return body with line endings normalised and outer whitespace trimmed, or raise."""
    # The web form already refuses NUL, the API may not.
    return clean_text(
        body.replace("\r\n", "\n").replace("\r", "\n"),
        field="body",
        max_length=settings.MSG_MAX_POST_LENGTH,
        empty=gettext("Write something first: a post cannot be empty."),
        too_long=gettext("Posts are limited to {limit} characters; this one has {length}."),
    )


def spoiler_text_clean(text: str) -> str:
    """Return a content warning trimmed, or raise if it is too long or holds NUL."""
    return clean_text(
        text,
        field="spoiler_text",
        max_length=SPOILER_MAX_LENGTH,
        too_long=gettext(
            "A content warning is limited to {limit} characters; this one has {length}."
        ),
        collapse_whitespace=True,
    )


def _sync_mentions_and_tags(
    post: Post, *, new: bool, participants: Sequence[CustomUser] = ()
) -> None:
    """Store the post's @mentions and #tags, and notify the newly mentioned users.

    participants are mentioned without being named in the text: the people of the direct
    conversation a reply continues (those who blocked its author, or whom it blocked, left).
    Nobody can be sent a direct message across a block: naming them is refused.
    A constant number of queries, however many mentions and tags the text holds.
    """
    parsed = parse(post.body)
    names = {normalize_tag(t) for t in parsed.tags}
    if not new:
        PostTag.objects.filter(post=post).exclude(tag__name__in=names).delete()
    if names:
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        PostTag.objects.bulk_create(
            [PostTag(post=post, tag=tag) for tag in Tag.objects.filter(name__in=names)],
            ignore_conflicts=True,
        )

    users: list[CustomUser] = []
    if parsed.mentions:
        lookup = Q()
        for name in parsed.mentions:
            lookup |= Q(username__iexact=name)
        users = list(CustomUser.objects.filter(lookup, is_active=True))
    if post.visibility == Visibility.DIRECT:
        named = {user.pk for user in users}
        users = [*users, *(u for u in participants if u.pk not in named)]
        blocked = set(blocked_either_way_ids(post.author, [user.pk for user in users]))
        refused = [user for user in users if user.pk in blocked and user.pk in named]
        if refused:
            raise PermissionDenied(
                gettext("You cannot send a message to @%(name)s.") % {"name": refused[0].username}
            )
        users = [user for user in users if user.pk not in blocked and user.pk != post.author_id]
    mentioned: set[int] = set()
    if not new and post.visibility == Visibility.DIRECT:
        # Who a direct message went to cannot be taken back by editing the text.
        mentioned = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    elif not new:
        removed = Mention.objects.filter(post=post).exclude(user__in=users)
        # A mention edited out takes its notification with it, so toggling it cannot pile them up.
        notifications_delete_mentions(post=post, recipients=removed.values("user_id"))
        removed.delete()
        if users:
            mentioned = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    added = [user for user in users if user.pk not in mentioned]
    if added:
        Mention.objects.bulk_create(
            [Mention(post=post, user=user) for user in added], ignore_conflicts=True
        )
        # Only those who may see the post are told: the notify task checks, for all at once.
        notifications_create_many(recipients=added, actor=post.author, kind=Kind.MENTION, post=post)


def _prepare_images(
    uploads: Sequence[ImageUpload],
) -> list[tuple[str, images.CleanImage, images.CleanImage]]:
    """Check and resize every upload before anything is stored, so bad input saves nothing."""
    if len(uploads) > MAX_IMAGES:
        raise ValidationError(
            {
                "images": gettext("Attach at most %(count)d images to a post.")
                % {"count": MAX_IMAGES}
            }
        )
    prepared = []
    for position, upload in enumerate(uploads):
        alt = upload.alt_text.strip()
        if not alt:
            raise ValidationError({"images": media.ALT_REQUIRED})
        try:
            full, thumb = media.image_prepare(
                upload.file, stem=f"{position}-{uuid.uuid4().hex[:12]}"
            )
        except ValidationError as error:
            raise ValidationError({"images": error.messages}) from error
        prepared.append((alt, full, thumb))
    return prepared


def _attach_images(
    post: Post, prepared: list[tuple[str, images.CleanImage, images.CleanImage]]
) -> None:
    for position, (alt, full, thumb) in enumerate(prepared):
        attachment = PostImage(owner=post.author, post=post, alt_text=alt, position=position)
        media.image_store(attachment, (full, thumb))


def _narrowest(*visibilities: str) -> str:
    return max(visibilities, key=VISIBILITY_ORDER.index)


def _participants(post: Post) -> list[CustomUser]:
    """Who takes part in the direct conversation post belongs to: its author and mentions."""
    return [post.author, *CustomUser.objects.filter(mentioned_in=post, is_active=True)]


@transaction.atomic
def post_create(
    *,
    author: CustomUser,
    body: str,
    in_reply_to: Post | None = None,
    visibility: str = Visibility.PUBLIC,
    images: Sequence[ImageUpload] = (),
    media_ids: Sequence[int] = (),
    spoiler_text: str = "",
    sensitive: bool = False,
    poll: PollSpec | None = None,
    quote_of: Post | None = None,
) -> Post:
    """Publish a micropost (or a comment, when it replies to another post).

    A reply is never more visible than what it replies to: it takes the narrower of the two
    visibilities, a followers-only thread's audience, and a direct conversation's participants.
    """
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": gettext("Choose who can see this post.")})
    root = None
    participants: list[CustomUser] = []
    conversation: int | None = None  # the first message of the direct conversation it continues
    audience = author
    if in_reply_to is not None:
        if in_reply_to.repost_of_id is not None:
            in_reply_to = in_reply_to.repost_of
            assert in_reply_to is not None
        require_visible(in_reply_to, author)
        root = in_reply_to.root or in_reply_to
        # Held until commit, the thread's first post first as a deletion locks it (post_delete):
        # a deletion waits for this comment and takes it along, or went first and this is a 404.
        # A quoted top-level post is a thread head too: heads go in id order (_thread_locked).
        quoted = quote_of.repost_of if quote_of and quote_of.repost_of_id else quote_of
        if quoted is not None and quoted.root_id is None and quoted.pk < root.pk:
            hold(quoted)
        hold(root)
        if root.pk != in_reply_to.pk:
            hold(in_reply_to)
        if root.author_id != author.pk and is_blocked_either_way(author, root.author):
            # A block covers the blocker's whole thread, not only the posts they wrote.
            raise PermissionDenied(gettext("You cannot comment on this post."))
        visibility = _narrowest(visibility, in_reply_to.visibility)
        if visibility == Visibility.FOLLOWERS and in_reply_to.visibility == Visibility.FOLLOWERS:
            audience = in_reply_to.audience
        if in_reply_to.visibility == Visibility.DIRECT:
            participants = [u for u in _participants(in_reply_to) if u.pk != author.pk]
            conversation = in_reply_to.conversation_id or in_reply_to.pk
    post = Post(
        author=author,
        body=post_body_clean(body),
        in_reply_to=in_reply_to,
        root=root,
        visibility=visibility,
        audience=audience,
        conversation_id=conversation,
        spoiler_text=spoiler_text_clean(spoiler_text),
        sensitive=sensitive,
    )
    if quote_of is not None:
        # A repost stands for its original: the quote points at that.
        post.quote_of, post.is_quote = quotes.check_quotable(user=author, post=quote_of), True
    post.full_clean()
    if poll is not None:
        polls.poll_check(poll)
    prepared = _prepare_images(images)
    drafts = media.drafts_to_attach(owner=author, ids=media_ids, extra=len(prepared))
    post.save()
    _attach_images(post, prepared)
    media.attach(post, drafts, start=len(prepared))
    _sync_mentions_and_tags(post, new=True, participants=participants)
    if poll is not None:
        polls.poll_create(post=post, spec=poll)
    if in_reply_to is not None:
        notification_create(
            recipient=in_reply_to.author, actor=author, kind=Kind.COMMENT, post=post
        )
    if quote_of is not None:
        quotes.quote_created(post)
    previews.preview_queue(post)
    search.index_post(post)
    return post


def _alt_text_changes(
    pictures: Sequence[PostImage], alt_texts: Mapping[int, str]
) -> list[PostImage]:
    """Return the post's images whose alt text alt_texts changes, updated in memory, or raise
    if it names an image of another post or gives an empty, too long or NUL-holding text."""
    by_id = {picture.pk: picture for picture in pictures}
    changed = []
    for pk, text in alt_texts.items():
        picture = by_id.get(pk)
        if picture is None:
            raise ValidationError({"images": gettext("That image is not attached to this post.")})
        alt = text.strip()
        limit = PostImage._meta.get_field("alt_text").max_length or 0
        if not alt:
            raise ValidationError({"images": media.ALT_REQUIRED})
        if "\x00" in alt:
            raise ValidationError({"images": NUL_REFUSED})
        if len(alt) > limit:
            raise ValidationError(
                {
                    "images": gettext("Alt text is limited to %(limit)d characters.")
                    % {"limit": limit}
                }
            )
        if alt != picture.alt_text:
            picture.alt_text = alt
            changed.append(picture)
    return changed


@transaction.atomic
def post_edit(
    *,
    user: CustomUser,
    post: Post,
    body: str,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
    alt_texts: Mapping[int, str] | None = None,
) -> Post:
    """Change the text, content warning, sensitive mark or image descriptions (alt_texts, by
    image id) of a post or comment; only its author (or a moderator) may.

    None leaves that part as it is. The version replaced is kept (posts.services.history); an
    edit that changes nothing keeps nothing and does not mark the post edited.
    """
    if not can_edit(user, post):
        raise PermissionDenied(gettext("Only the author can edit this."))
    history.post_lock(post)
    new_body = post_body_clean(body)
    new_spoiler = post.spoiler_text if spoiler_text is None else spoiler_text_clean(spoiler_text)
    new_sensitive = post.sensitive if sensitive is None else sensitive
    pictures = list(post.images.all())
    # Copies, so a refused edit leaves the (possibly prefetched) images as they were.
    renamed = _alt_text_changes([copy.copy(p) for p in pictures], alt_texts or {})
    body_changed = new_body != post.body
    fields = (new_body, new_spoiler, new_sensitive)
    if fields == (post.body, post.spoiler_text, post.sensitive) and not renamed:
        return post
    history.version_store(post, pictures)
    post.body, post.spoiler_text, post.sensitive = new_body, new_spoiler, new_sensitive
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=["body", "spoiler_text", "sensitive", "edited_at"])
    if renamed:
        PostImage.objects.bulk_update(renamed, ["alt_text"])
        texts = {picture.pk: picture.alt_text for picture in renamed}
        for picture in pictures:
            picture.alt_text = texts.get(picture.pk, picture.alt_text)
    if body_changed:
        _sync_mentions_and_tags(post, new=False)
        search.index_post(post)
        previews.preview_queue(post)
    return post


def _lock(posts: QuerySet[Post]) -> list[int]:
    """Lock these posts until commit, in id order, and return the ids of those still there."""
    return list(posts.select_for_update().order_by("pk").values_list("pk", flat=True))


def _thread_heads(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Return the first posts of the threads these posts are in: a comment's root, a top-level
    post itself, and for a repost its original's (it goes with its original, so it is part of
    that thread). Whatever goes with a post (its comments and reposts) is in its thread too."""
    head = Coalesce("root", "repost_of__root", "repost_of", "pk")
    return Post.objects.filter(pk__in=posts.annotate(head=head).values("head"))


def _quoting_heads(heads: QuerySet[Post]) -> QuerySet[Post]:
    """Return the first posts of the threads holding a quote of any post in these heads'
    threads (the quotes a deletion there sets quote_of to NULL on)."""
    return _thread_heads(Post.objects.filter(Q(quote_of__in=heads) | Q(quote_of__root__in=heads)))


def _thread_locked(posts: QuerySet[Post], *, alone: bool = False) -> list[int]:
    """Lock these posts and everything deleted with them (comments at any depth, reposts), and
    return their ids. With alone, lock only these posts (their replies are re-parented, not
    deleted: post_delete).

    One lock order for every deletion, so two of them never wait for each other in a circle:
    first the heads of the threads involved (_thread_heads), in id order, then the rest. A
    deletion also writes outside its threads: Post.quote_of is SET_NULL, so it updates the
    posts quoting a deleted one; the heads of their threads are taken with the others (over
    the whole of each thread: what is deleted below is not known yet). Any other post a
    deletion locks or updates is then in a thread whose head it already holds, so two
    deletions meet only on heads, which each takes in the same order. (A quote committed after
    the heads are locked, of a comment below them, is the one update outside them: a quote
    holds what it quotes, so it has to land in that short gap.)
    The writers that hold posts (posts.services.access.hold, history.post_lock, pins) fit in:
    most hold one post and wait for no other post after it; post_create holds the reply's
    thread head and then the post it answers, both in one thread (a deletion holding the second
    holds the first); a quote also holds the quoted post, after the head only if its id is
    larger when both are heads (post_create), so heads are never taken against id order.

    Each level below is read only once the level above is locked: a write holding one of these
    posts has committed by then and is collected with it; one that comes later waits, then
    finds the post gone (a 404) instead of pointing at a deleted row (an IntegrityError at
    commit, a 500).
    """
    heads = _thread_heads(posts)
    _lock(Post.objects.filter(Q(pk__in=heads) | Q(pk__in=_quoting_heads(heads))))
    ids = _lock(posts)
    frontier = [] if alone else ids
    while frontier:
        children = Post.objects.filter(Q(in_reply_to__in=frontier) | Q(repost_of__in=frontier))
        frontier = _lock(children.exclude(pk__in=ids))
        ids = [*ids, *frontier]
    return ids


@transaction.atomic
def post_delete(*, user: CustomUser, post: Post) -> int:
    """Delete a post with its comments and reposts; return how many posts were removed.

    A direct message that continues a conversation goes alone: its replies (the later
    messages) now answer the message it answered. Deleting a conversation's first message
    deletes the whole conversation.
    """
    if not can_delete(user, post):
        raise PermissionDenied(gettext("You cannot delete this."))
    alone = post.conversation_id is not None
    ids = _thread_locked(Post.objects.filter(pk=post.pk), alone=alone)
    if not ids:
        return 0  # deleted meanwhile (by a second click, or with its thread)
    if alone:
        # Read under the lock: a deletion of its parent may have re-parented it meanwhile.
        parent = Post.objects.filter(pk=post.pk).values_list("in_reply_to", flat=True).get()
        Post.objects.filter(in_reply_to=post.pk).update(in_reply_to=parent)
    _forget_after_commit(ids)
    # By ids, not post.delete(): that collector recurses once per reply level (a 600-message
    # conversation is a chain 600 deep: RecursionError), at some 14 queries a level.
    _, by_model = Post.objects.filter(pk__in=ids).delete()
    return by_model.get(Post._meta.label, 0)


def _forget_after_commit(ids: list[int]) -> None:
    """For posts about to be deleted: drop their search rows, and their image files once the
    deletion is committed (a rollback keeps both)."""
    files = [
        (f.storage, f.name)
        for image in PostImage.objects.filter(post_id__in=ids)
        for f in (image.image, image.thumbnail)
        if f.name
    ]
    # Files that only an earlier version names (its rows go by cascade; these go here).
    storage = PostImage._meta.get_field("image").storage
    current = {name for _, name in files}
    files += [(storage, name) for name in history.version_file_names(ids) - current]
    search.unindex_posts(ids)

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def posts_delete_by_author(*, author: CustomUser) -> int:
    """Delete every post, comment and repost by author, with what hangs off them (for account
    deletion); return how many posts were removed."""
    ids = _thread_locked(Post.objects.filter(author=author))
    _forget_after_commit(ids)
    _, by_model = Post.objects.filter(pk__in=ids).delete()
    return by_model.get(Post._meta.label, 0)


def account_posts_delete(user: CustomUser) -> None:
    """Delete what an account wrote before the account itself goes (users.services.user_delete):
    its posts, and its drafts (images uploaded but never posted), with their files."""
    posts_delete_by_author(author=user)
    media.drafts_delete(owner=user)


# Interactions -------------------------------------------------------------------------------


def _original(post: Post) -> Post:
    """Return the post a like, repost or bookmark lands on: a repost's original."""
    return post.repost_of if post.repost_of is not None else post


@transaction.atomic
def post_like(*, user: CustomUser, post: Post) -> Like:
    post = _original(post)
    require_visible(post, user)
    hold(post)
    like, created = Like.objects.get_or_create(user=user, post=post)
    if created:
        notification_create(recipient=post.author, actor=user, kind=Kind.LIKE, post=post)
    return like


def _withdraw(marks: QuerySet, *, user: CustomUser, post: Post, kind: Kind) -> bool:
    """Delete user's marks on post and the notification they caused; return whether any were."""
    deleted, _ = marks.delete()
    notification_delete(recipient=post.author, actor=user, kind=kind, post=post)
    return bool(deleted)


@transaction.atomic
def post_unlike(*, user: CustomUser, post: Post) -> bool:
    post = _original(post)
    return _withdraw(
        Like.objects.filter(user=user, post=post), user=user, post=post, kind=Kind.LIKE
    )


@transaction.atomic
def post_repost(*, user: CustomUser, post: Post) -> Post:
    """Share a public post with your followers (once)."""
    post = _original(post)
    require_visible(post, user)
    hold(post)
    if post.visibility != Visibility.PUBLIC:
        raise PermissionDenied(gettext("Followers-only posts cannot be reposted."))
    existing = Post.objects.filter(author=user, repost_of=post).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            repost = Post.objects.create(author=user, repost_of=post, body="", audience=user)
    except IntegrityError:
        return Post.objects.get(author=user, repost_of=post)
    notification_create(recipient=post.author, actor=user, kind=Kind.REPOST, post=post)
    return repost


@transaction.atomic
def post_unrepost(*, user: CustomUser, post: Post) -> bool:
    post = _original(post)
    reposts = Post.objects.filter(author=user, repost_of=post)
    return _withdraw(reposts, user=user, post=post, kind=Kind.REPOST)


@transaction.atomic
def post_bookmark(*, user: CustomUser, post: Post) -> Bookmark:
    post = _original(post)
    require_visible(post, user)
    hold(post)
    bookmark, _ = Bookmark.objects.get_or_create(user=user, post=post)
    return bookmark


@transaction.atomic
def post_unbookmark(*, user: CustomUser, post: Post) -> bool:
    post = _original(post)
    deleted, _ = Bookmark.objects.filter(user=user, post=post).delete()
    return bool(deleted)
