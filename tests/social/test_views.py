"""The social pages and one-click actions through the test client: profiles and their tabs,
follow/block/mute, like/repost/bookmark, follower lists, blocks and mutes, the profile editor."""

import re
from html import unescape
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from posts import views as post_views
from posts.models import Bookmark, Like, Post, Visibility
from posts.services import post_like, post_repost
from social.models import Block, Follow, Mute
from social.services import block_create, follow_create, mute_create
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX, empty_state, html, post_ids, template_names
from users.models import CustomUser
from users.services import profile_update

pytestmark = pytest.mark.django_db

USER_ACTIONS = ["follow", "unfollow", "block", "unblock", "mute", "unmute"]
POST_ACTIONS = ["like", "unlike", "repost", "unrepost", "bookmark", "unbookmark"]
OFF_SITE = ["https://evil.example/", "//evil.example/x", "/\\evil.example/", "javascript:alert(1)"]


def person_names(response) -> list[str]:
    """Return the @usernames listed as people (followers, blocks, ...), in page order."""
    return re.findall(
        r'<article class="person">.*?<span class="muted">@(\w+)</span>', html(response), re.S
    )


def followers_count(response) -> int:
    match = re.search(r'<strong id="followers-count">(\d+)</strong>', html(response))
    assert match is not None, "no follower count on the page"
    return int(match.group(1))


def buttons(response) -> list[str]:
    return [
        re.sub(r"\s+", " ", b).strip()
        for b in re.findall(r"<button[^>]*>(.*?)</button>", html(response), re.S)
    ]


def message_levels(response) -> list[int]:
    return [m.level for m in get_messages(response.wsgi_request)]


def profile_url(person: CustomUser, **query) -> str:
    url = reverse("profile", kwargs={"username": person.username})
    return f"{url}?{urlencode(query)}" if query else url


def user_action(person: CustomUser, action: str) -> str:
    return reverse("relationship_action", kwargs={"username": person.username, "action": action})


def post_action(post: Post, action: str) -> str:
    return reverse(
        "post_action", kwargs={"username": post.author.username, "pk": post.pk, "action": action}
    )


# Profile ------------------------------------------------------------------------------------


def test_profile_shows_name_bio_and_follow_counts(member_client, other_user):
    """The header shows the display name, the bio and how many follow and are followed."""
    profile_update(user=other_user, display_name="Ada Lovelace", bio="Counting #engines")
    fans = [FollowFactory(followee=other_user).follower for _ in range(2)]
    FollowFactory(follower=other_user)
    response = member_client.get(profile_url(other_user))
    assert response.status_code == 200
    assert "users/profile.html" in template_names(response)
    content = html(response)
    assert re.search(r"<h1><bdi>\s*Ada Lovelace\s*</bdi></h1>", content)
    assert "Counting" in content
    assert f'href="{reverse("tag", kwargs={"name": "engines"})}"' in content
    assert followers_count(response) == len(fans)
    assert re.search(r"<strong>1</strong> following", content)
    assert "Follows you" not in content


def test_profile_says_follows_you_when_they_follow_the_reader(member_client, user, other_user):
    """A profile owner who follows the reader is marked "Follows you"; the reader still sees
    Follow, not Unfollow, until they follow back."""
    follow_create(follower=other_user, followee=user)
    response = member_client.get(profile_url(other_user))
    assert "Follows you" in html(response)
    assert "Follow" in buttons(response)
    assert "Unfollow" not in buttons(response)


def test_own_profile_offers_edit_not_follow(member_client, user):
    """On your own profile there is an Edit profile link and no follow, mute or block buttons."""
    response = member_client.get(profile_url(user))
    assert f'href="{reverse("settings_profile")}"' in html(response)
    assert not {"Follow", "Mute", "Block"} & set(buttons(response))


def test_profile_of_someone_who_blocked_you_has_no_follow_button(member_client, user, other_user):
    """When they block you, their profile shows none of their posts and no Follow button."""
    PostFactory(author=other_user)
    block_create(blocker=other_user, blocked=user)
    response = member_client.get(profile_url(other_user))
    assert response.status_code == 200
    assert "Follow" not in buttons(response)
    assert post_ids(response) == []


def test_profile_tabs_split_posts_from_comments(member_client, other_user):
    """Posts tab: posts and reposts. ?tab=all adds comments. The current tab is marked."""
    post = PostFactory(author=other_user)
    repost = post_repost(user=other_user, post=PostFactory())
    comment = CommentFactory(author=other_user, in_reply_to=PostFactory())

    posts_tab = member_client.get(profile_url(other_user))
    assert post_ids(posts_tab) == [repost.pk, post.pk]
    assert re.search(r'href="[^"?]*/"\s+aria-current="page">Posts<', html(posts_tab))

    all_tab = member_client.get(profile_url(other_user, tab="all"))
    assert post_ids(all_tab) == [comment.pk, repost.pk, post.pk]
    assert re.search(r'href="[^"]*\?tab=all"\s+aria-current="page">', html(all_tab))


def test_profile_all_tab_load_more_keeps_the_tab(member_client, other_user, settings):
    """The cursor link on the comments tab stays on that tab and walks it without overlap."""
    settings.MSG_PAGE_SIZE = 2
    parent = PostFactory()
    comments = [CommentFactory(author=other_user, in_reply_to=parent) for _ in range(3)]
    first = member_client.get(profile_url(other_user, tab="all"))
    match = re.search(r'href="\?tab=all&amp;max_id=(\d+)"', html(first))
    assert match is not None
    second = member_client.get(profile_url(other_user, tab="all", max_id=match.group(1)))
    assert post_ids(first) + post_ids(second) == [c.pk for c in reversed(comments)]


# Follow, block, mute ------------------------------------------------------------------------


@pytest.mark.parametrize("action", USER_ACTIONS)
def test_relationship_actions_refuse_get(member_client, user, other_user, action):
    """Follow, block and mute (and their undo) happen by POST only: GET changes nothing, and
    is a 405 but for block, whose GET is its confirmation page."""
    response = member_client.get(user_action(other_user, action))
    assert response.status_code == (200 if action == "block" else 405)
    assert not Follow.objects.exists()
    assert not Block.objects.exists()
    assert not Mute.objects.exists()


@pytest.mark.parametrize("action", USER_ACTIONS)
def test_relationship_actions_redirect_to_a_safe_next(member_client, other_user, action):
    """A plain POST goes back to the page given in `next`."""
    next_url = reverse("explore") + "?from=profile"
    response = member_client.post(user_action(other_user, action), {"next": next_url})
    assert response.status_code == 302
    assert response.url == next_url


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_relationship_action_ignores_an_off_site_next(member_client, other_user, next_url):
    """A `next` pointing elsewhere falls back to the profile (no open redirect)."""
    response = member_client.post(user_action(other_user, "follow"), {"next": next_url})
    assert response.status_code == 302
    assert response.url == profile_url(other_user)


def test_follow_and_unfollow_by_plain_post(member_client, user, other_user):
    """Follow creates the follow and confirms it; Unfollow removes it."""
    response = member_client.post(user_action(other_user, "follow"))
    assert Follow.objects.filter(follower=user, followee=other_user).exists()
    assert message_levels(response) == [constants.SUCCESS]
    member_client.post(user_action(other_user, "unfollow"))
    assert not Follow.objects.exists()


def test_htmx_follow_returns_the_header_with_unfollow_and_the_new_count(
    member_client, user, other_user
):
    """With htmx, Follow answers with the relationship partial: Unfollow, one more follower."""
    FollowFactory(followee=other_user)
    before = followers_count(member_client.get(profile_url(other_user)))
    response = member_client.post(user_action(other_user, "follow"), headers=HTMX)
    assert response.status_code == 200
    content = html(response)
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="relationship"')
    assert "Unfollow" in buttons(response)
    assert "Follow" not in buttons(response)
    assert f'hx-post="{user_action(other_user, "unfollow")}"' in content
    assert followers_count(response) == before + 1
    assert not list(get_messages(response.wsgi_request))  # nothing left for the next page


def test_block_form_in_the_htmx_header_still_returns_to_the_profile(member_client, other_user):
    """After an htmx follow, the swapped-in header's Block form (a plain POST) sends the browser
    back to the profile, not to the follow endpoint (whose GET is a 405)."""
    partial = member_client.post(user_action(other_user, "follow"), headers=HTMX)
    form = re.search(
        r'<form method="post" action="(?P<action>[^"]*/block/)">.*?'
        r'name="next" value="(?P<next>[^"]*)"',
        html(partial),
        re.S,
    )
    assert form is not None
    response = member_client.post(form["action"], {"next": unescape(form["next"])}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(profile_url(other_user), 302)]
    assert Block.objects.exists()


def test_htmx_unfollow_flips_back_to_follow(member_client, user, other_user):
    follow_create(follower=user, followee=other_user)
    response = member_client.post(user_action(other_user, "unfollow"), headers=HTMX)
    assert "Follow" in buttons(response)
    assert followers_count(response) == 0


def test_htmx_mute_and_unmute_flip_the_button(member_client, user, other_user):
    """Mute answers with an Unmute button; unmute answers with Mute."""
    muted = member_client.post(user_action(other_user, "mute"), headers=HTMX)
    assert "Unmute" in buttons(muted)
    assert Mute.objects.filter(muter=user, muted=other_user).exists()
    unmuted = member_client.post(user_action(other_user, "unmute"), headers=HTMX)
    assert "Mute" in buttons(unmuted)
    assert not Mute.objects.exists()


def test_block_ends_follows_both_ways_and_unblock_lifts_it(member_client, user, other_user):
    """Blocking removes both follows and hides the Follow button; Unblock restores the button."""
    follow_create(follower=user, followee=other_user)
    follow_create(follower=other_user, followee=user)
    member_client.post(user_action(other_user, "block"))
    assert Block.objects.filter(blocker=user, blocked=other_user).exists()
    assert not Follow.objects.exists()
    blocked_page = member_client.get(profile_url(other_user))
    assert "Unblock" in buttons(blocked_page)
    assert "Follow" not in buttons(blocked_page)
    member_client.post(user_action(other_user, "unblock"))
    assert not Block.objects.exists()
    assert "Follow" in buttons(member_client.get(profile_url(other_user)))


def test_following_yourself_is_refused_with_a_message(member_client, user):
    """Follow on your own profile shows an error and creates nothing."""
    response = member_client.post(user_action(user, "follow"), follow=True)
    assert response.status_code == 200
    assert not Follow.objects.exists()
    assert 'role="alert"' in html(response)
    assert "yourself" in html(response)


@pytest.mark.parametrize("action", ["follow", "block", "mute"])
def test_htmx_action_on_yourself_is_a_403_with_the_reason(member_client, user, action):
    """With htmx the refusal is a 403 carrying the reason as plain text; nothing is created."""
    response = member_client.post(user_action(user, action), headers=HTMX)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert "yourself" in html(response)
    assert not (Follow.objects.exists() or Block.objects.exists() or Mute.objects.exists())


def test_following_someone_who_blocked_you_is_refused(member_client, user, other_user):
    """A blocked user's Follow shows an error and creates no follow."""
    block_create(blocker=other_user, blocked=user)
    response = member_client.post(user_action(other_user, "follow"))
    assert response.status_code == 302
    assert message_levels(response) == [constants.ERROR]
    assert not Follow.objects.exists()
    htmx = member_client.post(user_action(other_user, "follow"), headers=HTMX)
    assert htmx.status_code == 403
    assert not Follow.objects.exists()


def test_action_on_an_unknown_user_is_404(member_client):
    url = reverse("relationship_action", kwargs={"username": "nobody", "action": "follow"})
    assert member_client.post(url).status_code == 404


# Like, repost, bookmark ---------------------------------------------------------------------


def action_states(response) -> dict[str, tuple[bool, int | None]]:
    """Map each action form on the page (like, unlike, ...) to (aria-pressed, shown count)."""
    states = {}
    for action, button in re.findall(
        r'<form method="post" action="[^"]*/(\w+)/".*?(<button.*?</button>)', html(response), re.S
    ):
        pressed = re.search(r'aria-pressed="(true|false)"', button)
        count = re.search(r'<span class="count">(\d+)</span>', button)
        assert pressed is not None
        states[action] = (pressed.group(1) == "true", int(count.group(1)) if count else None)
    return states


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_post_actions_refuse_get(member_client, action):
    """Like, repost and bookmark (and undo) are POST only: GET is a 405 and changes nothing."""
    post = PostFactory()
    assert member_client.get(post_action(post, action)).status_code == 405
    assert not Like.objects.exists()
    assert not Bookmark.objects.exists()
    assert Post.objects.count() == 1


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_post_actions_redirect_to_a_safe_next(member_client, action):
    """A plain POST goes back to the page in `next`, for the fallback without JavaScript."""
    post = PostFactory()
    next_url = reverse("explore") + "?max_id=99"
    response = member_client.post(post_action(post, action), {"next": next_url})
    assert response.status_code == 302
    assert response.url == next_url


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_post_action_ignores_an_off_site_next(member_client, next_url):
    """A `next` pointing elsewhere falls back to the post's page."""
    post = PostFactory()
    response = member_client.post(post_action(post, "like"), {"next": next_url})
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()


def test_plain_like_records_the_like_and_confirms(member_client, user):
    post = PostFactory()
    response = member_client.post(post_action(post, "like"))
    assert Like.objects.filter(user=user, post=post).exists()
    assert message_levels(response) == [constants.SUCCESS]


def test_htmx_like_returns_the_actions_bar_with_the_new_count(member_client, user):
    """With htmx, Like answers with the card's action bar: one more like, pressed, Unlike next."""
    post = PostFactory()
    post_like(user=UserFactory(), post=post)
    response = member_client.post(post_action(post, "like"), headers=HTMX)
    assert response.status_code == 200
    content = html(response)
    assert "<html" not in content
    assert content.lstrip().startswith('<footer class="actions-bar">')
    assert action_states(response)["unlike"] == (True, 2)
    assert "like" not in action_states(response)

    undone = member_client.post(post_action(post, "unlike"), headers=HTMX)
    assert action_states(undone)["like"] == (False, 1)
    assert not Like.objects.filter(user=user).exists()


def test_htmx_repost_and_unrepost_flip_the_button(member_client, user):
    """Repost answers pressed with one more repost; unrepost takes it back."""
    post = PostFactory()
    response = member_client.post(post_action(post, "repost"), headers=HTMX)
    assert action_states(response)["unrepost"] == (True, 1)
    assert Post.objects.filter(author=user, repost_of=post).exists()
    undone = member_client.post(post_action(post, "unrepost"), headers=HTMX)
    assert action_states(undone)["repost"] == (False, 0)
    assert not Post.objects.filter(author=user).exists()


def test_htmx_bookmark_and_unbookmark_flip_the_button(member_client, user):
    post = PostFactory()
    response = member_client.post(post_action(post, "bookmark"), headers=HTMX)
    assert action_states(response)["unbookmark"][0] is True
    assert Bookmark.objects.filter(user=user, post=post).exists()
    undone = member_client.post(post_action(post, "unbookmark"), headers=HTMX)
    assert action_states(undone)["bookmark"][0] is False
    assert not Bookmark.objects.exists()


def test_liking_a_followers_only_post_you_cannot_see_is_404(member_client, other_user):
    """A post hidden from the reader is a 404 for every action, and nothing is recorded."""
    post = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    for action in ("like", "bookmark"):
        assert member_client.post(post_action(post, action)).status_code == 404
        assert member_client.post(post_action(post, action), headers=HTMX).status_code == 404
    assert not Like.objects.exists()
    assert not Bookmark.objects.exists()


def test_reposting_a_followers_only_post_is_refused(member_client, user, other_user):
    """A follower may see a followers-only post but not repost it: an error, no repost."""
    follow_create(follower=user, followee=other_user)
    post = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    response = member_client.post(post_action(post, "repost"))
    assert response.status_code == 302
    assert message_levels(response) == [constants.ERROR]
    htmx = member_client.post(post_action(post, "repost"), headers=HTMX)
    assert htmx.status_code == 400  # swapped by htmx (the htmx-config in _base.html)
    assert html(htmx).lstrip().startswith('<footer class="actions-bar">')
    assert re.search(r'role="alert">Followers-only posts cannot be reposted\.<', html(htmx))
    assert not Post.objects.filter(repost_of=post).exists()


@pytest.mark.parametrize("action", ["like", "repost", "bookmark"])
@pytest.mark.parametrize(
    "refusal",
    [PermissionDenied("Not now."), ValidationError({"post": "Not now."})],
    ids=["permission", "validation"],
)
def test_a_refused_post_action_says_why_with_or_without_htmx(
    member_client, user, monkeypatch, action, refusal
):
    """Any refusal of an action (PermissionDenied or ValidationError) is shown: a flash message
    without htmx; with htmx a 400 (which htmx swaps) holding the unchanged actions bar and the
    reason in an alert."""

    def refuse(**kwargs: object) -> None:
        raise refusal

    monkeypatch.setitem(post_views.ACTIONS, action, (refuse, "Done."))
    post = PostFactory()
    plain = member_client.post(post_action(post, action), follow=True)
    assert "Not now." in html(plain)
    assert "Done." not in html(plain)
    htmx = member_client.post(post_action(post, action), headers=HTMX)
    assert htmx.status_code == 400
    assert html(htmx).count('role="alert"') == 1
    assert re.search(r'role="alert">Not now\.<', html(htmx))
    assert action_states(htmx)[action] == (False, 0 if action != "bookmark" else None)
    assert not (Like.objects.exists() or Bookmark.objects.exists())
    assert Post.objects.count() == 1


def test_like_button_on_a_repost_card_targets_the_original(member_client, user):
    """The like button on a repost card likes the original post."""
    original = PostFactory()
    follower_repost = post_repost(user=FollowFactory(follower=user).followee, post=original)
    home = member_client.get(reverse("home"))
    assert post_ids(home) == [follower_repost.pk]
    assert f'action="{post_action(original, "like")}"' in html(home)


# Followers and following --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["followers", "following"])
def test_people_lists_are_paginated_newest_first(member_client, other_user, settings, name):
    """/@u/followers/ and /following/ list people, newest follow first, a page at a time."""
    settings.MSG_PAGE_SIZE = 2
    if name == "followers":
        people = [FollowFactory(followee=other_user).follower for _ in range(3)]
    else:
        people = [FollowFactory(follower=other_user).followee for _ in range(3)]
    FollowFactory()  # between two other people
    url = reverse(name, kwargs={"username": other_user.username})
    first = member_client.get(url)
    assert first.status_code == 200
    assert "social/people.html" in template_names(first)
    match = re.search(r'href="\?max_id=(\d+)"', html(first))
    assert match is not None
    second = member_client.get(url, {"max_id": match.group(1)})
    assert re.search(r'href="\?max_id=', html(second)) is None
    listed = person_names(first) + person_names(second)
    assert listed == [p.username for p in reversed(people)]


@pytest.mark.parametrize("name", ["followers", "following"])
def test_people_lists_have_empty_states(member_client, other_user, name):
    """Nobody to list: the page says so."""
    response = member_client.get(reverse(name, kwargs={"username": other_user.username}))
    assert response.status_code == 200
    assert person_names(response) == []
    assert empty_state(response)


def test_people_list_of_unknown_user_is_404(member_client):
    assert member_client.get(reverse("followers", kwargs={"username": "nobody"})).status_code == 404


# Blocks and mutes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "create", "model", "undo"),
    [
        ("settings_blocks", "block", Block, "Unblock"),
        ("settings_mutes", "mute", Mute, "Unmute"),
    ],
)
def test_blocks_and_mutes_are_listed_and_can_be_undone(
    member_client, user, other_user, name, create, model, undo
):
    """The settings page lists whom you blocked (muted); its button undoes it and comes back."""
    url = reverse(name)
    empty = member_client.get(url)
    assert empty.status_code == 200
    assert "social/relations.html" in template_names(empty)
    assert empty_state(empty)

    if create == "block":
        block_create(blocker=user, blocked=other_user)
    else:
        mute_create(muter=user, muted=other_user)
    UserFactory()  # someone not blocked or muted
    listed = member_client.get(url)
    assert person_names(listed) == [other_user.username]
    assert f"{undo} @{other_user.username}" in buttons(listed)
    assert f'action="{user_action(other_user, undo.lower())}"' in html(listed)

    response = member_client.post(user_action(other_user, undo.lower()), {"next": url})
    assert response.status_code == 302
    assert response.url == url
    assert not model.objects.exists()
    assert person_names(member_client.get(url)) == []


# Profile settings ---------------------------------------------------------------------------


def png_upload(name: str = "me.png", size: tuple[int, int] = (120, 80)) -> SimpleUploadedFile:
    """A real PNG made with Pillow."""
    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def large_avatar_src(response) -> str | None:
    match = re.search(r'<img class="avatar avatar-large" src="([^"]+)"', html(response))
    return match.group(1) if match else None


def test_profile_settings_page_shows_the_current_profile(member_client, user):
    profile_update(user=user, display_name="Grace", bio="Compilers")
    response = member_client.get(reverse("settings_profile"))
    assert response.status_code == 200
    assert "users/settings_profile.html" in template_names(response)
    form = response.context["form"]
    assert (form["display_name"].value(), form["bio"].value()) == ("Grace", "Compilers")
    assert 'enctype="multipart/form-data"' in html(response)


def test_profile_settings_save_name_and_bio(member_client, user):
    """A valid edit is saved, confirmed and shown on the profile."""
    response = member_client.post(
        reverse("settings_profile"), {"display_name": " Grace H ", "bio": "Line one\r\nLine two"}
    )
    assert response.status_code == 302
    assert response.url == reverse("settings_profile")
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Grace H", "Line one\nLine two")
    profile = html(member_client.get(profile_url(user)))
    assert re.search(r"<h1><bdi>\s*Grace H\s*</bdi></h1>", profile)
    assert "Line one<br>" in profile


def test_profile_settings_refuse_a_too_long_name(member_client, user):
    """A display name over the limit is a form error and changes nothing."""
    response = member_client.post(
        reverse("settings_profile"), {"display_name": "x" * 51, "bio": "new bio"}
    )
    assert response.context["form"].errors["display_name"]
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("", "")


def test_avatar_upload_shows_on_the_profile_page(member_client, user):
    """A PNG avatar is stored under MEDIA_URL and shown as the profile's image."""
    assert large_avatar_src(member_client.get(profile_url(user))).startswith(settings.STATIC_URL)
    response = member_client.post(
        reverse("settings_profile"), {"display_name": "", "bio": "", "avatar": png_upload()}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar
    src = large_avatar_src(member_client.get(profile_url(user)))
    assert src == user.avatar.url
    assert src.startswith(settings.MEDIA_URL)
    with user.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.width == image.height  # cropped square, re-encoded from our PNG


def test_a_file_that_is_not_an_image_is_refused_and_the_old_avatar_stays(member_client, user):
    """A bad avatar file shows a form error and keeps the previous avatar and profile."""
    profile_update(user=user, display_name="Old", bio="", avatar=png_upload())
    user.refresh_from_db()
    old_avatar = user.avatar.name
    bad = SimpleUploadedFile("me.png", b"this is not a PNG", content_type="image/png")
    response = member_client.post(
        reverse("settings_profile"), {"display_name": "New", "bio": "", "avatar": bad}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["avatar"]
    assert re.search(r'<small class="field-error" role="alert"[^>]*>\s*\S', html(response))
    user.refresh_from_db()
    assert (user.avatar.name, user.display_name) == (old_avatar, "Old")
    assert user.avatar.storage.exists(old_avatar)
    assert large_avatar_src(response) == user.avatar.url


def test_an_edit_without_a_file_keeps_the_avatar(member_client, user):
    """A non-multipart edit (no file field at all) changes the text and keeps the avatar."""
    profile_update(user=user, display_name="", bio="", avatar=png_upload())
    user.refresh_from_db()
    avatar = user.avatar.name
    response = member_client.post(
        reverse("settings_profile"),
        urlencode({"display_name": "Renamed", "bio": "Still me"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.bio, user.avatar.name) == ("Renamed", "Still me", avatar)
    assert user.avatar.storage.exists(avatar)


def test_posts_and_comments_tab_says_what_a_comment_replies_to(client):
    """On the "Posts and comments" tab a comment names the author it replies to, with a link."""
    reader = UserFactory()
    original = PostFactory()
    comment = CommentFactory(in_reply_to=original)
    client.force_login(reader)
    response = client.get(reverse("profile", args=[comment.author.username]), {"tab": "all"})
    page = html(response)
    assert (
        f'Replying to <a href="{original.get_absolute_url()}">@{original.author.username}</a>'
        in page
    )


def test_comments_under_a_post_do_not_repeat_what_they_reply_to(client):
    """In the thread itself, comments do not each say "Replying to"."""
    reader = UserFactory()
    comment = CommentFactory()
    client.force_login(reader)
    response = client.get(comment.in_reply_to.get_absolute_url())
    assert "Replying to" not in html(response)


def test_a_blocked_reader_sees_neither_the_blockers_bio_nor_their_lists(client):
    """Blocked by alice, bob gets no bio on her profile and 404 for her follower lists."""
    alice, bob, fred = UserFactory(), UserFactory(), UserFactory()
    profile_update(user=alice, display_name="Alice", bio="my bio is for friends")
    follow_create(follower=fred, followee=alice)
    block_create(blocker=alice, blocked=bob)
    client.force_login(bob)
    assert "my bio is for friends" not in html(
        client.get(reverse("profile", args=[alice.username]))
    )
    assert client.get(reverse("followers", args=[alice.username])).status_code == 404
    assert client.get(reverse("following", args=[alice.username])).status_code == 404


def test_liked_by_leaves_out_accounts_blocked_either_way(client):
    """The "Liked by" list shows neither someone the reader blocked nor someone who blocked them."""
    author, blocked, blocker, friend, reader = (UserFactory() for _ in range(5))
    post = PostFactory(author=author)
    for liker in (blocked, blocker, friend):
        post_like(user=liker, post=post)
    block_create(blocker=reader, blocked=blocked)
    block_create(blocker=blocker, blocked=reader)
    client.force_login(reader)
    page = html(client.get(post.get_absolute_url()))
    liked_by = page[page.index("Liked by") :]
    assert f"@{friend.username}" in liked_by
    assert f"@{blocked.username}" not in liked_by
    assert f"@{blocker.username}" not in liked_by


def test_htmx_unrepost_at_the_reposts_own_address_updates_the_card(client):
    """Undoing a repost through the repost's own URL answers with the original's card."""
    author, reposter = UserFactory(), UserFactory()
    post = PostFactory(author=author)
    repost = post_repost(user=reposter, post=post)
    client.force_login(reposter)
    url = reverse("post_action", args=[reposter.username, repost.pk, "unrepost"])
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="false"' in html(response)
    assert not Post.objects.filter(pk=repost.pk).exists()
