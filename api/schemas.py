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
    attribution_domains: list[str] = []


class FeatureApproval(Schema):
    automatic: list[str]
    manual: list[str]
    current_user: str


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
    avatar_description: str = ""
    header_description: str = ""
    show_media: bool = True
    show_media_replies: bool = True
    show_featured: bool = False
    feature_approval: FeatureApproval | None = None


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
    tagged_collections: list[dict[str, Any]] = []


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


# Timelines, notifications, lists, conversations, markers, filters (api.resources) ------------


class Notification(Schema):
    id: str
    type: str = Field(description="mention, reblog, follow, favourite, poll or quote")
    created_at: str
    group_key: str
    account: Account
    status: Status | None = None


class NotificationGroup(Schema):
    """A group of notifications (Mastodon 4.3's v2): msg puts each in a group of its own."""

    group_key: str
    notifications_count: int
    type: str
    most_recent_notification_id: int
    page_min_id: str
    page_max_id: str
    latest_page_notification_at: str
    sample_account_ids: list[str]
    status_id: str | None = None


class GroupedNotifications(Schema):
    accounts: list[Account]
    partial_accounts: list[Account] | None = None
    statuses: list[Status]
    notification_groups: list[NotificationGroup]


class NotificationPolicySummary(Schema):
    pending_requests_count: int = 0
    pending_notifications_count: int = 0


class NotificationPolicy(Schema):
    """Mastodon 4.3's notification filtering policy: msg filters nothing (every one accept)."""

    for_not_following: str = "accept"
    for_not_followers: str = "accept"
    for_new_accounts: str = "accept"
    for_private_mentions: str = "accept"
    for_limited_accounts: str = "accept"
    summary: NotificationPolicySummary


class NotificationPolicyV1(Schema):
    filter_not_following: bool = False
    filter_not_followers: bool = False
    filter_new_accounts: bool = False
    filter_private_mentions: bool = False
    summary: NotificationPolicySummary


class UnreadCount(Schema):
    count: int


class List(Schema):
    id: str
    title: str
    replies_policy: str = Field(description="none: a list's timeline shows no replies in msg")
    exclusive: bool = False


class Conversation(Schema):
    id: str
    unread: bool
    accounts: list[Account]
    last_status: Status | None = None


class Marker(Schema):
    last_read_id: str
    version: int
    updated_at: str


class FilterV1(Schema):
    """A v1 keyword filter (one phrase): what Mastodon serves at /api/v1/filters."""

    id: str
    phrase: str
    context: list[str]
    whole_word: bool
    expires_at: str | None = None
    irreversible: bool = False


# Statuses, polls and media (api.resources.statuses, polls, media) ---------------------------


class Context(Schema):
    ancestors: list[Status] = Field(description="The posts above, the thread's first one first")
    descendants: list[Status] = Field(description="The replies below, depth first")


class StatusEditPollOption(Schema):
    title: str


class StatusEditPoll(Schema):
    options: list[StatusEditPollOption]


class StatusEdit(Schema):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: StatusEditPoll | None = None
    media_attachments: list[MediaAttachment]
    emojis: list[Emoji] = []


class StatusSource(Schema):
    id: str
    text: str
    spoiler_text: str


class Token(Schema):
    """An OAuth access token, as POST /api/v1/accounts (sign-up) answers."""

    access_token: str
    token_type: str = "Bearer"
    scope: str
    created_at: int


class FamiliarFollowers(Schema):
    id: str = Field(description="The account asked about")
    accounts: list[Account] = Field(description="Accounts you follow that follow it")


class Suggestion(Schema):
    source: str = Field(description="Deprecated in Mastodon: always global")
    sources: list[str]
    account: Account


class ValidationDetail(Schema):
    error: str = Field(description="ERR_BLANK, ERR_TAKEN, ERR_INVALID, ERR_ACCEPTED, ...")
    description: str


class RegistrationError(Schema):
    """A refused sign-up: the summary, and what is wrong with each field."""

    error: str
    details: dict[str, list[ValidationDetail]]


# Instance, search and discovery (api.resources.instance, search, discovery) -------------------


class Rule(Schema):
    id: str
    text: str
    hint: str = ""
    translations: dict[str, dict[str, str]] = {}


class InstanceUrls(Schema):
    streaming_api: str = Field(description="Empty: msg has no streaming server (yet)")


class InstanceStats(Schema):
    user_count: int
    status_count: int
    domain_count: int


class InstanceAccounts(Schema):
    max_featured_tags: int
    max_pinned_statuses: int
    max_display_name_length: int
    max_note_length: int
    max_avatar_description_length: int
    max_header_description_length: int
    max_profile_fields: int
    profile_field_name_limit: int
    profile_field_value_limit: int


class InstanceStatuses(Schema):
    max_characters: int
    max_media_attachments: int
    characters_reserved_per_url: int


class InstanceMedia(Schema):
    supported_mime_types: list[str]
    description_limit: int
    image_size_limit: int
    image_matrix_limit: int
    video_size_limit: int
    video_frame_rate_limit: int
    video_matrix_limit: int


class InstancePolls(Schema):
    max_options: int
    max_characters_per_option: int
    min_expiration: int
    max_expiration: int


class InstanceConfiguration(Schema):
    accounts: InstanceAccounts
    statuses: InstanceStatuses
    media_attachments: InstanceMedia
    polls: InstancePolls


class InstanceV1(Schema):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str = Field(description="4.7.0 (compatible; msg <msg's version>)")
    urls: InstanceUrls
    stats: InstanceStats
    thumbnail: str | None
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: InstanceConfiguration
    contact_account: Account | None
    rules: list[Rule]


class InstanceUrlsV2(Schema):
    streaming: str = Field(description="Empty: msg has no streaming server (yet)")
    status: str | None = None
    about: str | None = None
    privacy_policy: str | None = None
    terms_of_service: str | None = None


class VapidKey(Schema):
    public_key: str


class TranslationConfiguration(Schema):
    enabled: bool


class FeedAccess(Schema):
    local: str = Field(description="public (MSG_PUBLIC_PAGES on) or authenticated")
    remote: str = Field(description="disabled: msg has no remote posts")


class TimelinesAccess(Schema):
    live_feeds: FeedAccess
    hashtag_feeds: FeedAccess
    trending_link_feeds: FeedAccess


class InstanceConfigurationV2(InstanceConfiguration):
    urls: InstanceUrlsV2
    vapid: VapidKey
    translation: TranslationConfiguration
    timelines_access: TimelinesAccess
    limited_federation: bool


class InstanceUsageUsers(Schema):
    active_month: int


class InstanceUsage(Schema):
    users: InstanceUsageUsers


class InstanceThumbnail(Schema):
    url: str
    description: str = ""
    blurhash: str | None = None
    versions: dict[str, str] = {}


class InstanceIcon(Schema):
    src: str
    size: str


class InstanceRegistrations(Schema):
    enabled: bool
    approval_required: bool
    reason_required: bool
    message: str | None
    min_age: int | None
    url: str | None


class InstanceContact(Schema):
    email: str
    account: Account | None


class InstanceV2(Schema):
    domain: str
    title: str
    version: str = Field(description="4.7.0 (compatible; msg <msg's version>)")
    source_url: str
    description: str
    usage: InstanceUsage
    thumbnail: InstanceThumbnail
    icon: list[InstanceIcon]
    languages: list[str]
    configuration: InstanceConfigurationV2
    registrations: InstanceRegistrations
    api_versions: dict[str, int]
    contact: InstanceContact
    rules: list[Rule]


class SupportedLocale(Schema):
    code: str
    name: str


class InstanceActivity(Schema):
    week: str = Field(description="The week's first moment (Monday 00:00 UTC), Unix seconds")
    statuses: str
    logins: str
    registrations: str


class ExtendedDescription(Schema):
    updated_at: str
    content: str = Field(description="HTML")


class DomainBlock(Schema):
    domain: str
    digest: str
    severity: str
    comment: str | None = None


class Search(Schema):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[Tag]
    collections: list[dict[str, Any]] = Field([], description="Always empty: msg has none")


class FeaturedTag(Schema):
    id: str
    name: str
    url: str
    statuses_count: str
    last_status_at: str | None = None


class TrendsLink(PreviewCard):
    history: list[dict[str, str]] = []


class Announcement(Schema):
    id: str
    content: str
    starts_at: str | None = None
    ends_at: str | None = None
    all_day: bool
    published_at: str
    updated_at: str
    read: bool | None = None
    mentions: list[StatusMention] = []
    statuses: list[dict[str, str]] = []
    tags: list[StatusTag] = []
    emojis: list[Emoji] = []
    reactions: list[dict[str, Any]] = []


class ScheduledStatus(Schema):
    id: str
    scheduled_at: str
    params: dict[str, Any]
    media_attachments: list[MediaAttachment] = []


class Preferences(Schema):
    """The account's defaults for new posts and for reading (keys as Mastodon spells them)."""

    posting_default_visibility: str = Field(alias="posting:default:visibility")
    posting_default_sensitive: bool = Field(alias="posting:default:sensitive")
    posting_default_language: str | None = Field(alias="posting:default:language")
    posting_default_quote_policy: str = Field(alias="posting:default:quote_policy")
    reading_expand_media: str = Field(alias="reading:expand:media")
    reading_expand_spoilers: bool = Field(alias="reading:expand:spoilers")
    reading_autoplay_gifs: bool = Field(alias="reading:autoplay:gifs")


class ClientApplication(Schema):
    """A registered client app, as GET /api/v1/apps/verify_credentials shows it."""

    id: str
    name: str
    website: str | None = None
    scopes: list[str]
    redirect_uri: str = Field(description="The redirect URIs, one a line (deprecated)")
    redirect_uris: list[str]
    vapid_key: str = Field(description="Empty: msg has no Web Push")


class CredentialApplication(ClientApplication):
    """A client app just registered (POST /api/v1/apps), with its client credentials."""

    client_id: str
    client_secret: str = Field(description="Shown only in this answer: keep it")
    client_secret_expires_at: int = Field(description="0: the secret does not expire")


def rebuild() -> None:
    """Resolve the forward references between entities (Status in Quote, Account in moved)."""
    namespace: dict[str, Any] = globals()
    for model in (Account, CredentialAccount, Quote, Status, PreviewCardAuthor, PreviewCard):
        model.model_rebuild(_types_namespace=namespace)


rebuild()
