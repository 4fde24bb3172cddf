"""Mastodon's entities as pydantic schemas: what every route returns, and what
/api/openapi.json documents. Ids are strings and times ISO 8601 strings, as in Mastodon;
fields msg has no such thing for are null or empty, never missing.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class Error(Schema):
    error: str = Field(description="What went wrong, in words")


class Empty(Schema):
    """An empty JSON object ({}): what Mastodon answers where there is nothing to say."""


class Emoji(Schema):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool


class AccountField(Schema):
    name: str
    value: str
    verified_at: str | None = None


class AccountSource(Schema):
    note: str
    fields: list[AccountField] = []
    privacy: str = "public"
    sensitive: bool = False
    language: str = ""
    follow_requests_count: int = 0
    hide_collections: bool = False
    discoverable: bool = True
    indexable: bool = False
    quote_policy: str = "public"


class Role(Schema):
    id: str
    name: str
    color: str
    permissions: str
    highlighted: bool


class Account(Schema):
    id: str
    username: str
    acct: str
    display_name: str
    locked: bool = False
    bot: bool = False
    discoverable: bool | None = True
    indexable: bool = False
    group: bool = False
    created_at: str
    note: str
    url: str
    uri: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None = None
    hide_collections: bool | None = False
    noindex: bool | None = True
    emojis: list[Emoji] = []
    roles: list[Role] = []
    fields: list[AccountField] = []
    moved: Account | None = None
    suspended: bool | None = None
    limited: bool | None = None
    memorial: bool | None = None


class CredentialAccount(Account):
    source: AccountSource
    role: Role | None = None


class MediaMetaSize(Schema):
    width: int
    height: int
    size: str
    aspect: float


class MediaMeta(Schema):
    original: MediaMetaSize | None = None
    small: MediaMetaSize | None = None
    focus: dict[str, float] | None = None


class MediaAttachment(Schema):
    id: str
    type: str = Field(description="image (msg stores images only)")
    url: str | None
    preview_url: str | None
    remote_url: str | None = None
    preview_remote_url: str | None = None
    text_url: str | None = None
    meta: MediaMeta
    description: str | None
    blurhash: str | None = None


class StatusMention(Schema):
    id: str
    username: str
    url: str
    acct: str


class StatusTag(Schema):
    name: str
    url: str


class PollOption(Schema):
    title: str
    votes_count: int | None


class Poll(Schema):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[Emoji] = []
    voted: bool | None = None
    own_votes: list[int] | None = None


class PreviewCardAuthor(Schema):
    name: str
    url: str
    account: Account | None = None


class PreviewCard(Schema):
    url: str
    title: str
    description: str
    type: str = "link"
    authors: list[PreviewCardAuthor] = []
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    image: str | None = None
    image_description: str = ""
    embed_url: str = ""
    blurhash: str | None = None
    published_at: str | None = None
    language: str | None = None


class Application(Schema):
    name: str
    website: str | None = None


class FilterKeyword(Schema):
    id: str
    keyword: str
    whole_word: bool


class FilterStatus(Schema):
    id: str
    status_id: str


class Filter(Schema):
    id: str
    title: str
    context: list[str]
    expires_at: str | None
    filter_action: str
    keywords: list[FilterKeyword] = []
    statuses: list[FilterStatus] = []


class FilterResult(Schema):
    filter: Filter
    keyword_matches: list[str] | None = None
    status_matches: list[str] | None = None


class QuoteApproval(Schema):
    automatic: list[str]
    manual: list[str]
    current_user: str


class Quote(Schema):
    state: str = Field(description="accepted, or unauthorized/deleted when it cannot be shown")
    quoted_status: Status | None = None


class Status(Schema):
    id: str
    uri: str
    url: str | None
    created_at: str
    account: Account
    content: str
    visibility: str
    sensitive: bool
    spoiler_text: str
    media_attachments: list[MediaAttachment]
    application: Application | None = None
    mentions: list[StatusMention]
    tags: list[StatusTag]
    emojis: list[Emoji] = []
    reblogs_count: int
    favourites_count: int
    replies_count: int
    quotes_count: int = 0
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: Status | None
    poll: Poll | None
    card: PreviewCard | None
    language: str | None
    text: str | None = None
    edited_at: str | None
    favourited: bool | None = None
    reblogged: bool | None = None
    muted: bool | None = None
    bookmarked: bool | None = None
    pinned: bool | None = None
    filtered: list[FilterResult] | None = None
    quote: Quote | None = None
    quote_approval: QuoteApproval | None = None


class Relationship(Schema):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None = None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""


class Tag(Schema):
    id: str | None = None
    name: str
    url: str
    history: list[dict[str, str]] = []
    following: bool | None = None
    featuring: bool | None = None


def rebuild() -> None:
    """Resolve the forward references between entities (Status in Quote, Account in moved)."""
    namespace: dict[str, Any] = globals()
    for model in (Account, CredentialAccount, Quote, Status, PreviewCardAuthor, PreviewCard):
        model.model_rebuild(_types_namespace=namespace)


rebuild()
