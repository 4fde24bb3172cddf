"""Build Mastodon's entities (api.schemas) from the rows the selectors return.

One `Entities` per request: it knows the server's absolute address and the reader, and loads
what a page of entities needs in a fixed number of queries (the account counts of every
author on the page in one, the quoted posts in one more), however many items there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from api import selectors
from posts.models import OPEN_VISIBILITIES, Post, PostImage, Visibility
from posts.services.media import THUMBNAIL_LONGEST_SIDE
from posts.text import render_body
from social.selectors import followee_ids, muted_words
from users.models import CustomUser, QuotePolicy

VISIBILITY_OUT: dict[str, str] = {
    Visibility.PUBLIC: "public",
    Visibility.UNLISTED: "unlisted",
    Visibility.FOLLOWERS: "private",
    Visibility.DIRECT: "direct",
}
VISIBILITY_IN: dict[str, str] = {
    "public": Visibility.PUBLIC,
    "unlisted": Visibility.UNLISTED,
    "private": Visibility.FOLLOWERS,
    "direct": Visibility.DIRECT,
}
FILTER_CONTEXTS_OUT = {
    "in_home": "home",
    "in_notifications": "notifications",
    "in_public": "public",
    "in_thread": "thread",
}
# Who may quote one's posts (users.models.QuotePolicy), as Mastodon's source[quote_policy].
QUOTE_POLICY_OUT = {"everyone": "public", "followers": "followers", "nobody": "nobody"}
QUOTE_POLICY_IN = {out: policy for policy, out in QUOTE_POLICY_OUT.items()}

_RELATIVE_HREF = re.compile(r'href="/(?!/)')


def iso(moment: datetime | None) -> str | None:
    """Return moment as Mastodon writes times: UTC, milliseconds, a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day(moment: datetime) -> str:
    """Return the midnight (UTC) of moment's day, as Mastodon dates an account's creation."""
    start = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return iso(start) or ""


class Entities:
    """Turn rows into entity dicts for one request (see the module's docstring)."""

    def __init__(self, request: HttpRequest, viewer: CustomUser | None) -> None:
        self.request = request
        self.viewer = viewer
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._stats: dict[int, selectors.AccountStats] = {}
        self._filters: dict[str, Any] | None = None
        self._followed: set[int] = set()
        self._followed_known: set[int] = set()

    # Addresses -----------------------------------------------------------------------------

    def absolute(self, path: str) -> str:
        """Return path as an absolute URL on this server."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base}{path}"

    def html(self, text: str) -> str:
        """Return text as the HTML the web shows, with absolute links, in one paragraph."""
        if not text:
            return ""
        body = _RELATIVE_HREF.sub(f'href="{self.base}/', str(render_body(text)))
        return f"<p>{body}</p>"

    # Accounts ------------------------------------------------------------------------------

    def load_accounts(self, users: Iterable[CustomUser | None]) -> None:
        """Load the counts of every account given that are not loaded yet (one query)."""
        missing = {u.pk for u in users if u is not None and u.pk not in self._stats}
        if missing:
            self._stats.update(selectors.account_stats(missing))

    def avatar(self, user: CustomUser) -> str:
        if user.avatar:
            return self.absolute(user.avatar.url)
        return self.absolute(static("img/avatar.png"))

    def account(self, user: CustomUser) -> dict[str, Any]:
        """Return the Account entity of user (load_accounts first for a list)."""
        if user.pk not in self._stats:
            self.load_accounts([user])
        stats = self._stats.get(user.pk, selectors.NO_STATS)
        url = self.absolute(user.get_absolute_url())
        avatar = self.avatar(user)
        header = self.absolute(static("img/header.png"))
        return {
            "id": str(user.pk),
            "username": user.username,
            "acct": user.username,
            "display_name": user.display_name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": False,
            "group": False,
            "created_at": day(user.date_joined),
            "note": self.html(user.bio),
            "url": url,
            "uri": url,
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": stats.followers_count,
            "following_count": stats.following_count,
            "statuses_count": stats.statuses_count,
            "last_status_at": (
                stats.last_status_at.astimezone(UTC).date().isoformat()
                if stats.last_status_at
                else None
            ),
            "hide_collections": False,
            "noindex": not settings.MSG_PUBLIC_PAGES,
            "emojis": [],
            "roles": [],
            "fields": [],
            "avatar_description": "",
            "header_description": "",
            "show_media": True,
            "show_media_replies": True,
            "show_featured": False,
            "feature_approval": {"automatic": [], "manual": [], "current_user": "denied"},
        }

    def accounts(self, users: Sequence[CustomUser]) -> list[dict[str, Any]]:
        """Return the Account entities of users, in order (two queries at most)."""
        self.load_accounts(users)
        return [self.account(u) for u in users]

    def credential_account(self, user: CustomUser) -> dict[str, Any]:
        """Return user's own Account with `source` (verify_credentials, update_credentials)."""
        entity = self.account(user)
        entity["source"] = {
            "note": user.bio,
            "fields": [],
            "privacy": "public",
            "sensitive": False,
            "language": user.language or "",
            "follow_requests_count": 0,
            "hide_collections": False,
            "discoverable": True,
            "indexable": False,
            "quote_policy": QUOTE_POLICY_OUT.get(user.quote_policy, "public"),
            "attribution_domains": [],
        }
        entity["role"] = None
        return entity

    # Statuses ------------------------------------------------------------------------------

    def media(self, image: PostImage) -> dict[str, Any]:
        """Return the MediaAttachment entity of an image (attached or a draft)."""
        width, height = image.width or 0, image.height or 0
        original = (
            {
                "width": width,
                "height": height,
                "size": f"{width}x{height}",
                "aspect": round(width / height, 4) if height else 1.0,
            }
            if width and height
            else None
        )
        small = None
        if width and height:
            # The thumbnail: the image scaled to fit THUMBNAIL_LONGEST_SIDE (posts media).
            scale = min(1.0, THUMBNAIL_LONGEST_SIDE / max(width, height))
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            small = {"width": w, "height": h, "size": f"{w}x{h}", "aspect": round(w / h, 4)}
        return {
            "id": str(image.pk),
            "type": "image",
            "url": self.absolute(image.image.url) if image.image else None,
            "preview_url": self.absolute(image.thumbnail.url) if image.thumbnail else None,
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {"original": original, "small": small, "focus": {"x": 0.0, "y": 0.0}},
            "description": image.alt_text or None,
            "blurhash": None,
        }

    def _poll(self, post: Post, row: Post) -> dict[str, Any] | None:
        poll = getattr(post, "poll", None) if _has_poll(post) else None
        if poll is None:
            return None
        options = list(poll.options.all())
        own = [n for n, option in enumerate(options) if getattr(option, "chosen", False)]
        voted = bool(getattr(row, "poll_voted", False)) if self.viewer is not None else None
        return {
            "id": str(poll.pk),
            "expires_at": iso(poll.expires_at),
            "expired": poll.expired,
            "multiple": poll.multiple,
            "votes_count": sum(getattr(o, "votes_count", 0) for o in options),
            "voters_count": getattr(row, "poll_voters", 0),
            "options": [
                {"title": o.title, "votes_count": getattr(o, "votes_count", 0)} for o in options
            ],
            "emojis": [],
            "voted": voted,
            "own_votes": own if self.viewer is not None else None,
        }

    def _card(self, post: Post) -> dict[str, Any] | None:
        preview = post.preview if post.preview_id else None
        if preview is None or preview.status != "ok":
            return None
        return {
            "url": preview.url,
            "title": preview.title,
            "description": preview.description,
            "type": "link",
            "authors": [],
            "author_name": "",
            "author_url": "",
            "provider_name": preview.site_name,
            "provider_url": "",
            "html": "",
            "width": preview.width,
            "height": preview.height,
            "image": self.absolute(preview.image.url) if preview.image else None,
            "image_description": "",
            "embed_url": "",
            "blurhash": None,
            "published_at": None,
            "language": None,
        }

    def card(self, post: Post) -> dict[str, Any] | None:
        """Return the PreviewCard entity of post's link preview (None if it has none)."""
        return self._card(post.repost_of if post.repost_of_id else post)  # type: ignore[arg-type]

    def poll(self, row: Post) -> dict[str, Any] | None:
        """Return the Poll entity of a post's card (posts.selectors.cards, or a status row)
        that is not a reblog, or None."""
        return self._poll(row, row)

    def _filter_results(self, phrase: str | None) -> list[dict[str, Any]]:
        if not phrase or self.viewer is None:
            return []
        if self._filters is None:
            self._filters = {w.phrase: w for w in muted_words(self.viewer)}
        word = self._filters.get(phrase)
        if word is None:
            return []
        return [
            {
                "filter": self.filter(word),
                "keyword_matches": [phrase],
                "status_matches": None,
            }
        ]

    def filter(self, word: Any) -> dict[str, Any]:
        """Return the Filter entity (v2) of a muted word: one keyword, whole word, "warn"."""
        return {
            "id": str(word.pk),
            "title": word.phrase,
            "context": [out for field, out in FILTER_CONTEXTS_OUT.items() if getattr(word, field)],
            "expires_at": iso(word.expires_at),
            "filter_action": "warn",
            "keywords": [{"id": str(word.pk), "keyword": word.phrase, "whole_word": True}],
            "statuses": [],
        }

    def _quoted(self, rows: Sequence[Post]) -> dict[int, Post]:
        """Load, as cards, the posts quoted on the page that the reader may see (one query
        and its prefetches, none when the page quotes nothing)."""
        ids = {
            q
            for row in rows
            if (q := getattr(row, "quote_target", None)) and getattr(row, "quote_visible", False)
        }
        if not ids:
            return {}
        # quote_visible has applied the reader's visibility rule already.
        found = selectors.status_rows(Post.objects.filter(pk__in=ids), self.viewer)
        return {p.pk: p for p in found}

    def statuses(self, rows: Sequence[Post], *, with_text: bool = False) -> list[dict[str, Any]]:
        """Return the Status entities of rows (from api.selectors.status_rows), in order."""
        rows = list(rows)
        quoted = self._quoted(rows)
        people: list[CustomUser | None] = []
        for row in [*rows, *quoted.values()]:
            people.append(row.author)
            if row.repost_of_id:
                people.append(row.repost_of.author)  # type: ignore[union-attr]
        self.load_accounts(people)
        self._load_followed(rows, quoted.values())
        return [self._status(row, quoted, with_text=with_text) for row in rows]

    def _load_followed(self, *groups: Iterable[Post]) -> None:
        """Load which authors of the page who let only followers quote them the reader
        follows (one query, only when the page has such a post)."""
        if self.viewer is None:
            return
        authors = {
            post.author_id
            for group in groups
            for row in group
            for post in (row, row.repost_of)
            if post is not None and post.author.quote_policy == QuotePolicy.FOLLOWERS
        } - self._followed_known
        if authors:
            found = followee_ids(self.viewer).filter(followee__in=authors)
            self._followed |= {f["followee_id"] for f in found}
            self._followed_known |= authors

    def _quote_approval(self, post: Post) -> dict[str, Any]:
        """Return who may quote post, and whether the reader may (quotes.quote_refusal's rule
        on what the page has loaded: the post is visible to the reader already)."""
        policy = post.author.quote_policy
        open_post = post.visibility in OPEN_VISIBILITIES
        automatic: list[str] = {
            QuotePolicy.EVERYONE.value: ["public"],
            QuotePolicy.FOLLOWERS.value: ["followers"],
        }.get(policy, [])
        if self.viewer is None:
            current = "unknown"
        elif not open_post:
            current = "denied"
        else:
            allowed = (
                post.author_id == self.viewer.pk
                or policy == QuotePolicy.EVERYONE
                or (policy == QuotePolicy.FOLLOWERS and post.author_id in self._followed)
            )
            current = "automatic" if allowed else "denied"
        return {"automatic": automatic if open_post else [], "manual": [], "current_user": current}

    def status(self, row: Post, *, with_text: bool = False) -> dict[str, Any]:
        """Return the Status entity of one row (from api.selectors.status_rows)."""
        return self.statuses([row], with_text=with_text)[0]

    def _status(
        self, row: Post, quoted: dict[int, Post], *, with_text: bool = False, nested: bool = False
    ) -> dict[str, Any]:
        if row.repost_of_id:
            original = row.repost_of
            assert original is not None
            inner = self._body(original, row, quoted, with_text=with_text, nested=nested)
            wrapper = self._frame(row)
            wrapper.update(
                {
                    "content": "",
                    "visibility": VISIBILITY_OUT.get(row.visibility, "public"),
                    "reblog": inner,
                    "reblogged": inner["reblogged"],
                    "favourited": inner["favourited"],
                    "bookmarked": inner["bookmarked"],
                    "filtered": inner["filtered"],
                }
            )
            return wrapper
        return self._body(row, row, quoted, with_text=with_text, nested=nested)

    def _frame(self, post: Post) -> dict[str, Any]:
        """Return a reblog's wrapper Status: its own id, author and time, nothing else."""
        url = self.absolute(post.get_absolute_url())
        me = self.viewer is not None
        return {
            "id": str(post.pk),
            "uri": url,
            "url": url,
            "created_at": iso(post.created_at),
            "account": self.account(post.author),
            "content": "",
            "visibility": VISIBILITY_OUT.get(post.visibility, "public"),
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [],
            "application": None,
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "quotes_count": 0,
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "reblog": None,
            "poll": None,
            "card": None,
            "language": None,
            "text": None,
            "edited_at": None,
            "favourited": False if me else None,
            "reblogged": False if me else None,
            "muted": False if me else None,
            "bookmarked": False if me else None,
            "pinned": None,
            "filtered": [],
            "quote": None,
            "quote_approval": None,
            "tagged_collections": [],
        }

    def _body(
        self,
        post: Post,
        row: Post,
        quoted: dict[int, Post],
        *,
        with_text: bool,
        nested: bool,
    ) -> dict[str, Any]:
        """Return the Status of post, a status of its own; row carries the counts and marks
        (the card row: post itself, or the reblog wrapping it)."""
        me = self.viewer is not None
        entity = self._frame(post)
        reply_to = post.in_reply_to if post.in_reply_to_id else None
        entity.update(
            {
                "content": self.html(post.body),
                "sensitive": post.sensitive or bool(post.spoiler_text),
                "spoiler_text": post.spoiler_text,
                "media_attachments": [self.media(i) for i in post.images.all()],
                "mentions": [
                    {
                        "id": str(u.pk),
                        "username": u.username,
                        "url": self.absolute(f"/@{u.username}/"),
                        "acct": u.username,
                    }
                    for u in post.mentions.all()
                ],
                "tags": [
                    {"name": t.name, "url": self.absolute(t.get_absolute_url())}
                    for t in post.tags.all()
                ],
                "reblogs_count": getattr(row, "repost_count", 0),
                "favourites_count": getattr(row, "like_count", 0),
                "replies_count": getattr(row, "comment_count", 0),
                "quotes_count": getattr(row, "quote_count", 0) or 0,
                "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
                "in_reply_to_account_id": str(reply_to.author_id) if reply_to else None,
                "poll": self._poll(post, row),
                "card": self._card(post),
                "language": None,
                "text": post.body if with_text else None,
                "edited_at": iso(post.edited_at),
                "favourited": bool(getattr(row, "liked", False)) if me else None,
                "reblogged": bool(getattr(row, "reposted", False)) if me else None,
                "bookmarked": bool(getattr(row, "bookmarked", False)) if me else None,
                # Only of the reader's own posts, as Mastodon (others' pins offer no Unpin).
                "pinned": (
                    post.pinned_at is not None
                    if self.viewer is not None
                    and post.author_id == self.viewer.pk
                    and post.root_id is None
                    else None
                ),
                "filtered": self._filter_results(getattr(row, "filtered", None)),
                "quote_approval": self._quote_approval(post),
            }
        )
        if post.is_quote:
            entity["quote"] = self._quote(post, row, quoted, nested=nested)
        return entity

    def _quote(
        self, post: Post, row: Post, quoted: dict[int, Post], *, nested: bool
    ) -> dict[str, Any]:
        """Return the Quote of post (row: its card row, with quote_visible, quote_muted and
        quote_filtered): the quoted status one level deep, as the web's card shows it."""
        if post.quote_of_id is None:
            return {"state": "deleted", "quoted_status": None}
        if not getattr(row, "quote_visible", False):
            return {"state": "unauthorized", "quoted_status": None}
        # A muted author's quoted post stays folded, as on the web ("muted_account").
        state = "muted_account" if getattr(row, "quote_muted", False) else "accepted"
        inner = quoted.get(getattr(row, "quote_target", None) or 0)
        if nested or inner is None:
            return {"state": state, "quoted_status": None}
        status = self._status(inner, {}, nested=True)
        phrase = getattr(row, "quote_filtered", None)
        if phrase:
            # A muted word in the quoted post folds it where the reader filters it.
            status["filtered"] = self._filter_results(phrase)
        return {"state": state, "quoted_status": status}


def _has_poll(post: Post) -> bool:
    try:
        post.poll  # noqa: B018
    except Post.poll.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False
    return True


def status_url(post: Post) -> str:
    """Return the path of a post's page."""
    return reverse("post_detail", kwargs={"username": post.author.username, "pk": post.pk})
