"""POST /api/v1/statuses: posting through post_create, as the compose form does, with bodies
sent form-encoded, as JSON and as multipart."""

import json
from functools import partial
from urllib.parse import urlencode

import pytest
from django.test import Client

from conversations.selectors import conversations
from posts.models import Poll, Post, PostImage, Visibility
from posts.services import media, post_create, post_repost
from social.services import block_create
from tests.api.conftest import ApiClient, make_token
from tests.core.test_images import encode, quadrants, upload
from tests.factories import UserFactory
from tests.posts.test_queries import search_row_queries
from tests.threads import race

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def form(client, url, data, method="post", **extra):
    return getattr(client, method)(url, urlencode(data, doseq=True), content_type=FORM, **extra)


def as_json(client, url, data, method="post", **extra):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **extra)


def draft(owner, alt="four squares") -> PostImage:
    return media.media_upload(
        owner=owner, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=alt
    )


def test_a_form_encoded_status_is_posted(api):
    response = form(
        api,
        "/api/v1/statuses",
        {
            "status": "hello #world",
            "visibility": "unlisted",
            "spoiler_text": "a warning",
            "sensitive": "1",
            "language": "en",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    post = Post.objects.get()
    assert body["id"] == str(post.pk)
    assert (post.author, post.body, post.visibility) == (api.user, "hello #world", "unlisted")
    assert (post.spoiler_text, post.sensitive) == ("a warning", True)
    assert body["visibility"] == "unlisted"
    assert body["spoiler_text"] == "a warning"
    assert body["tags"][0]["name"] == "world"
    assert body["account"]["id"] == str(api.user.pk)
    assert body["language"] is None  # accepted, not stored


def test_a_json_status_is_posted(api):
    response = as_json(api, "/api/v1/statuses", {"status": "from json", "sensitive": False})
    assert response.status_code == 200, response.content
    assert Post.objects.get().body == "from json"


def test_a_multipart_status_is_posted(api):
    response = api.post("/api/v1/statuses", {"status": "from multipart", "visibility": "private"})
    assert response.status_code == 200, response.content
    post = Post.objects.get()
    assert (post.body, post.visibility) == ("from multipart", Visibility.FOLLOWERS)
    assert response.json()["visibility"] == "private"


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct"])
def test_each_visibility_round_trips(api, visibility):
    response = form(api, "/api/v1/statuses", {"status": "hi", "visibility": visibility})
    assert response.status_code == 200, response.content
    assert response.json()["visibility"] == visibility


def test_the_default_visibility_is_public(api):
    assert form(api, "/api/v1/statuses", {"status": "hi"}).json()["visibility"] == "public"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "hi", "visibility": "everyone"},
        {"status": ""},
        {"status": "   "},
        {"status": "x" * 5001},
        {"status": "nul \x00"},
        {"status": "hi", "spoiler_text": "w" * 101},
        {"status": "hi", "sensitive": "perhaps"},
        {"status": "hi", "media_ids[]": ["abc"]},
        {"status": "hi", "media_ids[]": ["999999"]},
        {"status": "hi", "poll[options][]": ["only one"], "poll[expires_in]": "600"},
        {"status": "hi", "poll[options][]": ["a", "b"]},
        {"status": "hi", "poll[expires_in]": "600"},
        {"status": "hi", "poll[options][]": ["a", "b"], "poll[expires_in]": "60"},
        {"status": "hi", "poll[options][]": ["a", "b"], "poll[expires_in]": "soon"},
        {"status": "hi", "poll[options][]": ["a", "a"], "poll[expires_in]": "600"},
    ],
)
def test_bad_input_is_a_422_and_posts_nothing(api, data, settings):
    settings.MSG_MAX_POST_LENGTH = 5000
    response = form(api, "/api/v1/statuses", data)
    assert response.status_code == 422, response.content
    assert response.json()["error"].startswith("Validation failed")
    assert not Post.objects.exists()
    assert not Poll.objects.exists()


def test_a_scheduled_status_is_refused(api):
    response = form(
        api, "/api/v1/statuses", {"status": "later", "scheduled_at": "2099-01-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert response.json() == {"error": "msg cannot schedule posts"}
    assert not Post.objects.exists()


def test_an_empty_scheduled_at_is_no_schedule(api):
    assert form(api, "/api/v1/statuses", {"status": "now", "scheduled_at": ""}).status_code == 200


# Replies and quotes ----------------------------------------------------------------------------


def test_a_reply(api, other_user):
    parent = post_create(author=other_user, body="parent")
    response = form(api, "/api/v1/statuses", {"status": "reply", "in_reply_to_id": parent.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["in_reply_to_id"] == str(parent.pk)
    assert body["in_reply_to_account_id"] == str(other_user.pk)
    assert Post.objects.get(pk=body["id"]).in_reply_to == parent


def test_a_reply_to_a_reblog_replies_to_the_original(api, other_user):
    original = post_create(author=other_user, body="original")
    wrapper = post_repost(user=UserFactory(), post=original)
    response = form(api, "/api/v1/statuses", {"status": "reply", "in_reply_to_id": wrapper.pk})
    assert response.json()["in_reply_to_id"] == str(original.pk)


def test_a_reply_to_a_post_the_author_cannot_see_is_a_404(api, other_user):
    hidden = post_create(author=other_user, body="mine", visibility=Visibility.FOLLOWERS)
    response = form(api, "/api/v1/statuses", {"status": "reply", "in_reply_to_id": hidden.pk})
    assert response.status_code == 404
    assert "does not appear to exist" in response.json()["error"]
    assert Post.objects.count() == 1


def test_a_reply_into_a_blocking_authors_thread_is_refused(api, other_user):
    parent = post_create(author=other_user, body="parent")
    block_create(blocker=api.user, blocked=other_user)
    response = form(api, "/api/v1/statuses", {"status": "reply", "in_reply_to_id": parent.pk})
    assert response.status_code == 404  # the blocked author's post is hidden from the blocker
    assert Post.objects.count() == 1


def test_a_reply_is_no_more_visible_than_its_parent(api):
    parent = post_create(author=api.user, body="parent", visibility=Visibility.FOLLOWERS)
    response = form(
        api,
        "/api/v1/statuses",
        {"status": "reply", "in_reply_to_id": parent.pk, "visibility": "public"},
    )
    assert response.json()["visibility"] == "private"


def test_a_quote(api, other_user):
    quoted = post_create(author=other_user, body="quote me")
    response = form(api, "/api/v1/statuses", {"status": "so true", "quoted_status_id": quoted.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["quote"]["state"] == "accepted"
    assert body["quote"]["quoted_status"]["id"] == str(quoted.pk)
    assert Post.objects.get(pk=body["id"]).quote_of == quoted


def test_a_quote_of_a_hidden_post_is_a_404(api, other_user):
    hidden = post_create(author=other_user, body="mine", visibility=Visibility.FOLLOWERS)
    response = form(api, "/api/v1/statuses", {"status": "x", "quoted_status_id": hidden.pk})
    assert response.status_code == 404
    assert Post.objects.count() == 1


def test_a_quote_the_author_refuses_is_a_403(api, other_user):
    other_user.quote_policy = "nobody"
    other_user.save()
    quoted = post_create(author=other_user, body="no quotes")
    response = form(api, "/api/v1/statuses", {"status": "x", "quoted_status_id": quoted.pk})
    assert response.status_code == 403
    assert "does not allow quotes" in response.json()["error"]
    assert Post.objects.count() == 1


# Direct messages -------------------------------------------------------------------------------


def test_a_direct_status_goes_to_the_accounts_it_mentions(api, other_user):
    stranger = UserFactory()
    response = form(
        api,
        "/api/v1/statuses",
        {"status": f"@{other_user.username} just us", "visibility": "direct"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["visibility"] == "direct"
    assert [m["id"] for m in body["mentions"]] == [str(other_user.pk)]
    post = Post.objects.get(pk=body["id"])
    # The same conversation the web's /messages/ shows, to the recipient only.
    assert list(conversations(other_user).values_list("pk", flat=True)) == [post.pk]
    recipient = Client()
    recipient.force_login(other_user)
    assert "just us" in recipient.get("/messages/").content.decode()
    assert ApiClient(make_token(stranger)).get(f"/api/v1/statuses/{post.pk}").status_code == 404


def test_a_direct_status_to_someone_blocked_is_refused(api, other_user):
    block_create(blocker=other_user, blocked=api.user)
    response = form(
        api, "/api/v1/statuses", {"status": f"@{other_user.username} hi", "visibility": "direct"}
    )
    assert response.status_code == 403
    assert other_user.username in response.json()["error"]
    assert not Post.objects.exists()


# Media and polls -------------------------------------------------------------------------------


def test_uploaded_media_is_attached_in_order(api):
    first, second = draft(api.user, "first"), draft(api.user, "second")
    response = form(
        api, "/api/v1/statuses", {"status": "pics", "media_ids[]": [second.pk, first.pk]}
    )
    assert response.status_code == 200, response.content
    attachments = response.json()["media_attachments"]
    assert [a["id"] for a in attachments] == [str(second.pk), str(first.pk)]
    assert [a["description"] for a in attachments] == ["second", "first"]
    assert attachments[0]["url"].startswith("http://testserver/")
    assert set(PostImage.objects.values_list("post", flat=True)) == {int(response.json()["id"])}


def test_media_ids_sent_as_json(api):
    image = draft(api.user)
    response = as_json(api, "/api/v1/statuses", {"status": "pic", "media_ids": [str(image.pk)]})
    assert [a["id"] for a in response.json()["media_attachments"]] == [str(image.pk)]


@pytest.mark.parametrize("send", [as_json, form])
def test_an_empty_media_ids_list_means_no_media(api, send):
    """toot posts {"status": ..., "media_ids": []}; the form's `media_ids[]=` says the same."""
    data = {"status": "no pics", "media_ids": []} if send is as_json else {"media_ids[]": ""}
    response = send(api, "/api/v1/statuses", {"status": "no pics", **data})
    assert response.status_code == 200, response.content
    assert response.json()["media_attachments"] == []
    assert Post.objects.get().body == "no pics"


def test_an_image_without_a_description_is_refused_with_a_clear_message(api):
    image = draft(api.user, alt="")
    response = form(api, "/api/v1/statuses", {"status": "pic", "media_ids[]": [image.pk]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert str(media.ALT_REQUIRED) in error
    assert "PUT /api/v1/media/:id" in error
    assert not Post.objects.exists()
    image.refresh_from_db()
    assert image.post is None  # still a draft, to describe and post again


def test_someone_elses_upload_cannot_be_attached(api, other_user):
    theirs = draft(other_user)
    response = form(api, "/api/v1/statuses", {"status": "pic", "media_ids[]": [theirs.pk]})
    assert response.status_code == 422
    assert not Post.objects.exists()


def test_a_poll_sent_form_encoded(api):
    response = form(
        api,
        "/api/v1/statuses",
        {
            "status": "which?",
            "poll[options][]": ["tea", "coffee", "water"],
            "poll[expires_in]": "3600",
            "poll[multiple]": "true",
            "poll[hide_totals]": "0",
        },
    )
    assert response.status_code == 200, response.content
    poll = response.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["tea", "coffee", "water"]
    assert poll["multiple"] is True
    stored = Poll.objects.get()
    assert stored.multiple
    assert 3590 <= (stored.expires_at - stored.post.created_at).total_seconds() <= 3610


def test_a_poll_sent_as_json_as_mastodon_py_does(api):
    response = as_json(
        api,
        "/api/v1/statuses",
        {
            "status": "which?",
            "poll": {"options": ["yes", "no"], "expires_in": 300, "multiple": False},
            "sensitive": False,
        },
    )
    assert response.status_code == 200, response.content
    poll = response.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["yes", "no"]
    assert poll["multiple"] is False


# Scopes and the query count ----------------------------------------------------------------


@pytest.mark.parametrize("scope", ["read", "write:media", "write:favourites"])
def test_posting_needs_write_statuses(api_for, scope):
    response = form(api_for(scope=scope), "/api/v1/statuses", {"status": "hi"})
    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize("scope", ["write", "write:statuses"])
def test_write_or_write_statuses_may_post(api_for, scope):
    assert form(api_for(scope=scope), "/api/v1/statuses", {"status": "hi"}).status_code == 200


def test_posting_without_a_token_is_a_401(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    assert form(anon_api, "/api/v1/statuses", {"status": "hi"}).status_code == 401
    assert not Post.objects.exists()


# The token; post_create's savepoint, full_clean (the author and audience exist, the
# constraint check), the post, release; the status read back (the row, its images, tags,
# mentions); the author's counts. SQLite adds two for the search table's row.
CREATE_QUERIES = 14


def test_the_query_count_of_posting(api, django_assert_num_queries):
    with django_assert_num_queries(CREATE_QUERIES + search_row_queries()):
        assert form(api, "/api/v1/statuses", {"status": "hello"}).status_code == 200


# Idempotency -----------------------------------------------------------------------------------


def test_the_same_idempotency_key_posts_once(api):
    headers = {"Idempotency-Key": "abc-123"}
    first = form(api, "/api/v1/statuses", {"status": "once"}, headers=headers)
    again = form(api, "/api/v1/statuses", {"status": "once"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.count() == 1
    other = form(api, "/api/v1/statuses", {"status": "once"}, headers={"Idempotency-Key": "x"})
    assert other.json()["id"] != first.json()["id"]
    assert Post.objects.count() == 2


def test_a_key_is_per_account(api, api_for):
    headers = {"Idempotency-Key": "shared"}
    mine = form(api, "/api/v1/statuses", {"status": "a"}, headers=headers).json()
    theirs = form(api_for(), "/api/v1/statuses", {"status": "b"}, headers=headers).json()
    assert mine["id"] != theirs["id"]
    assert Post.objects.count() == 2


def test_a_refused_post_does_not_use_up_its_key(api):
    headers = {"Idempotency-Key": "retry"}
    assert form(api, "/api/v1/statuses", {"status": ""}, headers=headers).status_code == 422
    response = form(api, "/api/v1/statuses", {"status": "fixed"}, headers=headers)
    assert response.status_code == 200
    assert Post.objects.get().body == "fixed"


def test_a_key_whose_post_was_deleted_posts_again(api):
    headers = {"Idempotency-Key": "gone"}
    first = form(api, "/api/v1/statuses", {"status": "a"}, headers=headers).json()
    assert api.delete(f"/api/v1/statuses/{first['id']}").status_code == 200
    again = form(api, "/api/v1/statuses", {"status": "a"}, headers=headers).json()
    assert again["id"] != first["id"]
    assert Post.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_the_same_moment_post_once():
    """Two requests sent together with one key: one posts, the other waits for it and answers
    with the same status (cache.add is the lock). On PostgreSQL the two really overlap."""
    for attempt in range(5):
        user = UserFactory()
        token = make_token(user)
        answers: list = []

        def send(n: int, token=token, attempt=attempt, answers=answers) -> None:
            client = ApiClient(token)
            response = form(
                client,
                "/api/v1/statuses",
                {"status": f"once {attempt}"},
                headers={"Idempotency-Key": f"key-{attempt}"},
            )
            answers.append((response.status_code, response.json()["id"]))

        assert race(partial(send, 1), partial(send, 2)) == []
        assert len(answers) == 2
        assert answers[0] == answers[1]
        assert answers[0][0] == 200
        assert Post.objects.filter(author=user).count() == 1
