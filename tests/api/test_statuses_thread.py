"""Reading around a status: its context (thread), edit history, source, card and quotes, and
the query counts of the reads."""

import pytest
from django.test import Client

from posts.models import Visibility
from posts.services import media, post_create, post_edit, post_repost
from posts.services.previews import preview_store
from social.services import block_create, follow_create
from tests.core.test_images import encode, quadrants, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ids(statuses: list[dict]) -> list[int]:
    return [int(s["id"]) for s in statuses]


def reply(author, to, body="reply", **kwargs):
    return post_create(author=author, body=body, in_reply_to=to, **kwargs)


# Context ---------------------------------------------------------------------------------------


def test_the_context_of_a_reply_in_a_tree(api, other_user):
    """Ancestors run from the thread's first post down to the parent; descendants are the
    reply tree below the post, depth first, oldest first at each level."""
    root = post_create(author=other_user, body="root")
    a = reply(api.user, root, "a")
    b = reply(other_user, a, "b")
    sibling = reply(other_user, root, "sibling of a")
    c = reply(api.user, b, "c")
    d1 = reply(other_user, c, "d1")
    e = reply(api.user, d1, "e")
    d2 = reply(api.user, c, "d2")
    reply(api.user, sibling, "elsewhere")
    response = api.get(f"/api/v1/statuses/{c.pk}/context")
    assert response.status_code == 200
    body = response.json()
    assert ids(body["ancestors"]) == [root.pk, a.pk, b.pk]
    assert ids(body["descendants"]) == [d1.pk, e.pk, d2.pk]


def test_the_context_of_a_first_post_has_every_reply_below_it(api, other_user):
    root = post_create(author=other_user, body="root")
    a = reply(api.user, root)
    b = reply(other_user, root)
    a1 = reply(other_user, a)
    body = api.get(f"/api/v1/statuses/{root.pk}/context").json()
    assert body["ancestors"] == []
    assert ids(body["descendants"]) == [a.pk, a1.pk, b.pk]


def test_the_context_leaves_out_what_the_reader_may_not_see(api, other_user):
    """As on the web: a blocked account's replies are not shown, nor a direct reply to
    someone else; what is below them is, each by its own rule."""
    root = post_create(author=other_user, body="root")
    blocked = UserFactory()
    block_create(blocker=api.user, blocked=blocked)
    hidden = reply(blocked, root, "from someone blocked")
    below_hidden = reply(other_user, hidden, "under it")
    private = reply(other_user, root, "just between us", visibility=Visibility.DIRECT)
    shown = reply(other_user, root, "for all")
    body = api.get(f"/api/v1/statuses/{root.pk}/context").json()
    assert ids(body["descendants"]) == [below_hidden.pk, shown.pk]
    # The web agrees, post by post.
    web = Client()
    web.force_login(api.user)
    for post in (hidden, private):
        assert web.get(post.get_absolute_url()).status_code == 404
    for post in (below_hidden, shown):
        assert web.get(post.get_absolute_url()).status_code == 200


def test_the_context_of_a_hidden_status_is_a_404(api, other_user):
    post = post_create(author=other_user, body="secret", visibility=Visibility.FOLLOWERS)
    response = api.get(f"/api/v1/statuses/{post.pk}/context")
    assert response.status_code == 404


def test_the_context_of_a_reblog_is_its_originals(api, other_user):
    root = post_create(author=other_user, body="root")
    answer = reply(other_user, root)
    wrapper = post_repost(user=api.user, post=root)
    body = api.get(f"/api/v1/statuses/{wrapper.pk}/context").json()
    assert ids(body["descendants"]) == [answer.pk]


def test_a_visitor_gets_a_bounded_context(anon_api, other_user, settings, monkeypatch):
    """Signed out, Mastodon gives at most 40 ancestors and 60 descendants, 20 levels deep."""
    from api.resources import statuses

    settings.MSG_PUBLIC_PAGES = True
    monkeypatch.setattr(statuses, "VISITOR_ANCESTORS", 2)
    monkeypatch.setattr(statuses, "VISITOR_DESCENDANTS", 3)
    monkeypatch.setattr(statuses, "VISITOR_DEPTH", 2)
    chain = [post_create(author=other_user, body="0")]
    for n in range(1, 6):
        chain.append(reply(other_user, chain[-1], str(n)))
    middle = chain[3]
    body = anon_api.get(f"/api/v1/statuses/{middle.pk}/context").json()
    assert ids(body["ancestors"]) == [chain[1].pk, chain[2].pk]  # the nearest two
    assert ids(body["descendants"]) == [chain[4].pk, chain[5].pk]  # two levels deep
    wide = [reply(other_user, chain[5], f"w{n}") for n in range(5)]
    body = anon_api.get(f"/api/v1/statuses/{chain[5].pk}/context").json()
    assert ids(body["descendants"]) == [w.pk for w in wide[:3]]


def test_a_visitor_reads_the_context_of_a_public_post_only_with_public_pages(
    anon_api, other_user, settings
):
    root = post_create(author=other_user, body="root")
    reply(other_user, root, "public reply")
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get(f"/api/v1/statuses/{root.pk}/context").status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    assert len(anon_api.get(f"/api/v1/statuses/{root.pk}/context").json()["descendants"]) == 1


# The token; the post; the reply tree; the rows with their images, tags and mentions; the
# authors' counts.
CONTEXT_QUERIES = 8


@pytest.mark.parametrize("count", [1, 20])
def test_the_query_count_of_a_context_is_flat(api, other_user, count, django_assert_num_queries):
    root = post_create(author=other_user, body="root")
    for n in range(count):
        reply(UserFactory(), root, f"reply {n} #tag @{other_user.username}")
    with django_assert_num_queries(CONTEXT_QUERIES):
        response = api.get(f"/api/v1/statuses/{root.pk}/context")
    assert len(response.json()["descendants"]) == count


def test_the_query_count_of_a_reply_context_adds_the_walk_up(
    api, other_user, django_assert_num_queries
):
    root = post_create(author=other_user, body="root")
    middle = reply(other_user, root)
    with django_assert_num_queries(CONTEXT_QUERIES + 1):
        response = api.get(f"/api/v1/statuses/{middle.pk}/context")
    assert ids(response.json()["ancestors"]) == [root.pk]


# One status ------------------------------------------------------------------------------------

# The token; the row; its images, tags and mentions; the author's counts.
STATUS_QUERIES = 6


@pytest.mark.parametrize("tags", [1, 10])
def test_the_query_count_of_a_status(api, other_user, tags, django_assert_num_queries):
    body = " ".join(f"#t{n} @{other_user.username}" for n in range(tags))
    post = post_create(author=other_user, body=body)
    with django_assert_num_queries(STATUS_QUERIES):
        response = api.get(f"/api/v1/statuses/{post.pk}")
    assert len(response.json()["tags"]) == tags


# History ---------------------------------------------------------------------------------------


def test_the_history_runs_from_the_first_version_to_the_current_one(api):
    image = media.media_upload(
        owner=api.user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text="first alt"
    )
    post = post_create(author=api.user, body="one", media_ids=[image.pk])
    post_edit(user=api.user, post=post, body="two", spoiler_text="cw")
    post_edit(user=api.user, post=post, body="three", alt_texts={image.pk: "new alt"})
    response = api.get(f"/api/v1/statuses/{post.pk}/history")
    assert response.status_code == 200
    versions = response.json()
    assert [v["content"] for v in versions] == ["<p>one</p>", "<p>two</p>", "<p>three</p>"]
    assert [v["spoiler_text"] for v in versions] == ["", "cw", "cw"]
    assert [v["media_attachments"][0]["description"] for v in versions] == [
        "first alt",
        "first alt",
        "new alt",
    ]
    assert {v["media_attachments"][0]["id"] for v in versions} == {str(image.pk)}
    assert all(v["account"]["id"] == str(api.user.pk) for v in versions)
    times = [v["created_at"] for v in versions]
    assert times == sorted(times)
    status = api.get(f"/api/v1/statuses/{post.pk}").json()
    assert status["edited_at"] == times[-1]


# The token; the status row, its images, tags and mentions; the history (may the reader see
# it, with its images; the page of earlier versions); the author's counts.
HISTORY_QUERIES = 9


@pytest.mark.parametrize("edits", [1, 10])
def test_the_query_count_of_a_history_is_flat(api, edits, django_assert_num_queries):
    post = post_create(author=api.user, body="v0")
    for n in range(edits):
        post_edit(user=api.user, post=post, body=f"v{n + 1}")
    with django_assert_num_queries(HISTORY_QUERIES):
        response = api.get(f"/api/v1/statuses/{post.pk}/history")
    assert len(response.json()) == edits + 1


def test_an_unedited_status_has_one_version(api, other_user):
    post = post_create(author=other_user, body="as posted")
    versions = api.get(f"/api/v1/statuses/{post.pk}/history").json()
    assert [v["content"] for v in versions] == ["<p>as posted</p>"]
    assert versions[0]["poll"] is None


def test_the_history_of_a_hidden_status_is_a_404(api, other_user):
    post = post_create(author=other_user, body="secret", visibility=Visibility.FOLLOWERS)
    post_edit(user=other_user, post=post, body="still secret")
    assert api.get(f"/api/v1/statuses/{post.pk}/history").status_code == 404
    follow_create(follower=api.user, followee=other_user)
    assert len(api.get(f"/api/v1/statuses/{post.pk}/history").json()) == 2


# Source, card, quotes --------------------------------------------------------------------------


def test_the_source_of_ones_own_status(api):
    post = post_create(author=api.user, body="**raw** #text", spoiler_text="cw")
    response = api.get(f"/api/v1/statuses/{post.pk}/source")
    assert response.json() == {"id": str(post.pk), "text": "**raw** #text", "spoiler_text": "cw"}


def test_the_source_of_someone_elses_status_is_a_404(api, other_user):
    post = post_create(author=other_user, body="theirs")
    assert api.get(f"/api/v1/statuses/{post.pk}/source").status_code == 404


def test_the_card_of_a_status(api, other_user, settings):
    settings.MSG_PREVIEWS = True
    preview_store(url="https://example.com/page", title="A page", description="About it")
    post = post_create(author=other_user, body="see https://example.com/page")
    plain = post_create(author=other_user, body="no link")
    card = api.get(f"/api/v1/statuses/{post.pk}/card").json()
    assert (card["url"], card["title"], card["description"]) == (
        "https://example.com/page",
        "A page",
        "About it",
    )
    assert api.get(f"/api/v1/statuses/{post.pk}").json()["card"]["title"] == "A page"
    assert api.get(f"/api/v1/statuses/{plain.pk}/card").json() == {}


def test_the_quotes_of_a_status(api, other_user):
    quoted = post_create(author=other_user, body="quote me")
    first = post_create(author=api.user, body="one", quote_of=quoted)
    second = post_create(author=UserFactory(), body="two", quote_of=quoted)
    post_create(author=UserFactory(), body="hidden", quote_of=quoted, visibility="unlisted")
    response = api.get(f"/api/v1/statuses/{quoted.pk}/quotes?limit=1")
    assert ids(response.json()) == [second.pk]
    assert "max_id" in response["Link"]
    older = api.get(f"/api/v1/statuses/{quoted.pk}/quotes?limit=1&max_id={second.pk}")
    assert ids(older.json()) == [first.pk]


# The token; the post; the page of quotes; their images, the quoted posts' images, their tags
# and mentions; the quoted posts they show (one query, with its images, tags and mentions);
# the authors' counts.
QUOTES_QUERIES = 12


@pytest.mark.parametrize("count", [1, 20])
def test_the_query_count_of_quotes_is_flat(api, other_user, count, django_assert_num_queries):
    quoted = post_create(author=other_user, body="quote me")
    for n in range(count):
        post_create(author=UserFactory(), body=f"quote {n} #tag", quote_of=quoted)
    with django_assert_num_queries(QUOTES_QUERIES):
        response = api.get(f"/api/v1/statuses/{quoted.pk}/quotes")
    assert len(response.json()) == count


def test_quotes_need_a_token(anon_api, other_user, settings):
    settings.MSG_PUBLIC_PAGES = True
    quoted = post_create(author=other_user, body="quote me")
    assert anon_api.get(f"/api/v1/statuses/{quoted.pk}/quotes").status_code == 401


@pytest.mark.parametrize(
    "path", ["", "/context", "/history", "/card", "/source", "/favourited_by", "/quotes"]
)
def test_reads_need_read_statuses(api_for, other_user, path):
    post = post_create(author=other_user, body="hello")
    assert api_for(scope="write").get(f"/api/v1/statuses/{post.pk}{path}").status_code == 403
    allowed = api_for(scope="read:statuses").get(f"/api/v1/statuses/{post.pk}{path}")
    assert allowed.status_code in (200, 404)  # source: someone else's is a 404
