"""Reads of posts: who may see a post (visible_to), what a card shows (cards), one post by its
address or id, the comments, likes and reposts under it, and search.

Each function returns a queryset that the HTML views and the API both consume. `cards` adds
what a post card shows (author, the reposted original, counts, the reader's own marks) as
joins, subqueries and two prefetches, so a page costs the same number of queries whether it
holds 1 post or 40 and whether the reader follows 1 account or 5,000.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import IRegex

from core.pagination import paginate
from core.queries import subquery_count
from posts.models import (
    OPEN_VISIBILITIES,
    Bookmark,
    Like,
    Mention,
    PollOption,
    PollVote,
    Post,
    PostEdit,
    PostImage,
    Tag,
    Visibility,
)
from posts.search import matching_ids
from posts.text import normalize_tag
from social.models import Block, Follow, Mute
from social.selectors import (
    active_muted_words,
    followee_ids,
    hidden_author_ids,
    people_shown_to,
    with_follow_flag,
)
from users.models import CustomUser

# Direct messages live in conversations only: no timeline, profile, tag, search or feed lists them.
LISTED_NOWHERE = Q(visibility=Visibility.DIRECT)


def _thread_blocked(prefix: str = "") -> Exists:
    """Whether the post (or, with prefix "repost_of__", the reposted one) is a comment whose
    thread's first author blocked its author: a block covers the blocker's whole thread."""
    return Exists(
        Block.objects.filter(
            blocker__posts=OuterRef(f"{prefix}root"), blocked=OuterRef(f"{prefix}author")
        )
    )


def _addressed_to(reader: CustomUser) -> Exists:
    """Whether the post mentions reader (a direct post is addressed to those it mentions)."""
    return Exists(Mention.objects.filter(post=OuterRef("pk"), user=reader))


def visible_to(viewer: CustomUser, *, include_mutes: bool = True) -> QuerySet[Post]:
    """Return the posts viewer may see.

    That is: public and unlisted ones, their own, followers-only ones of accounts they follow
    (or of a thread whose audience they are), direct ones that mention them; never
    from (or reposting) accounts blocked either way, nor muted ones when asked, nor deactivated
    ones; and no comment whose thread's author blocked its author (but viewer's own).
    """
    hidden = Q(repost_of__author__is_active=False) | Q(_thread_blocked("repost_of__"))
    for ids in hidden_author_ids(viewer, include_mutes=include_mutes):
        hidden |= Q(author__in=ids) | Q(repost_of__author__in=ids)
    # One filter() and one exclude(): every call clones the whole query, so building it in
    # many small steps cost more than running it.
    followers_only = Q(audience=viewer) | Q(audience__in=followee_ids(viewer))
    return Post.objects.filter(
        Q(visibility__in=OPEN_VISIBILITIES)
        | Q(author=viewer)
        | (Q(visibility=Visibility.FOLLOWERS) & followers_only)
        | (Q(visibility=Visibility.DIRECT) & Q(_addressed_to(viewer))),
        author__is_active=True,
    ).exclude(hidden | (Q(_thread_blocked()) & ~Q(author=viewer)))


def visible_to_anyone() -> QuerySet[Post]:
    """Return the posts a visitor who is not logged in may see (MSG_PUBLIC_PAGES).

    That is: public and unlisted ones by active accounts, reposts only of such posts, and no
    comment whose thread's author blocked its author. Lists narrow it to public posts.
    """
    return Post.objects.filter(
        Q(repost_of__isnull=True)
        | Q(repost_of__visibility__in=OPEN_VISIBILITIES, repost_of__author__is_active=True),
        visibility__in=OPEN_VISIBILITIES,
        author__is_active=True,
    ).exclude(Q(_thread_blocked()) | Q(_thread_blocked("repost_of__")))


def _readable(viewer: CustomUser | None) -> QuerySet[Post]:
    """Return the posts viewer (None: a visitor) may open, mutes aside."""
    if viewer is None:
        return visible_to_anyone()
    return visible_to(viewer, include_mutes=False)


def users_who_can_see(post: Post, user_ids: Iterable[int] | QuerySet) -> QuerySet[CustomUser]:
    """Return the users among user_ids who may see post, in one query.

    The rule of visible_to(user, include_mutes=False), asked of one post for many readers.
    Only a post's immutable fields (author, audience, visibility, repost_of) are read from the
    instance; accounts, follows and blocks are read from the database.
    """
    reader = OuterRef("pk")
    this = Post.objects.filter(pk=post.pk)
    authors = Post.objects.filter(pk__in=[pk for pk in (post.pk, post.repost_of_id) if pk])
    shown = this.filter(author__is_active=True).exclude(
        Q(repost_of__author__is_active=False) | Q(_thread_blocked("repost_of__"))
    )
    blocked = Block.objects.filter(
        Q(blocker=reader, blocked__in=authors.values("author_id"))
        | Q(blocked=reader, blocker__in=authors.values("author_id"))
    )
    qs = CustomUser.objects.filter(pk__in=user_ids).filter(Exists(shown))
    if post.visibility == Visibility.FOLLOWERS:
        followers = Follow.objects.filter(follower=reader, followee=post.audience_id)
        qs = qs.filter(Q(pk=post.author_id) | Q(pk=post.audience_id) | Q(Exists(followers)))
    elif post.visibility == Visibility.DIRECT:
        addressed = Mention.objects.filter(post=post.pk, user=reader)
        qs = qs.filter(Q(pk=post.author_id) | Q(Exists(addressed)))
    thread_blocked = Exists(this.filter(_thread_blocked()))
    return qs.exclude(Q(Exists(blocked)) | (Q(thread_blocked) & ~Q(pk=post.author_id)))


def _marks(viewer: CustomUser | None) -> dict[str, Exists | Value]:
    """Return the reader's own marks on a card's post: none for a visitor (no query)."""
    if viewer is None:
        no = Value(False, output_field=BooleanField())
        return {"liked": no, "reposted": no, "bookmarked": no}
    return {
        "liked": Exists(Like.objects.filter(user=viewer, post=OuterRef("target_id"))),
        "reposted": Exists(Post.objects.filter(author=viewer, repost_of=OuterRef("target_id"))),
        "bookmarked": Exists(Bookmark.objects.filter(user=viewer, post=OuterRef("target_id"))),
    }


def _poll_options(viewer: CustomUser | None) -> list[Prefetch]:
    """Return the prefetches of a card's poll options (the post's own, a repost's original's),
    each with its votes and whether the reader chose it: one query each, only when a page has
    polls."""
    chosen = PollVote.choices.through.objects.filter(polloption=OuterRef("pk"))
    options = PollOption.objects.order_by("position").annotate(
        votes_count=subquery_count(chosen.filter(pollvote__user__is_active=True), "polloption"),
        chosen=(
            Exists(chosen.filter(pollvote__user=viewer))
            if viewer is not None
            else Value(False, output_field=BooleanField())
        ),
    )
    return [Prefetch(f"{prefix}poll__options", queryset=options) for prefix in ("", "repost_of__")]


def _poll_marks(viewer: CustomUser | None) -> dict[str, Exists | Value | Coalesce]:
    """Return how many accounts voted in a card's poll, and whether the reader did."""
    votes = PollVote.objects.filter(poll__post=OuterRef("target_id"))
    voted = (
        Exists(votes.filter(user=viewer))
        if viewer is not None
        else Value(False, output_field=BooleanField())
    )
    return {
        "poll_voters": subquery_count(votes.filter(user__is_active=True), "poll"),
        "poll_voted": voted,
    }


def muted_phrase(
    viewer: CustomUser | None,
    context: str | None,
    *,
    prefix: str = "",
    quote: bool = False,
) -> Case | Value:
    """Return the phrase of viewer's first muted word for context (a FilterContext) that the
    post (at prefix: "post__" from a notification) matches, or None; for a repost, the
    original's text. One subquery: the patterns are matched in SQL (iregex), never in Python.
    quote: match the post's quoted post instead (cards' quote_filtered: a card is folded by it
    only when its reader may see the quoted post, posts_tags.filtered_phrase).

    Viewer's own posts, and their reposts, are never filtered.
    """
    nothing = Value(None, output_field=CharField())
    if viewer is None or context is None:
        return nothing

    def shown(field: str) -> Coalesce:
        return Coalesce(
            OuterRef(f"{prefix}repost_of__{field}"),
            OuterRef(f"{prefix}{field}"),
            output_field=TextField(),
        )

    def quoted(field: str) -> Coalesce:
        return Coalesce(
            OuterRef(f"repost_of__quote_of__{field}"),
            OuterRef(f"quote_of__{field}"),
            Value(""),
            output_field=TextField(),
        )

    # The content warning and the body in one text (a newline between them is no word); or,
    # with quote, the quoted post's, which a card shows inside it.
    if quote:
        parts = [quoted("spoiler_text"), Value("\n"), quoted("body")]
    else:
        parts = [shown("spoiler_text"), Value("\n"), shown("body")]
    text = Concat(*parts, output_field=TextField())
    words = active_muted_words(viewer, context).filter(IRegex(text, F("pattern")))
    own = Q(**{f"{prefix}author": viewer}) | Q(**{f"{prefix}repost_of__author": viewer})
    return Case(
        When(own, then=nothing),
        default=Subquery(words.values("phrase")[:1]),
        output_field=CharField(),
    )


def _quote_images() -> list[Prefetch]:
    """Return the prefetches of the quoted posts' images (a card's own quote, a repost's)."""
    ordered = PostImage.objects.order_by("position", "id")
    return [
        Prefetch(f"{prefix}quote_of__images", queryset=ordered) for prefix in ("", "repost_of__")
    ]


def _quotes(viewer: CustomUser | None) -> dict[str, Exists]:
    """Return whether the reader may see the post a card quotes (else "Post unavailable"),
    and whether it is by an account they muted (then it stays folded behind a notice)."""
    marks = {"quote_visible": Exists(_readable(viewer).filter(pk=OuterRef("quote_target")))}
    if viewer is not None:
        muted = Mute.objects.filter(muter=viewer, muted__posts=OuterRef("quote_target"))
        marks["quote_muted"] = Exists(muted)
    return marks


def cards(
    qs: QuerySet[Post], viewer: CustomUser | None, *, filter_context: str | None = None
) -> QuerySet[Post]:
    """Add everything a post card shows. For a repost, counts and marks are the original's.

    viewer None is a visitor (MSG_PUBLIC_PAGES): the same counts, and no marks of their own.
    With filter_context (a social.models.FilterContext), `filtered` is the phrase of the
    reader's muted word the post matches there (None if none); a quoted post comes with its
    author, its images (one prefetch, only when a page has quotes) and `quote_visible`.
    """
    images = Prefetch("images", queryset=PostImage.objects.order_by("position", "id"))
    original_images = Prefetch(
        "repost_of__images", queryset=PostImage.objects.order_by("position", "id")
    )
    # One select_related, one prefetch_related and two annotate() calls: each call clones
    # the whole query, and a timeline builds this for every page.
    return (
        qs.select_related(
            "author",
            "repost_of__author",
            "in_reply_to__author",
            "repost_of__in_reply_to__author",
            "preview",
            "repost_of__preview",
            "poll",
            "repost_of__poll",
            "quote_of__author",
            "repost_of__quote_of__author",
        )
        .prefetch_related(images, original_images, *_poll_options(viewer), *_quote_images())
        .annotate(
            target_id=Coalesce(F("repost_of_id"), F("id")),
            quote_target=Coalesce(F("repost_of__quote_of_id"), F("quote_of_id")),
        )
        .annotate(
            filtered=muted_phrase(viewer, filter_context),
            quote_filtered=muted_phrase(viewer, filter_context, quote=True),
            **_quotes(viewer),
            # Deactivated accounts' comments, likes and reposts are not counted: they are gone
            # from every list, so the numbers agree with the lists. Direct replies are not
            # counted either (as Mastodon's replies_count): a private conversation under a
            # post must not show in its public count.
            comment_count=subquery_count(
                counted_replies(OuterRef("target_id")),
                "in_reply_to",
            ),
            like_count=subquery_count(
                Like.objects.filter(post=OuterRef("target_id"), user__is_active=True), "post"
            ),
            repost_count=subquery_count(
                Post.objects.filter(repost_of=OuterRef("target_id"), author__is_active=True),
                "repost_of",
            ),
            **_marks(viewer),
            **_poll_marks(viewer),
        )
    )


def counted_replies(post: Post | OuterRef) -> QuerySet[Post]:
    """Return the replies a card counts for post: by active accounts, and not direct ones under
    a post others read (private conversations, as in Mastodon); under a direct message they are
    its replies."""
    return Post.objects.filter(in_reply_to=post, author__is_active=True).exclude(
        Q(visibility=Visibility.DIRECT) & ~Q(in_reply_to__visibility=Visibility.DIRECT)
    )


def post_get_visible(viewer: CustomUser, pk: int) -> QuerySet[Post]:
    """Return the post with this id, as a card, if viewer may see it (the API's lookup)."""
    return cards(visible_to(viewer, include_mutes=False).filter(pk=pk), viewer)


def thread_post(viewer: CustomUser | None, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/, if viewer (None: a visitor) may see it."""
    qs = _readable(viewer).filter(pk=pk, author__username__iexact=username)
    return (
        cards(qs, viewer)
        .select_related("in_reply_to__author", "root")
        .annotate(quote_count=listed_quote_count(OuterRef("pk")))
    )


def _listed_quotes(post: Post | OuterRef) -> QuerySet[Post]:
    """Return the quotes of post a list may show: public ones by active accounts."""
    return Post.objects.filter(quote_of=post, visibility=Visibility.PUBLIC, author__is_active=True)


def quotes_of(viewer: CustomUser | None, post: Post) -> QuerySet[Post]:
    """Return the public quotes of post that viewer may see, as cards, newest first."""
    listed = _listed_quotes(post).values("pk")
    return cards(_readable(viewer).filter(pk__in=listed), viewer)


def quote_of_mine(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/ if it quotes a post of viewer's (who may detach it),
    whether or not viewer may see it."""
    qs = post_at(username=username, pk=pk).filter(quote_of__author=viewer)
    return qs.select_related("author", "quote_of__author")


def post_readable(viewer: CustomUser | None, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/ with its author, if viewer may open it (no card:
    the pages of its likes and reposts show only its address)."""
    qs = _readable(viewer).filter(pk=pk, author__username__iexact=username)
    return qs.select_related("author")


def post_at(*, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/ whoever may see it (to take back one's marks)."""
    return Post.objects.filter(pk=pk, author__username__iexact=username)


def thread_comment_of(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the comment at /@username/pk/ if it sits in viewer's thread (below a post of theirs),
    even when a block hides it from them: they may always delete it."""
    qs = post_at(username=username, pk=pk).filter(
        Q(in_reply_to__author=viewer) | Q(root__author=viewer)
    )
    return cards(qs, viewer).select_related("in_reply_to__author", "root")


def comments(viewer: CustomUser | None, post: Post) -> QuerySet[Post]:
    """Comments on post that viewer (None: a visitor) may see, oldest first."""
    qs = _readable(viewer).filter(in_reply_to=post)
    return cards(qs, viewer, filter_context="thread").order_by("id")


def likers(viewer: CustomUser, post: Post) -> QuerySet[Like]:
    """Likes of post with their users and whether viewer follows them (is_followed), newest
    first, without accounts blocked either way or deactivated."""
    qs = Like.objects.filter(post=post).select_related("user").order_by("-id")
    return with_follow_flag(people_shown_to(qs, viewer, person="user"), viewer, person="user")


def reposters(viewer: CustomUser, post: Post) -> QuerySet[Post]:
    """Reposts of post with their authors and whether viewer follows them (is_followed),
    newest first, without accounts blocked either way or deactivated."""
    qs = Post.objects.filter(repost_of=post).select_related("author").order_by("-id")
    return with_follow_flag(people_shown_to(qs, viewer, person="author"), viewer, person="author")


def search_post_ids(
    viewer: CustomUser,
    text: str,
    *,
    limit: int = 20,
    author_id: int | None = None,
    max_id: int | None = None,
    min_id: int | None = None,
) -> list[int]:
    """Return the ids of the posts search_posts finds, in its order; optionally only those by
    one author, or older than max_id / newer than min_id (the API's search parameters)."""
    # Unlisted posts are found only by their author; direct messages never.
    listed = visible_to(viewer).filter(repost_of__isnull=True).exclude(LISTED_NOWHERE)
    listed = listed.exclude(Q(visibility=Visibility.UNLISTED) & ~Q(author=viewer))
    if author_id is not None:
        listed = listed.filter(author_id=author_id)
    if max_id is not None:
        listed = listed.filter(pk__lt=max_id)
    if min_id is not None:
        listed = listed.filter(pk__gt=min_id)
    return matching_ids(listed, text, limit=limit)


def search_posts(viewer: CustomUser, text: str, *, limit: int = 20) -> QuerySet[Post]:
    """Return the posts matching text that viewer may see: those holding every word exactly
    first, then those matching by prefix and stem, newest first in each (posts.search)."""
    # Two steps: the ids first, over the visibility rules alone, then the cards of those ids.
    ids = search_post_ids(viewer, text, limit=limit)
    if not ids:
        return Post.objects.none()
    order = Case(*(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)))
    return cards(Post.objects.filter(pk__in=ids), viewer).order_by(order)


def search_tags(viewer: CustomUser, text: str, *, limit: int = 10) -> QuerySet[Tag]:
    """Hashtags starting with text that are on at least one post viewer may see."""
    seen = (
        visible_to(viewer, include_mutes=False)
        .filter(tags=OuterRef("pk"))
        .exclude(visibility__in=[Visibility.UNLISTED, Visibility.DIRECT])
    )
    return (
        Tag.objects.filter(name__startswith=normalize_tag(text))
        .filter(Exists(seen))
        .order_by("name")[:limit]
    )


def trending_tags(viewer: CustomUser | None, since: datetime, *, limit: int = 5) -> QuerySet[Tag]:
    """Return the tags of the most public posts since then, counted by distinct authors
    (then by posts), leaving out deactivated authors' posts and, for viewer (None: a
    visitor), those of accounts blocked either way (a tag only they use must look unknown,
    as in search_tags and tag_get); one query."""
    used = Q(
        posts__created_at__gte=since,
        posts__visibility=Visibility.PUBLIC,
        posts__author__is_active=True,
        posts__repost_of__isnull=True,
    )
    shown = used
    if viewer is not None:
        # In the counts' filters a negation applies to the same joined post (no subquery
        # per tag); the tags whose every use is hidden then count no author.
        for ids in hidden_author_ids(viewer, include_mutes=False):
            shown &= ~Q(posts__author__in=ids)
    return (
        Tag.objects.filter(used)
        .annotate(
            authors=Count("posts__author", distinct=True, filter=shown),
            uses=Count("posts", distinct=True, filter=shown),
        )
        .filter(authors__gt=0)
        .order_by("-authors", "-uses", "name")[:limit]
    )


def tag_get(name: str) -> Tag:
    """Return the tag stored under name (normalised), or an unsaved one: an unknown tag and a
    tag used only on posts the reader cannot see must look the same."""
    name = normalize_tag(name.replace("\x00", ""))  # no database stores NUL in text
    return Tag.objects.filter(name=name).first() or Tag(name=name)


# Edit history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionImage:
    """An image as a version of a post showed it."""

    url: str
    thumbnail_url: str
    alt_text: str
    width: int
    height: int


@dataclass(frozen=True)
class Version:
    """One version of a post: the current one, or one an edit replaced (posts.models.PostEdit)."""

    body: str
    spoiler_text: str
    sensitive: bool
    images: list[VersionImage]
    created_at: datetime
    current: bool


def _kept_images(entries: list[dict]) -> list[VersionImage]:
    storage = PostImage._meta.get_field("image").storage
    return [
        VersionImage(
            url=storage.url(entry["image"]),
            thumbnail_url=storage.url(entry.get("thumbnail") or entry["image"]),
            alt_text=entry.get("alt_text", ""),
            width=entry.get("width", 0),
            height=entry.get("height", 0),
        )
        for entry in entries
        if isinstance(entry, dict) and entry.get("image")
    ]


@dataclass(frozen=True)
class History:
    """One page of a post's versions, newest first, with the cursor of the older page."""

    versions: list[Version]
    next_max_id: int | None  # a PostEdit id: ?max_id= fetches the versions older than it
    count: int  # every version, the current one included


def post_history(
    viewer: CustomUser | None, post: Post, *, max_id: int | None = None, size: int | None = None
) -> History | None:
    """Return a page of post's versions, or None if viewer (None: a visitor) may not see post.

    The first page (no max_id) starts with the current version, then the earlier ones newest
    first, size in all (MSG_PAGE_SIZE; at least the current and one earlier); max_id pages
    on through the earlier ones (PostEdit ids), as core.pagination does. Three queries, or
    two after the first page, however many versions.
    """
    size = size or settings.MSG_PAGE_SIZE
    readable = _readable(viewer).filter(pk=post.pk)
    if max_id is None:
        images = PostImage.objects.order_by("position", "id")
        readable = readable.prefetch_related(Prefetch("images", queryset=images))
    edits = PostEdit.objects.filter(post=OuterRef("pk"))
    found = readable.annotate(edit_count=subquery_count(edits, "post")).first()
    if found is None:
        return None
    page = paginate(
        PostEdit.objects.filter(post=found),
        max_id=max_id,
        size=size if max_id is not None else max(size - 1, 1),
    )
    versions = [
        Version(
            body=edit.body,
            spoiler_text=edit.spoiler_text,
            sensitive=edit.sensitive,
            images=_kept_images(edit.images),
            created_at=edit.created_at,
            current=False,
        )
        for edit in page.items
    ]
    if max_id is None:
        current = Version(
            body=found.body,
            spoiler_text=found.spoiler_text,
            sensitive=found.sensitive,
            images=[
                VersionImage(
                    url=image.image.url,
                    thumbnail_url=image.thumbnail.url,
                    alt_text=image.alt_text,
                    width=image.width,
                    height=image.height,
                )
                for image in found.images.all()
            ],
            created_at=found.edited_at or found.created_at,
            current=True,
        )
        versions.insert(0, current)
    return History(versions=versions, next_max_id=page.next_max_id, count=found.edit_count + 1)


# Media drafts (posts.services.media) ----------------------------------------------------------


def media_drafts(owner: CustomUser, ids: Iterable[int] | None = None) -> QuerySet[PostImage]:
    """Return owner's images not attached to a post yet (optionally only these ids)."""
    drafts = PostImage.objects.filter(owner=owner, post__isnull=True)
    return drafts if ids is None else drafts.filter(pk__in=list(ids))


def media_describable(user: CustomUser) -> QuerySet[PostImage]:
    """Return the images whose alt text user may change: their drafts and their posts' images."""
    return PostImage.objects.filter(Q(post__isnull=True, owner=user) | Q(post__author=user))


def readable(viewer: CustomUser | None) -> QuerySet[Post]:
    """Return the posts viewer (None: a visitor) may open, mutes aside: the rule of a post's
    page (thread_post), for readers that name posts by id alone (the client API)."""
    return _readable(viewer)


def listed_quote_count(post: Post | OuterRef) -> Coalesce:
    """Return, as an annotation, how many quotes of post a list may show (the thread page's
    "Quoted by n", and the API's quotes_count)."""
    return subquery_count(_listed_quotes(post), "quote_of")
