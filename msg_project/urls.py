from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from msg_project.views import healthz, media
from notifications import views as notification_views
from posts import views as post_views
from social import views as social_views
from timelines import views as timeline_views
from users import views as user_views


class UsernameConverter:
    """What a username can be (users.models.username_validator): anything else is a 404."""

    regex = "[A-Za-z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

# The admin logs in through allauth's login page, with its rate limits and email verification.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

POST_ACTIONS = "like|unlike|repost|unrepost|bookmark|unbookmark"
USER_ACTIONS = "follow|unfollow|block|unblock|mute|unmute"

urlpatterns = [
    path("", timeline_views.home, name="home"),
    path("compose/", timeline_views.compose, name="post_create"),
    path("explore/", timeline_views.explore, name="explore"),
    path("tags/<str:name>/", timeline_views.tag, name="tag"),
    path("bookmarks/", timeline_views.bookmarks, name="bookmarks"),
    path("search/", timeline_views.search, name="search"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("settings/profile/", user_views.settings_profile, name="settings_profile"),
    path("settings/blocks/", social_views.settings_blocks, name="settings_blocks"),
    path("settings/mutes/", social_views.settings_mutes, name="settings_mutes"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("@<username:username>/", timeline_views.profile, name="profile"),
    path("@<username:username>/followers/", social_views.followers, name="followers"),
    path("@<username:username>/following/", social_views.following, name="following"),
    re_path(
        rf"^@(?P<username>[A-Za-z0-9_]+)/(?P<action>{USER_ACTIONS})/$",
        social_views.relationship_action,
        name="relationship_action",
    ),
    path("@<username:username>/<int:pk>/", post_views.post_detail, name="post_detail"),
    path("@<username:username>/<int:pk>/edit/", post_views.post_edit, name="post_edit"),
    path("@<username:username>/<int:pk>/delete/", post_views.post_delete, name="post_delete"),
    re_path(
        rf"^@(?P<username>[A-Za-z0-9_]+)/(?P<pk>[0-9]+)/(?P<action>{POST_ACTIONS})/$",
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
