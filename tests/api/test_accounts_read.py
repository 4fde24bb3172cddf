"""Reading accounts: one by id, by name (lookup), several by id, an account's posts (with
Mastodon's filters), its followers and following, and the empty lists msg has no such thing
for. The visibility is the web profile's, case by case."""

from urllib.parse import parse_qs, urlsplit

import pytest

from lists.services import list_create, list_member_add
from posts.models import Visibility
from posts.services import ImageUpload, post_create, post_repost
from posts.services.pins import post_pin
from social.services import block_create, follow_create, follow_delete
from tests.api.test_accounts_credentials import png
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import PostFactory, UserFactory
from users.services import profile_update, user_update

pytestmark = pytest.mark.django_db


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def next_link(response) -> str | None:
    """The path and query of the Link header's rel="next" address, if any."""
    for part in response.get("Link", "").split(","):
        if 'rel="next"' in part:
            url = part.split(";")[0].strip()[1:-1]
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}"
    return None


def walk(client, url: str) -> list[str]:
    """Follow rel="next" from url to the end; return every id seen, in order."""
    seen: list[str] = []
    at: str | None = url
    while at:
        response = client.get(at)
        seen += ids_of(response)
        at = next_link(response)
    return seen


def deactivate(user) -> None:
    user_update(user=user, is_active=False)


# One account --------------------------------------------------------------------------------


def test_an_account_by_id(api):
    other = UserFactory()
    profile_update(user=other, display_name="Grace", bio="")
    PostFactory(author=other)
    follow_create(follower=api.user, followee=other)
    body = api.get(f"/api/v1/accounts/{other.pk}").json()
    assert body["id"] == str(other.pk)
    assert body["username"] == other.username
    assert body["display_name"] == "Grace"
    assert (body["followers_count"], body["following_count"], body["statuses_count"]) == (1, 0, 1)


@pytest.mark.parametrize("raw", ["abc", "12a", "-1", "1.5", "٣", "99999999999999999999"])
def test_an_id_that_is_not_one_is_a_404(api, raw):
    response = api.get(f"/api/v1/accounts/{raw}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_an_unknown_or_deactivated_account_is_a_404(api):
    other = UserFactory()
    deactivate(other)
    assert api.get(f"/api/v1/accounts/{other.pk}").status_code == 404
    assert api.get(f"/api/v1/accounts/{other.pk + 1000}").status_code == 404


def test_an_account_you_blocked_still_answers_so_it_can_be_unblocked(api):
    other = UserFactory()
    profile_update(user=other, display_name="", bio="my bio")
    block_create(blocker=api.user, blocked=other)
    body = api.get(f"/api/v1/accounts/{other.pk}").json()
    assert body["id"] == str(other.pk)
    assert body["note"] == "<p>my bio</p>"


def test_an_account_that_blocked_you_shows_without_its_bio(api):
    """As on its profile page: the bio of an account that blocked you is hidden."""
    other = UserFactory()
    profile_update(user=other, display_name="", bio="my bio")
    block_create(blocker=other, blocked=api.user)
    body = api.get(f"/api/v1/accounts/{other.pk}").json()
    assert body["id"] == str(other.pk)
    assert body["note"] == ""


def test_reading_an_account_needs_a_token_unless_pages_are_public(anon_api, settings):
    other = UserFactory()
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get(f"/api/v1/accounts/{other.pk}").status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get(f"/api/v1/accounts/{other.pk}").json()["id"] == str(other.pk)


def test_account_query_count(api, django_assert_num_queries):
    other = UserFactory()
    with django_assert_num_queries(3):  # token, account with the relation, its counts
        assert api.get(f"/api/v1/accounts/{other.pk}").status_code == 200


def test_several_accounts_by_id_in_the_order_asked(api):
    a, b, gone = UserFactory(), UserFactory(), UserFactory()
    deactivate(gone)
    response = api.get(f"/api/v1/accounts?id[]={b.pk}&id[]={gone.pk}&id[]=x&id[]={a.pk}")
    assert ids_of(response) == [str(b.pk), str(a.pk)]


# Lookup -------------------------------------------------------------------------------------


def test_lookup_by_name_any_case_and_with_this_host(api, settings):
    other = UserFactory(username="Lovelace")
    settings.SITE_URL = "https://msg.example.org"
    for acct in (
        "Lovelace",
        "lovelace",
        "@lovelace",
        "lovelace@testserver",
        "lovelace@msg.example.org",
    ):
        response = api.get("/api/v1/accounts/lookup", {"acct": acct})
        assert response.status_code == 200, acct
        assert response.json()["id"] == str(other.pk)


@pytest.mark.parametrize("acct", ["nobody", "", "lovelace@elsewhere.social", "love lace", "a\x00b"])
def test_lookup_of_no_such_account_is_a_404(api, acct):
    UserFactory(username="lovelace")
    assert api.get("/api/v1/accounts/lookup", {"acct": acct}).status_code == 404


def test_lookup_of_a_deactivated_account_is_a_404(api):
    other = UserFactory(username="gone")
    deactivate(other)
    assert api.get("/api/v1/accounts/lookup", {"acct": "gone"}).status_code == 404


# An account's posts ---------------------------------------------------------------------------


def test_statuses_are_the_profiles_newest_first(api):
    author = UserFactory()
    first = PostFactory(author=author)
    comment = post_create(author=author, body="a reply", in_reply_to=PostFactory())
    repost = post_repost(user=author, post=PostFactory())
    PostFactory()  # someone else's
    response = api.get(f"/api/v1/accounts/{author.pk}/statuses")
    assert ids_of(response) == [str(repost.pk), str(comment.pk), str(first.pk)]
    reblog = response.json()[0]
    assert reblog["reblog"]["id"] == str(repost.repost_of_id)


def test_exclude_replies_and_reblogs(api):
    author = UserFactory()
    first = PostFactory(author=author)
    post_create(author=author, body="a reply", in_reply_to=PostFactory())
    repost = post_repost(user=author, post=PostFactory())
    url = f"/api/v1/accounts/{author.pk}/statuses"
    assert ids_of(api.get(url, {"exclude_replies": "true"})) == [str(repost.pk), str(first.pk)]
    both = {"exclude_replies": "1", "exclude_reblogs": "1"}
    assert ids_of(api.get(url, both)) == [str(first.pk)]


def test_only_media(api):
    author = UserFactory()
    with_image = post_create(author=author, body="look", images=[ImageUpload(png(), "red")])
    PostFactory(author=author)
    pictured = post_create(author=UserFactory(), body="x", images=[ImageUpload(png(), "blue")])
    post_repost(user=author, post=pictured)  # a repost is not the account's own media
    url = f"/api/v1/accounts/{author.pk}/statuses"
    assert ids_of(api.get(url, {"only_media": "true"})) == [str(with_image.pk)]


def test_tagged(api):
    author = UserFactory()
    tagged = post_create(author=author, body="about #Django")
    PostFactory(author=author, body="untagged")
    url = f"/api/v1/accounts/{author.pk}/statuses"
    assert ids_of(api.get(url, {"tagged": "django"})) == [str(tagged.pk)]
    assert ids_of(api.get(url, {"tagged": "#DJANGO"})) == [str(tagged.pk)]
    assert ids_of(api.get(url, {"tagged": "nosuchtag"})) == []


def test_pinned_returns_the_pins_last_pinned_first(api):
    author = UserFactory()
    a, b = PostFactory(author=author), PostFactory(author=author)
    PostFactory(author=author)
    post_pin(user=author, post=b)
    post_pin(user=author, post=a)
    url = f"/api/v1/accounts/{author.pk}/statuses"
    response = api.get(url, {"pinned": "true"})
    assert ids_of(response) == [str(a.pk), str(b.pk)]
    # As Mastodon: `pinned` is said only of the reader's own posts.
    assert [item["pinned"] for item in response.json()] == [None, None]
    assert ids_of(api.get(url, {"pinned": "true", "max_id": str(a.pk)})) == []


def test_pinned_is_true_on_the_authors_own_pins(api_for):
    author = UserFactory()
    post = PostFactory(author=author)
    post_pin(user=author, post=post)
    response = api_for(author).get(f"/api/v1/accounts/{author.pk}/statuses", {"pinned": "1"})
    assert [item["pinned"] for item in response.json()] == [True]


def test_statuses_follow_the_visibility_of_the_web(api):
    """Followers-only posts show to followers only; direct messages are listed nowhere."""
    author = UserFactory()
    public = PostFactory(author=author)
    followers = post_create(author=author, body="inner", visibility=Visibility.FOLLOWERS)
    post_create(author=author, body=f"@{api.user.username} psst", visibility=Visibility.DIRECT)
    url = f"/api/v1/accounts/{author.pk}/statuses"
    assert ids_of(api.get(url)) == [str(public.pk)]
    follow_create(follower=api.user, followee=author)
    assert ids_of(api.get(url)) == [str(followers.pk), str(public.pk)]


@BLOCKED_EITHER_WAY
def test_statuses_of_an_account_blocked_either_way_are_empty(api, author_blocks):
    author = UserFactory()
    PostFactory(author=author)
    block_between(author, api.user, author_blocks=author_blocks)
    assert ids_of(api.get(f"/api/v1/accounts/{author.pk}/statuses")) == []


def test_statuses_of_a_deactivated_account_are_a_404(api):
    author = UserFactory()
    PostFactory(author=author)
    deactivate(author)
    assert api.get(f"/api/v1/accounts/{author.pk}/statuses").status_code == 404


def test_a_visitor_sees_public_posts_only_when_pages_are_public(anon_api, settings):
    author = UserFactory()
    public = PostFactory(author=author)
    post_create(author=author, body="quiet", visibility=Visibility.UNLISTED)
    url = f"/api/v1/accounts/{author.pk}/statuses"
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get(url).status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    assert ids_of(anon_api.get(url)) == [str(public.pk)]


def test_statuses_walk_to_the_end_without_gaps_or_duplicates(api):
    author = UserFactory()
    posts = [PostFactory(author=author) for _ in range(7)]
    seen = walk(api, f"/api/v1/accounts/{author.pk}/statuses?limit=3&exclude_replies=1")
    assert seen == [str(p.pk) for p in reversed(posts)]


def test_statuses_link_keeps_the_filters(api):
    author = UserFactory()
    for _ in range(3):
        PostFactory(author=author)
    response = api.get(f"/api/v1/accounts/{author.pk}/statuses", {"limit": 2, "only_media": 0})
    link = next_link(response)
    assert link is not None
    query = parse_qs(urlsplit(link).query)
    assert query["only_media"] == ["0"]
    assert query["limit"] == ["2"]


@pytest.mark.parametrize("count", [1, 20])
def test_statuses_query_count_is_flat(api, django_assert_num_queries, count):
    author = UserFactory()
    for _ in range(count):
        PostFactory(author=author)
    # token, account, page, images, tags, mentions, author counts
    with django_assert_num_queries(7):
        assert len(ids_of(api.get(f"/api/v1/accounts/{author.pk}/statuses"))) == count


# Followers and following ----------------------------------------------------------------------


def test_followers_and_following_newest_follow_first(api):
    person = UserFactory()
    fans = [UserFactory() for _ in range(3)]
    for fan in fans:
        follow_create(follower=fan, followee=person)
    idols = [UserFactory() for _ in range(2)]
    for idol in idols:
        follow_create(follower=person, followee=idol)
    followers = ids_of(api.get(f"/api/v1/accounts/{person.pk}/followers"))
    assert followers == [str(f.pk) for f in reversed(fans)]
    following = ids_of(api.get(f"/api/v1/accounts/{person.pk}/following"))
    assert following == [str(i.pk) for i in reversed(idols)]


def test_followers_leave_out_deactivated_and_blocked_accounts(api):
    person = UserFactory()
    shown, gone, blocked = UserFactory(), UserFactory(), UserFactory()
    for fan in (shown, gone, blocked):
        follow_create(follower=fan, followee=person)
    deactivate(gone)
    block_create(blocker=api.user, blocked=blocked)
    assert ids_of(api.get(f"/api/v1/accounts/{person.pk}/followers")) == [str(shown.pk)]


@BLOCKED_EITHER_WAY
@pytest.mark.parametrize("side", ["followers", "following"])
def test_the_lists_of_an_account_blocked_either_way_are_a_404(api, author_blocks, side):
    """As on the web (social.views): no followers or following of an account blocked either way."""
    person = UserFactory()
    block_between(person, api.user, author_blocks=author_blocks)
    assert api.get(f"/api/v1/accounts/{person.pk}/{side}").status_code == 404


def test_your_own_followers_are_listed(api):
    fan = UserFactory()
    follow_create(follower=fan, followee=api.user)
    assert ids_of(api.get(f"/api/v1/accounts/{api.user.pk}/followers")) == [str(fan.pk)]


@pytest.mark.parametrize("side", ["followers", "following"])
def test_people_walk_to_the_end_by_the_follows_id(api, side):
    person = UserFactory()
    others = [UserFactory() for _ in range(5)]
    for other in reversed(others):  # the follows' ids run against the accounts' ids
        if side == "followers":
            follow_create(follower=other, followee=person)
        else:
            follow_create(follower=person, followee=other)
    seen = walk(api, f"/api/v1/accounts/{person.pk}/{side}?limit=2")
    assert seen == [str(o.pk) for o in others]
    first = api.get(f"/api/v1/accounts/{person.pk}/{side}?limit=2")
    assert 'rel="prev"' in first["Link"]
    assert first["Link"].startswith("<http://testserver/api/v1/accounts/")


def test_people_limit_is_40_by_default_and_80_at_most(api):
    person = UserFactory()
    for _ in range(81):
        follow_create(follower=UserFactory(), followee=person)
    assert len(ids_of(api.get(f"/api/v1/accounts/{person.pk}/followers"))) == 40
    assert len(ids_of(api.get(f"/api/v1/accounts/{person.pk}/followers?limit=500"))) == 80


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize("side", ["followers", "following"])
def test_people_query_count_is_flat(api, django_assert_num_queries, count, side):
    person = UserFactory()
    for _ in range(count):
        if side == "followers":
            follow_create(follower=UserFactory(), followee=person)
        else:
            follow_create(follower=person, followee=UserFactory())
    with django_assert_num_queries(4):  # token, account, follows with accounts, their counts
        assert len(ids_of(api.get(f"/api/v1/accounts/{person.pk}/{side}"))) == count


def test_people_need_a_token_and_the_read_accounts_scope(anon_api, api_for, settings):
    person = UserFactory()
    settings.MSG_PUBLIC_PAGES = True  # the web lists people to members only
    assert anon_api.get(f"/api/v1/accounts/{person.pk}/followers").status_code == 401
    assert api_for(scope="write").get(f"/api/v1/accounts/{person.pk}/followers").status_code == 403
    assert (
        api_for(scope="read:accounts").get(f"/api/v1/accounts/{person.pk}/following").status_code
        == 200
    )


# What msg has none of, and your lists ---------------------------------------------------------


@pytest.mark.parametrize("what", ["featured_tags", "identity_proofs"])
def test_empty_lists_for_an_account(api, what):
    other = UserFactory()
    assert api.get(f"/api/v1/accounts/{other.pk}/{what}").json() == []
    assert api.get(f"/api/v1/accounts/{other.pk + 99}/{what}").status_code == 404


def test_the_lists_that_hold_an_account(api):
    other = UserFactory()
    follow_create(follower=api.user, followee=other)
    friends = list_create(owner=api.user, title="Friends")
    list_create(owner=api.user, title="Work")
    list_member_add(owner=api.user, list_=friends, user=other)
    body = api.get(f"/api/v1/accounts/{other.pk}/lists").json()
    assert body == [
        {"id": str(friends.pk), "title": "Friends", "replies_policy": "none", "exclusive": False}
    ]


def test_an_account_you_no_longer_follow_is_on_none_of_your_lists(api):
    """The membership stays through an unfollow, but lists show only followed accounts."""
    other = UserFactory()
    follow_create(follower=api.user, followee=other)
    friends = list_create(owner=api.user, title="Friends")
    list_member_add(owner=api.user, list_=friends, user=other)
    follow_delete(follower=api.user, followee=other)
    assert api.get(f"/api/v1/accounts/{other.pk}/lists").json() == []


def test_account_lists_need_the_read_lists_scope(api_for):
    other = UserFactory()
    assert (
        api_for(scope="read:accounts").get(f"/api/v1/accounts/{other.pk}/lists").status_code == 403
    )
    assert api_for(scope="read:lists").get(f"/api/v1/accounts/{other.pk}/lists").status_code == 200


def test_a_nul_in_the_account_search_reaches_no_query(api):
    """GET /api/v1/accounts/search?q=a%00 must not send the NUL to the database: PostgreSQL
    refuses it with DataError, a 500 (it is stripped, as /api/v2/search does). On SQLite the
    query runs, which this test catches."""
    from django.db import connection

    sent: list[object] = []

    def record(execute, sql, params, many, context):
        sent.extend(params or ())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = api.get("/api/v1/accounts/search?q=user%00x")
    assert response.status_code < 500
    assert sent  # the search ran
    assert not [p for p in sent if isinstance(p, str) and "\x00" in p]


def test_the_account_search_and_the_v2_search_read_q_alike(api):
    """Both searches read q through search.search_text: a NUL inside a name is dropped."""
    ada = UserFactory(username="ada_nul")
    found = api.get("/api/v1/accounts/search", {"q": "ada\x00_nul"}).json()
    assert [a["id"] for a in found] == [str(ada.pk)]
    v2 = api.get("/api/v2/search", {"q": "ada\x00_nul", "type": "accounts"}).json()
    assert [a["id"] for a in v2["accounts"]] == [str(ada.pk)]
