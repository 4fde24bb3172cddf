"""Favourites, reblogs, bookmarks, pins and conversation mutes of a status, and the lists of
who favourited and reblogged it."""

from urllib.parse import urlencode

import pytest

from posts.models import Bookmark, Like, Post, Visibility
from posts.services import post_create, post_like, post_repost
from posts.services.pins import MAX_PINS, post_pin
from social.services import block_create, follow_create, follow_delete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def post(other_user):
    return post_create(author=other_user, body="a post")


# Favourites ------------------------------------------------------------------------------------


def test_favourite_and_again_and_unfavourite(api, post):
    first = api.post(f"/api/v1/statuses/{post.pk}/favourite")
    assert first.status_code == 200
    assert (first.json()["favourited"], first.json()["favourites_count"]) == (True, 1)
    again = api.post(f"/api/v1/statuses/{post.pk}/favourite")
    assert again.status_code == 200
    assert again.json()["favourites_count"] == 1
    assert Like.objects.filter(user=api.user, post=post).count() == 1
    undone = api.post(f"/api/v1/statuses/{post.pk}/unfavourite")
    assert (undone.json()["favourited"], undone.json()["favourites_count"]) == (False, 0)
    assert not Like.objects.exists()
    assert api.post(f"/api/v1/statuses/{post.pk}/unfavourite").status_code == 200


def test_favouriting_a_reblog_favourites_its_original(api, post):
    wrapper = post_repost(user=UserFactory(), post=post)
    response = api.post(f"/api/v1/statuses/{wrapper.pk}/favourite")
    body = response.json()
    assert body["id"] == str(wrapper.pk)
    assert body["favourited"] is True
    assert body["reblog"]["favourited"] is True
    assert Like.objects.get().post == post


def test_a_hidden_status_cannot_be_favourited(api, other_user):
    hidden = post_create(author=other_user, body="x", visibility=Visibility.FOLLOWERS)
    assert api.post(f"/api/v1/statuses/{hidden.pk}/favourite").status_code == 404
    assert not Like.objects.exists()


def test_a_favourite_on_a_post_no_longer_seen_is_taken_back_unseen(api, other_user):
    """As on the web, after an unfollow the favourite is still the reader's to take back; the
    post itself stays unseen (a 404)."""
    follow_create(follower=api.user, followee=other_user)
    hidden = post_create(author=other_user, body="x", visibility=Visibility.FOLLOWERS)
    post_like(user=api.user, post=hidden)
    follow_delete(follower=api.user, followee=other_user)
    response = api.post(f"/api/v1/statuses/{hidden.pk}/unfavourite")
    assert response.status_code == 404
    assert "a post" not in response.content.decode()
    assert not Like.objects.exists()


# Reblogs ---------------------------------------------------------------------------------------


def test_a_reblog_returns_the_new_wrapper_status(api, post):
    response = api.post(f"/api/v1/statuses/{post.pk}/reblog")
    assert response.status_code == 200, response.content
    body = response.json()
    wrapper = Post.objects.get(repost_of=post)
    assert body["id"] == str(wrapper.pk) != str(post.pk)
    assert body["account"]["id"] == str(api.user.pk)
    assert body["reblog"]["id"] == str(post.pk)
    assert body["reblogged"] is True
    assert body["reblog"]["reblogs_count"] == 1
    again = api.post(f"/api/v1/statuses/{post.pk}/reblog")
    assert again.json()["id"] == body["id"]
    assert Post.objects.filter(repost_of=post).count() == 1


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_a_reblog_accepts_a_visibility(api, post, visibility):
    response = api.post(
        f"/api/v1/statuses/{post.pk}/reblog",
        urlencode({"visibility": visibility}),
        content_type=FORM,
    )
    assert response.status_code == 200


def test_a_reblog_with_a_visibility_mastodon_refuses_is_a_422(api, post):
    response = api.post(
        f"/api/v1/statuses/{post.pk}/reblog", urlencode({"visibility": "direct"}), content_type=FORM
    )
    assert response.status_code == 422
    assert not Post.objects.filter(repost_of=post).exists()


def test_a_followers_only_post_cannot_be_reblogged(api, other_user):
    follow_create(follower=api.user, followee=other_user)
    private = post_create(author=other_user, body="x", visibility=Visibility.FOLLOWERS)
    response = api.post(f"/api/v1/statuses/{private.pk}/reblog")
    assert response.status_code == 403
    assert not Post.objects.filter(repost_of=private).exists()


def test_unreblog_returns_the_original(api, post):
    wrapper = api.post(f"/api/v1/statuses/{post.pk}/reblog").json()
    response = api.post(f"/api/v1/statuses/{post.pk}/unreblog")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(post.pk)
    assert (body["reblogged"], body["reblogs_count"]) == (False, 0)
    assert not Post.objects.filter(pk=wrapper["id"]).exists()


def test_unreblog_by_the_wrappers_id_returns_the_original(api, post):
    wrapper = post_repost(user=api.user, post=post)
    body = api.post(f"/api/v1/statuses/{wrapper.pk}/unreblog").json()
    assert body["id"] == str(post.pk)
    assert body["reblogged"] is False


# Bookmarks -------------------------------------------------------------------------------------


def test_bookmark_and_unbookmark(api, post):
    body = api.post(f"/api/v1/statuses/{post.pk}/bookmark").json()
    assert body["bookmarked"] is True
    assert Bookmark.objects.filter(user=api.user, post=post).exists()
    assert api.post(f"/api/v1/statuses/{post.pk}/bookmark").status_code == 200
    body = api.post(f"/api/v1/statuses/{post.pk}/unbookmark").json()
    assert body["bookmarked"] is False
    assert not Bookmark.objects.exists()


# Pins ------------------------------------------------------------------------------------------


def test_pin_and_unpin(api):
    mine = post_create(author=api.user, body="mine")
    body = api.post(f"/api/v1/statuses/{mine.pk}/pin").json()
    assert body["pinned"] is True
    mine.refresh_from_db()
    assert mine.pinned_at is not None
    assert api.get(f"/api/v1/statuses/{mine.pk}").json()["pinned"] is True
    body = api.post(f"/api/v1/statuses/{mine.pk}/unpin").json()
    assert body["pinned"] is False
    mine.refresh_from_db()
    assert mine.pinned_at is None


def test_pins_refused_are_mastodons_422(api, post):
    reply = post_create(author=api.user, body="reply", in_reply_to=post)
    direct = post_create(author=api.user, body="dm", visibility=Visibility.DIRECT)
    for refused in (post, reply, direct):
        response = api.post(f"/api/v1/statuses/{refused.pk}/pin")
        assert response.status_code == 422, refused.body
        assert response.json()["error"].startswith("Validation failed")
    assert not Post.objects.filter(pinned_at__isnull=False).exists()


def test_no_more_pins_than_the_limit(api):
    for _ in range(MAX_PINS):
        post_pin(user=api.user, post=post_create(author=api.user, body="pinned"))
    one_more = post_create(author=api.user, body="one more")
    response = api.post(f"/api/v1/statuses/{one_more.pk}/pin")
    assert response.status_code == 422
    one_more.refresh_from_db()
    assert one_more.pinned_at is None


# Conversation mutes ----------------------------------------------------------------------------


def test_msg_cannot_mute_a_conversation(api, post):
    response = api.post(f"/api/v1/statuses/{post.pk}/mute")
    assert response.status_code == 422
    assert "cannot mute a conversation" in response.json()["error"]


def test_unmute_answers_with_the_status_unmuted(api, post):
    response = api.post(f"/api/v1/statuses/{post.pk}/unmute")
    assert response.status_code == 200
    assert response.json()["muted"] is False


def test_a_hidden_status_cannot_be_muted_either(api, other_user):
    hidden = post_create(author=other_user, body="x", visibility=Visibility.FOLLOWERS)
    assert api.post(f"/api/v1/statuses/{hidden.pk}/mute").status_code == 404


# Scopes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "scope", "wrong"),
    [
        ("favourite", "write:favourites", "write:statuses"),
        ("unfavourite", "write:favourites", "write:bookmarks"),
        ("reblog", "write:statuses", "write:favourites"),
        ("unreblog", "write:statuses", "write:favourites"),
        ("bookmark", "write:bookmarks", "write:favourites"),
        ("unbookmark", "write:bookmarks", "write:statuses"),
        ("pin", "write:accounts", "write:statuses"),
        ("unpin", "write:accounts", "write:statuses"),
        ("mute", "write:mutes", "write:statuses"),
        ("unmute", "write:mutes", "write:statuses"),
    ],
)
def test_each_action_needs_its_scope(api_for, action, scope, wrong):
    author = UserFactory()
    mine = post_create(author=author, body="mine")
    refused = api_for(author, scope=f"read {wrong}").post(f"/api/v1/statuses/{mine.pk}/{action}")
    assert refused.status_code == 403
    allowed = api_for(author, scope=scope).post(f"/api/v1/statuses/{mine.pk}/{action}")
    assert allowed.status_code in (200, 422)  # mute: msg cannot
    assert allowed.status_code != 403


# Who favourited and reblogged ------------------------------------------------------------------


def test_favourited_by_newest_first_paged_by_the_favourites_id(api, post):
    likers = [UserFactory() for _ in range(3)]
    likes = [post_like(user=u, post=post) for u in likers]
    response = api.get(f"/api/v1/statuses/{post.pk}/favourited_by?limit=2")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [str(likers[2].pk), str(likers[1].pk)]
    assert f"max_id={likes[1].pk}" in response["Link"]
    older = api.get(f"/api/v1/statuses/{post.pk}/favourited_by?limit=2&max_id={likes[1].pk}")
    assert [a["id"] for a in older.json()] == [str(likers[0].pk)]


def test_reblogged_by_newest_first(api, post):
    rebloggers = [UserFactory() for _ in range(2)]
    wrappers = [post_repost(user=u, post=post) for u in rebloggers]
    response = api.get(f"/api/v1/statuses/{post.pk}/reblogged_by")
    assert [a["id"] for a in response.json()] == [str(u.pk) for u in reversed(rebloggers)]
    assert f"min_id={wrappers[1].pk}" in response["Link"]
    by_wrapper = api.get(f"/api/v1/statuses/{wrappers[0].pk}/reblogged_by")
    assert by_wrapper.json() == response.json()


def test_blocked_accounts_are_left_out_of_the_lists(api, post):
    blocked = UserFactory()
    post_like(user=blocked, post=post)
    post_repost(user=blocked, post=post)
    block_create(blocker=api.user, blocked=blocked)
    assert api.get(f"/api/v1/statuses/{post.pk}/favourited_by").json() == []
    assert api.get(f"/api/v1/statuses/{post.pk}/reblogged_by").json() == []


def test_the_lists_of_a_hidden_status_are_a_404(api, other_user):
    hidden = post_create(author=other_user, body="x", visibility=Visibility.FOLLOWERS)
    assert api.get(f"/api/v1/statuses/{hidden.pk}/favourited_by").status_code == 404
    assert api.get(f"/api/v1/statuses/{hidden.pk}/reblogged_by").status_code == 404


def test_the_lists_need_a_token_as_the_web_shows_them_to_members(anon_api, post, settings):
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get(f"/api/v1/statuses/{post.pk}/favourited_by").status_code == 401


# The token; the post; the page of rows with their accounts; the accounts' counts.
PEOPLE_QUERIES = 4


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize("path", ["favourited_by", "reblogged_by"])
def test_the_query_count_of_the_lists_is_flat(api, post, path, count, django_assert_num_queries):
    for _ in range(count):
        someone = UserFactory()
        if path == "favourited_by":
            post_like(user=someone, post=post)
        else:
            post_repost(user=someone, post=post)
    with django_assert_num_queries(PEOPLE_QUERIES):
        response = api.get(f"/api/v1/statuses/{post.pk}/{path}")
    assert len(response.json()) == count


# The token; the post with its author; the like (savepoint, may the reader see it, lock it,
# look for the like, insert it in a savepoint of its own, release); the status read back (the
# row, images, tags, mentions); the author's counts.
FAVOURITE_QUERIES = 15


def test_the_query_count_of_a_favourite(api, post, django_assert_num_queries):
    with django_assert_num_queries(FAVOURITE_QUERIES):
        assert api.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 200
