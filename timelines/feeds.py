"""RSS 2.0 feeds for visitors (MSG_PUBLIC_PAGES): a member's public posts and a tag's.

Built on Django's syndication framework (django.contrib.syndication), which writes valid RSS
2.0 and needs no app of its own. Every link in a feed, the post links inside descriptions too,
is absolute on SITE_URL, the public address, as in the emails msg sends. Only public posts are
listed (timelines.selectors.public_posts): never unlisted, followers-only or direct ones.
"""

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from posts.models import Post, Tag
from posts.selectors import tag_get
from posts.text import render_body
from timelines import selectors
from users.models import CustomUser
from users.selectors import user_get_active

ITEMS = 20

# What XML 1.0 cannot carry (controls but tab and newlines, surrogates, U+FFFE and U+FFFF):
# text keeps them (only NUL is refused), so one post would make the feed writer raise.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    return NOT_XML.sub("", value) if isinstance(value, str) else value


class XmlSafeRssFeed(Rss201rev2Feed):
    """Django's RSS 2.0 writer, dropping the characters XML cannot hold from every text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _require_public_pages() -> None:
    """Answer 404 unless the operator opened the public pages."""
    if not settings.MSG_PUBLIC_PAGES:
        raise Http404("Feeds are off.")


class PostFeed(Feed):
    """What a post looks like in every msg feed."""

    feed_type = XmlSafeRssFeed

    def item_title(self, item: Post) -> str:
        if item.spoiler_text:
            return _("CW: %(warning)s") % {"warning": item.spoiler_text}
        return Truncator(" ".join(item.body.split())).chars(80) or _("Post by @%(name)s") % {
            "name": item.author
        }

    def item_description(self, item: Post) -> str:
        # The body as the post page shows it (escaped, then sanitised by nh3), with its
        # relative links (mentions, tags) made absolute for feed readers.
        body = str(render_body(item.body)).replace('href="/', f'href="{settings.SITE_URL}/')
        if item.spoiler_text:
            warning = _("Content warning: %(warning)s") % {"warning": escape(item.spoiler_text)}
            body = f"<p><strong>{warning}</strong></p>{body}"
        return body

    def item_link(self, item: Post) -> str:
        return _absolute(item.get_absolute_url())

    def item_guid(self, item: Post) -> str:
        return _absolute(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_pubdate(self, item: Post) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Post) -> datetime | None:
        return item.edited_at

    def item_author_name(self, item: Post) -> str:
        return item.author.name


class AuthorFeed(PostFeed):
    """The newest public top-level posts of a member, at /@username.rss."""

    def get_object(self, request: HttpRequest, username: str) -> CustomUser:  # type: ignore[override]
        _require_public_pages()
        return get_object_or_404(user_get_active(username))

    def title(self, obj: CustomUser) -> str:
        return _("%(name)s (@%(username)s) on msg") % {"name": obj.name, "username": obj.username}

    def link(self, obj: CustomUser) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: CustomUser) -> str:
        return _absolute(reverse("profile_feed", kwargs={"username": obj.username}))

    def description(self, obj: CustomUser) -> str:
        return _("Public posts by @%(name)s, newest first.") % {"name": obj.username}

    def items(self, obj: CustomUser) -> list[Post]:
        return list(selectors.feed_author(obj)[:ITEMS])


class TagFeed(PostFeed):
    """The newest public posts carrying a tag, at /tags/name.rss."""

    def get_object(self, request: HttpRequest, name: str) -> Tag:  # type: ignore[override]
        _require_public_pages()
        tag = tag_get(name)
        # A tag seen only on posts a visitor may not read is as unknown as one never used.
        if tag.pk is None or not selectors.feed_tag(tag).exists():
            raise Http404("No such tag.")
        return tag

    def title(self, obj: Tag) -> str:
        return _("#%(tag)s on msg") % {"tag": obj.name}

    def link(self, obj: Tag) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: Tag) -> str:
        return _absolute(reverse("tag_feed", kwargs={"name": obj.name}))

    def description(self, obj: Tag) -> str:
        return _("Public posts with #%(tag)s, newest first.") % {"tag": obj.name}

    def items(self, obj: Tag) -> list[Post]:
        return list(selectors.feed_tag(obj)[:ITEMS])


# The setting is read on each request (get_object answers 404 when it is off), so the feeds
# skip LoginRequiredMiddleware whatever it was at start-up.
author_feed = login_not_required(AuthorFeed())
tag_feed = login_not_required(TagFeed())
