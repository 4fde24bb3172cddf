from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from api import oauth as oauth_views
from api import wellknown
from api.main import urls as api_urls
from conversations import views as conversation_views
from lists import views as list_views
from msg_project.views import healthz, media
from notifications import views as notification_views
from posts import views as post_views
from posts.views import history as history_views
from posts.views import media as media_views
from posts.views import polls as poll_views
from posts.views import quotes as quote_views
from social import views as social_views
from timelines import feeds
from timelines import views as timeline_views
from users import views as user_views


class UsernameConverter:
    """What a username can be (users.models.username_validator): anything else is a 404."""

    regex = "[A-Za-z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A row id: at most 18 digits, so it always fits the 64-bit primary keys (a longer
    number is a 404 rather than an overflow in the database driver)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(UsernameConverter, "username")
register_converter(IdConverter, "id")

# The admin logs in through allauth's login page, with its rate limits and email verification.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

POST_ACTIONS = "like|unlike|repost|unrepost|bookmark|unbookmark|pin|unpin"
USER_ACTIONS = "follow|unfollow|block|unblock|mute|unmute"

urlpatterns = [
    path("", timeline_views.home, name="home"),
    path("compose/", timeline_views.compose, name="post_create"),
    # Not under MEDIA_URL (/media/): the web server answers there (docs/operations.md).
    path("images/", media_views.media_upload, name="media_upload"),
    path("images/<id:pk>/", media_views.media_update, name="media_update"),
    path("images/<id:pk>/remove/", media_views.media_remove, name="media_remove"),
    path("explore/", timeline_views.explore, name="explore"),
    # Feeds (MSG_PUBLIC_PAGES) before the pages whose addresses they extend.
    re_path(r"^tags/(?P<name>[^/]+)\.rss$", feeds.tag_feed, name="tag_feed"),
    path("tags/<str:name>/", timeline_views.tag, name="tag"),
    path("bookmarks/", timeline_views.bookmarks, name="bookmarks"),
    path("search/", timeline_views.search, name="search"),
    path("sidebar/", timeline_views.sidebar, name="sidebar"),
    path("lists/", list_views.list_index, name="lists"),
    path("lists/<id:pk>/", list_views.list_detail, name="list_detail"),
    path("lists/<id:pk>/edit/", list_views.list_edit, name="list_edit"),
    path("lists/<id:pk>/delete/", list_views.list_delete, name="list_delete"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("messages/", conversation_views.conversation_list, name="conversations"),
    path("messages/new/", conversation_views.conversation_new, name="conversation_new"),
    path("messages/<id:thread>/", conversation_views.conversation_detail, name="conversation"),
    path("settings/profile/", user_views.settings_profile, name="settings_profile"),
    path("settings/preferences/", user_views.settings_preferences, name="settings_preferences"),
    path("settings/time-zone/", user_views.settings_time_zone, name="settings_time_zone"),
    path("settings/blocks/", social_views.settings_blocks, name="settings_blocks"),
    path("settings/mutes/", social_views.settings_mutes, name="settings_mutes"),
    path("settings/filters/", social_views.settings_filters, name="settings_filters"),
    path(
        "settings/filters/<id:pk>/delete/",
        social_views.muted_word_delete,
        name="muted_word_delete",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The Mastodon-compatible client API (api/, docs/api.md).
    path("api/", api_urls()),
    # What other software reads about this server and its accounts (api/wellknown.py).
    path(".well-known/webfinger", wellknown.webfinger, name="webfinger"),
    path(".well-known/host-meta", wellknown.host_meta, name="host_meta"),
    path(".well-known/nodeinfo", wellknown.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.0", wellknown.nodeinfo, name="nodeinfo"),
    # OAuth 2 for the client API (api/oauth.py): the consent page needs a login, the rest not.
    # With or without the slash: toot's browser login asks for /oauth/authorize/.
    re_path(r"^oauth/authorize/?$", oauth_views.AuthorizeView.as_view(), name="oauth_authorize"),
    path("oauth/token", oauth_views.TokenView.as_view(), name="oauth_token"),
    path("oauth/revoke", oauth_views.RevokeView.as_view(), name="oauth_revoke"),
    path(
        ".well-known/oauth-authorization-server",
        oauth_views.authorization_server_metadata,
        name="oauth_metadata",
    ),
    path("settings/apps/", oauth_views.settings_apps, name="settings_apps"),
    path("settings/apps/<id:pk>/revoke/", oauth_views.app_revoke, name="settings_app_revoke"),
    path("@<username:username>.rss", feeds.author_feed, name="profile_feed"),
    path("@<username:username>/", timeline_views.profile, name="profile"),
    path("@<username:username>/followers/", social_views.followers, name="followers"),
    path("@<username:username>/following/", social_views.following, name="following"),
    path("@<username:username>/lists/", list_views.profile_lists, name="profile_lists"),
    re_path(
        rf"^@(?P<username>[A-Za-z0-9_]+)/(?P<action>{USER_ACTIONS})/$",
        social_views.relationship_action,
        name="relationship_action",
    ),
    path("@<username:username>/<id:pk>/", post_views.post_detail, name="post_detail"),
    path("@<username:username>/<id:pk>/edit/", post_views.post_edit, name="post_edit"),
    path("@<username:username>/<id:pk>/history/", history_views.post_history, name="post_history"),
    path("@<username:username>/<id:pk>/delete/", post_views.post_delete, name="post_delete"),
    path("@<username:username>/<id:pk>/vote/", poll_views.vote, name="poll_vote"),
    path("@<username:username>/<id:pk>/quote/", quote_views.quote_compose, name="post_quote"),
    path("@<username:username>/<id:pk>/quotes/", quote_views.quote_list, name="post_quotes"),
    path("@<username:username>/<id:pk>/likes/", timeline_views.post_likes, name="post_likes"),
    path("@<username:username>/<id:pk>/reposts/", timeline_views.post_reposts, name="post_reposts"),
    path("@<username:username>/<id:pk>/detach/", quote_views.quote_detach, name="quote_detach"),
    re_path(
        rf"^@(?P<username>[A-Za-z0-9_]+)/(?P<pk>[0-9]{{1,18}})/(?P<action>{POST_ACTIONS})/$",
        post_views.post_action,
        name="post_action",
    ),
]

# Uploaded media. The embedded default serves it from Django; production sets SERVE_MEDIA=False
# and lets the web server (or object storage) do it (docs/operations.md).
if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", media, name="media"),
    ]
