"""Timelines over the API: the web's own timelines, with the web's visibility rules, scopes,
visitors when pages are public, and the muted-word mark on a status."""

import pytest

from lists.services import list_create, list_member_add
from posts.models import Visibility
from posts.services import ImageUpload, post_bookmark, post_create, post_like, post_repost
from social.services import block_create, follow_create, follow_delete, muted_word_create
from tests.api.conftest import make_token
from tests.core.test_images import encode, quadrants, upload
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBER_ROUTES = [
    "/api/v1/timelines/home",
    "/api/v1/timelines/public",
    "/api/v1/timelines/tag/cats",
    "/api/v1/timelines/direct",
    "/api/v1/favourites",
    "/api/v1/bookmarks",
]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [int(s["id"]) for s in response.json()]


def image_post(author, body: str = "a picture"):
    picture = ImageUpload(file=upload(encode(quadrants((32, 24)), "PNG")), alt_text="squares")
    return post_create(author=author, body=body, images=[picture])


# Home -----------------------------------------------------------------------------------------


def test_home_holds_own_and_followed_posts_and_reposts_newest_first(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    stranger = UserFactory()
    mine = PostFactory(author=api.user)
    theirs = PostFactory(author=other_user)
    PostFactory(author=stranger)  # not followed
    CommentFactory(author=other_user, in_reply_to=mine)  # comments stay in threads
    repost = post_repost(user=other_user, post=PostFactory(author=stranger))
    assert ids(api.get("/api/v1/timelines/home")) == [repost.pk, theirs.pk, mine.pk]


def test_a_repost_in_home_is_a_wrapper_with_the_original_inside(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    original = PostFactory(author=UserFactory(), body="worth sharing")
    repost = post_repost(user=other_user, post=original)
    status = api.get("/api/v1/timelines/home").json()[0]
    assert status["id"] == str(repost.pk)
    assert status["account"]["id"] == str(other_user.pk)
    assert status["reblog"]["id"] == str(original.pk)
    assert "worth sharing" in status["reblog"]["content"]


def test_a_followers_only_post_leaves_home_in_the_request_after_the_unfollow(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    private = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    assert private.pk in ids(api.get("/api/v1/timelines/home"))
    follow_delete(follower=api.user, followee=other_user)
    assert ids(api.get("/api/v1/timelines/home")) == []


def test_a_blocked_account_leaves_home_and_public(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    post = PostFactory(author=other_user)
    block_create(blocker=other_user, blocked=api.user)
    assert post.pk not in ids(api.get("/api/v1/timelines/home"))
    assert post.pk not in ids(api.get("/api/v1/timelines/public"))


def test_home_leaves_out_direct_messages(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    post_create(author=other_user, body=f"@{api.user.username} psst", visibility=Visibility.DIRECT)
    assert ids(api.get("/api/v1/timelines/home")) == []


def test_a_muted_word_marks_the_status_filtered_in_home(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    word = muted_word_create(user=api.user, phrase="spoiler", contexts=["home"])
    hit = PostFactory(author=other_user, body="A big SPOILER ahead")
    miss = PostFactory(author=other_user, body="nothing to see")
    own = PostFactory(author=api.user, body="my own spoiler")
    statuses = {s["id"]: s for s in api.get("/api/v1/timelines/home").json()}
    [result] = statuses[str(hit.pk)]["filtered"]
    assert result["filter"]["id"] == str(word.pk)
    assert result["keyword_matches"] == ["spoiler"]
    assert statuses[str(miss.pk)]["filtered"] == []
    assert statuses[str(own.pk)]["filtered"] == []  # one's own posts are never filtered


def test_a_muted_word_for_public_timelines_only_leaves_home_alone(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    muted_word_create(user=api.user, phrase="spoiler", contexts=["public"])
    post = PostFactory(author=other_user, body="spoiler")
    [status] = api.get("/api/v1/timelines/home").json()
    assert status["filtered"] == []
    public = {s["id"]: s for s in api.get("/api/v1/timelines/public").json()}
    assert public[str(post.pk)]["filtered"][0]["keyword_matches"] == ["spoiler"]


# Public -----------------------------------------------------------------------------------------


def test_public_lists_public_top_level_posts_only(api, other_user):
    public = PostFactory(author=other_user)
    PostFactory(author=other_user, visibility=Visibility.UNLISTED)
    PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    CommentFactory(author=other_user, in_reply_to=public)
    post_repost(user=UserFactory(), post=public)
    assert ids(api.get("/api/v1/timelines/public")) == [public.pk]


@pytest.mark.parametrize("query", ["", "?local=true", "?local=1"])
def test_public_local_is_everything_on_msg(api, other_user, query):
    post = PostFactory(author=other_user)
    assert ids(api.get(f"/api/v1/timelines/public{query}")) == [post.pk]


@pytest.mark.parametrize("route", ["/api/v1/timelines/public", "/api/v1/timelines/tag/cats"])
def test_remote_posts_are_none_on_msg(api, other_user, route):
    PostFactory(author=other_user, body="#cats")
    assert ids(api.get(f"{route}?remote=true")) == []


@pytest.mark.parametrize("route", ["/api/v1/timelines/public", "/api/v1/timelines/tag/cats"])
def test_only_media_keeps_posts_with_images(api, other_user, route):
    with_image = image_post(other_user, "look #cats")
    PostFactory(author=other_user, body="no picture #cats")
    assert ids(api.get(f"{route}?only_media=true")) == [with_image.pk]
    assert len(ids(api.get(route))) == 2


@pytest.mark.parametrize(
    ("flag", "applies"),
    [
        ("1", True),
        ("yes", True),
        ("-921", True),
        ("0", False),
        ("false", False),
        ("off", False),
        ("", False),
    ],
)
def test_flags_read_as_rails_reads_them(api, other_user, flag, applies):
    """Anything but a false word is true, as Mastodon (Rails) reads a flag: never a 500."""
    with_image = image_post(other_user)
    plain = PostFactory(author=other_user)
    expected = [with_image.pk] if applies else [plain.pk, with_image.pk]
    assert ids(api.get("/api/v1/timelines/public", {"only_media": flag})) == expected


# Tag --------------------------------------------------------------------------------------------


def test_a_tag_lists_its_public_posts_in_any_case(api, other_user):
    tagged = PostFactory(author=other_user, body="I love #Cats")
    PostFactory(author=other_user, body="#cats quietly", visibility=Visibility.UNLISTED)
    PostFactory(author=other_user, body="no tag")
    assert ids(api.get("/api/v1/timelines/tag/CATS")) == [tagged.pk]


@pytest.mark.parametrize("name", ["nosuchtag", "n%C3%B8", "a%00b", "x" * 300])
def test_an_unknown_tag_is_an_empty_list(api, name):
    assert ids(api.get(f"/api/v1/timelines/tag/{name}")) == []


def test_any_all_and_none_are_accepted(api, other_user):
    tagged = PostFactory(author=other_user, body="#cats")
    query = "any[]=dogs&all[]=cats&none[]=birds&any[]=x"
    assert ids(api.get(f"/api/v1/timelines/tag/cats?{query}")) == [tagged.pk]


def test_a_followers_only_tagged_post_shows_in_the_tag_to_followers_only(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    private = PostFactory(author=other_user, body="#cats", visibility=Visibility.FOLLOWERS)
    assert ids(api.get("/api/v1/timelines/home")) == [private.pk]
    # As the web's tag page: followers-only posts show to those who may see them.
    assert ids(api.get("/api/v1/timelines/tag/cats")) == [private.pk]
    follow_delete(follower=api.user, followee=other_user)
    assert ids(api.get("/api/v1/timelines/tag/cats")) == []


# Visitors (MSG_PUBLIC_PAGES) ------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/api/v1/timelines/public", "/api/v1/timelines/tag/cats"])
def test_visitors_read_public_timelines_when_pages_are_public(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = True
    author = UserFactory()
    public = PostFactory(author=author, body="#cats")
    PostFactory(author=author, body="#cats", visibility=Visibility.UNLISTED)
    PostFactory(author=author, body="#cats", visibility=Visibility.FOLLOWERS)
    response = anon_api.get(route)
    assert ids(response) == [public.pk]
    status = response.json()[0]
    assert status["favourited"] is None and status["filtered"] == []


@pytest.mark.parametrize("route", ["/api/v1/timelines/public", "/api/v1/timelines/tag/cats"])
def test_visitors_get_a_401_when_pages_are_private(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = False
    PostFactory(body="#cats")
    response = anon_api.get(route)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


@pytest.mark.parametrize(
    "route", [r for r in MEMBER_ROUTES if "public" not in r and "tag" not in r]
)
def test_member_timelines_need_a_token_even_when_pages_are_public(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get(route).status_code == 401


@pytest.mark.parametrize("route", [*MEMBER_ROUTES, "/api/v1/timelines/list/1"])
def test_no_token_is_a_401(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = False
    response = anon_api.get(route)
    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize("route", [*MEMBER_ROUTES, "/api/v1/timelines/list/1"])
def test_a_bad_token_is_a_401_even_on_public_timelines(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = True
    anon_api.token = "nope"
    assert anon_api.get(route).status_code == 401


# Scopes -----------------------------------------------------------------------------------------

SCOPES = {
    "/api/v1/timelines/home": "read:statuses",
    "/api/v1/timelines/public": "read:statuses",
    "/api/v1/timelines/tag/cats": "read:statuses",
    "/api/v1/timelines/direct": "read:statuses",
    "/api/v1/favourites": "read:favourites",
    "/api/v1/bookmarks": "read:bookmarks",
}


@pytest.mark.parametrize(("route", "scope"), SCOPES.items())
def test_each_timeline_needs_its_scope(api_for, route, scope):
    assert api_for(scope=scope).get(route).status_code == 200
    assert api_for(scope="read").get(route).status_code == 200
    denied = api_for(scope="write read:accounts")
    response = denied.get(route)
    assert response.status_code == 403
    assert "scope" in response.json()["error"]


def test_a_list_timeline_needs_read_lists(user, api_for):
    own = list_create(owner=user, title="Friends")
    route = f"/api/v1/timelines/list/{own.pk}"
    assert api_for(user, scope="read:lists").get(route).status_code == 200
    assert api_for(user, scope="read:statuses").get(route).status_code == 403


def test_an_app_token_without_an_account_is_refused(anon_api):
    anon_api.token = make_token(None, "read")
    assert anon_api.get("/api/v1/timelines/home").status_code == 422


# Lists ------------------------------------------------------------------------------------------


def test_a_list_timeline_holds_its_followed_members_posts(api, other_user):
    follow_create(follower=api.user, followee=other_user)
    friends = list_create(owner=api.user, title="Friends")
    list_member_add(owner=api.user, list_=friends, user=other_user)
    member_post = PostFactory(author=other_user)
    FollowFactory(follower=api.user, followee=UserFactory())
    PostFactory(author=UserFactory())
    route = f"/api/v1/timelines/list/{friends.pk}"
    assert ids(api.get(route)) == [member_post.pk]
    follow_delete(follower=api.user, followee=other_user)
    assert ids(api.get(route)) == []


@pytest.mark.parametrize("list_id", ["999999", "abc", "99999999999999999999999", "-1"])
def test_an_unknown_list_is_a_404(api, list_id):
    response = api.get(f"/api/v1/timelines/list/{list_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_someone_elses_list_is_a_404(api, other_user):
    theirs = list_create(owner=other_user, title="Secret")
    assert api.get(f"/api/v1/timelines/list/{theirs.pk}").status_code == 404


# Direct, favourites, bookmarks ----------------------------------------------------------------


def test_direct_lists_the_messages_sent_and_received(api, other_user):
    sent = post_create(author=api.user, body=f"@{other_user.username} hi", visibility="direct")
    got = post_create(author=other_user, body=f"@{api.user.username} yo", visibility="direct")
    post_create(author=other_user, body="@nobody public")
    post_create(author=other_user, body=f"@{UserFactory().username} x", visibility="direct")
    assert ids(api.get("/api/v1/timelines/direct")) == [got.pk, sent.pk]


def test_favourites_are_ordered_by_when_they_were_liked(api, other_user):
    first, second = PostFactory(author=other_user), PostFactory(author=other_user)
    post_like(user=api.user, post=second)
    post_like(user=api.user, post=first)
    PostFactory(author=other_user)
    statuses = api.get("/api/v1/favourites").json()
    assert [s["id"] for s in statuses] == [str(first.pk), str(second.pk)]
    assert all(s["favourited"] for s in statuses)


def test_bookmarks_are_ordered_by_when_they_were_saved(api, other_user):
    first, second = PostFactory(author=other_user), PostFactory(author=other_user)
    post_bookmark(user=api.user, post=second)
    post_bookmark(user=api.user, post=first)
    statuses = api.get("/api/v1/bookmarks").json()
    assert [s["id"] for s in statuses] == [str(first.pk), str(second.pk)]
    assert all(s["bookmarked"] for s in statuses)


def test_a_liked_followers_only_post_leaves_favourites_after_the_unfollow(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    private = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    post_like(user=api.user, post=private)
    post_bookmark(user=api.user, post=private)
    assert ids(api.get("/api/v1/favourites")) == [private.pk]
    follow_delete(follower=api.user, followee=other_user)
    assert ids(api.get("/api/v1/favourites")) == []
    assert ids(api.get("/api/v1/bookmarks")) == []
