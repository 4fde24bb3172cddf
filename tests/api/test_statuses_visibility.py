"""Who may read a status through the API: exactly who may open its page on the web.

Each expected answer is read from the web in the same test (the post's page, requested with
the test client as the same reader), never from a table written here.
"""

import pytest
from django.test import Client

from posts.models import Visibility
from posts.services import post_create, post_like, post_repost
from social.services import block_create, follow_create, follow_delete
from tests.api.conftest import ApiClient, make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READERS = ["author", "follower", "mentioned", "stranger", "blocked", "visitor"]
VISIBILITIES = ["public", "unlisted", "private", "direct"]
MASTODON_TO_MSG = {
    "public": Visibility.PUBLIC,
    "unlisted": Visibility.UNLISTED,
    "private": Visibility.FOLLOWERS,
    "direct": Visibility.DIRECT,
}
# What the API answers for each answer of the web: a visitor sent to the login page is a 401.
WEB_TO_API = {200: 200, 404: 404, 302: 401}


@pytest.fixture
def cast(db):
    """An author, a follower, a mentioned account, a stranger and an account the author
    blocked."""
    people = {name: UserFactory() for name in READERS if name != "visitor"}
    follow_create(follower=people["follower"], followee=people["author"])
    block_create(blocker=people["author"], blocked=people["blocked"])
    return people


def web_answer(post, reader) -> int:
    client = Client()
    if reader is not None:
        client.force_login(reader)
    return client.get(post.get_absolute_url()).status_code


def api_answer(post, reader) -> int:
    client = ApiClient(make_token(reader) if reader is not None else None)
    response = client.get(f"/api/v1/statuses/{post.pk}")
    if response.status_code == 200:
        assert response.json()["id"] == str(post.pk)
    else:
        assert "error" in response.json()
    return response.status_code


@pytest.mark.parametrize("public_pages", [False, True], ids=["pages off", "pages on"])
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_api_answers_as_the_post_page_does(cast, settings, visibility, public_pages):
    settings.MSG_PUBLIC_PAGES = public_pages
    post = post_create(
        author=cast["author"],
        body=f"hello @{cast['mentioned'].username}",
        visibility=MASTODON_TO_MSG[visibility],
    )
    web = {}
    api = {}
    for name in READERS:
        reader = cast.get(name)
        web[name] = WEB_TO_API[web_answer(post, reader)]
        api[name] = api_answer(post, reader)
    assert api == web
    # The comparison means something: somebody reads it, and not everybody may.
    assert web["author"] == 200
    assert web["blocked"] == 404


@pytest.mark.parametrize("public_pages", [False, True], ids=["pages off", "pages on"])
def test_a_reblog_is_readable_as_its_address_is_on_the_web(cast, settings, public_pages):
    """A reblog's address sends a reader on to the original (a 302) when they may read it."""
    settings.MSG_PUBLIC_PAGES = public_pages
    original = post_create(author=cast["author"], body="original")
    wrapper = post_repost(user=cast["stranger"], post=original)
    web, api = {}, {}
    for name in READERS:
        reader = cast.get(name)
        client = Client()
        if reader is not None:
            client.force_login(reader)
        response = client.get(wrapper.get_absolute_url())
        sent_on = response.status_code == 302 and "login" not in response["Location"]
        web[name] = 200 if sent_on else WEB_TO_API[response.status_code]
        api[name] = api_answer(wrapper, reader)
    assert api == web
    assert web["blocked"] == 404  # the original's author blocked them


def test_a_followers_only_post_is_unreadable_at_once_after_an_unfollow(cast):
    """Takahē showed it for another 33 seconds: msg answers 404 on the very next request,
    for the status, its context, its favourite and its thread alike."""
    author, follower = cast["author"], cast["follower"]
    post = post_create(author=author, body="for my followers", visibility=Visibility.FOLLOWERS)
    client = ApiClient(make_token(follower))
    assert client.get(f"/api/v1/statuses/{post.pk}").status_code == 200
    follow_delete(follower=follower, followee=author)
    assert web_answer(post, follower) == 404
    assert client.get(f"/api/v1/statuses/{post.pk}").status_code == 404
    assert client.get(f"/api/v1/statuses/{post.pk}/context").status_code == 404
    assert client.get(f"/api/v1/statuses?id[]={post.pk}").json() == []
    assert client.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 404


def test_a_hidden_status_is_a_404_like_a_missing_one(api, other_user):
    post = post_create(author=other_user, body="secret", visibility=Visibility.FOLLOWERS)
    hidden = api.get(f"/api/v1/statuses/{post.pk}")
    missing = api.get(f"/api/v1/statuses/{post.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"error": "Record not found"}


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "9" * 40, "\u0661\u0662"])
def test_an_id_that_is_no_id_is_a_404(api, bad):
    response = api.get(f"/api/v1/statuses/{bad}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_several_statuses_at_once_keep_the_order_and_leave_out_hidden_ones(api, other_user):
    a = post_create(author=other_user, body="a")
    b = post_create(author=other_user, body="b", visibility=Visibility.FOLLOWERS)
    c = post_create(author=api.user, body="c")
    response = api.get(f"/api/v1/statuses?id[]={c.pk}&id[]={b.pk}&id[]={a.pk}&id[]=x")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [str(c.pk), str(a.pk)]


def test_more_than_twenty_ids_is_a_422(api):
    query = "&".join(f"id[]={n}" for n in range(1, 22))
    response = api.get(f"/api/v1/statuses?{query}")
    assert response.status_code == 422
    assert "error" in response.json()


def test_a_visitor_reads_public_statuses_only_with_public_pages(anon_api, other_user, settings):
    post = post_create(author=other_user, body="hello")
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get(f"/api/v1/statuses/{post.pk}").status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    response = anon_api.get(f"/api/v1/statuses/{post.pk}")
    assert response.status_code == 200
    assert response.json()["favourited"] is None  # a visitor has no marks of their own


def test_the_marks_are_the_readers_own(api, other_user):
    post = post_create(author=other_user, body="hello")
    post_like(user=api.user, post=post)
    mine = api.get(f"/api/v1/statuses/{post.pk}").json()
    theirs = ApiClient(make_token(other_user)).get(f"/api/v1/statuses/{post.pk}").json()
    assert (mine["favourited"], mine["favourites_count"]) == (True, 1)
    assert (theirs["favourited"], theirs["favourites_count"]) == (False, 1)
