"""Conversations over the API: each direct conversation once by its newest message, with the
other participants and the unread mark (conversations.selectors, as /messages/)."""

import re

import pytest

from conversations.models import ConversationRead
from conversations.selectors import unread_conversations
from conversations.services import message_send
from tests.factories import UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


def test_each_conversation_once_by_its_newest_message(api, other_user):
    third: CustomUser = UserFactory.create()
    first = message_send(author=other_user, body="hi", recipients=[api.user])
    reply = message_send(author=api.user, body="hello back", in_reply_to=first)
    group = message_send(author=third, body="all of us", recipients=[api.user, other_user])
    message_send(author=other_user, body="not for you", recipients=[third])
    response = api.get("/api/v1/conversations")
    assert response.status_code == 200
    found = response.json()
    assert [c["id"] for c in found] == [str(group.pk), str(first.pk)]
    assert [c["last_status"]["id"] for c in found] == [str(group.pk), str(reply.pk)]
    assert {a["id"] for a in found[0]["accounts"]} == {str(third.pk), str(other_user.pk)}
    assert [a["id"] for a in found[1]["accounts"]] == [str(other_user.pk)]
    assert found[1]["last_status"]["visibility"] == "direct"


def test_unread_until_read(api, other_user):
    first = message_send(author=other_user, body="hi", recipients=[api.user])
    [conversation] = api.get("/api/v1/conversations").json()
    assert conversation["unread"] is True
    response = api.post(f"/api/v1/conversations/{first.pk}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert response.json()["last_status"]["id"] == str(first.pk)
    assert api.get("/api/v1/conversations").json()[0]["unread"] is False
    assert not unread_conversations(api.user).exists()  # the web's badge agrees
    message_send(author=other_user, body="again", in_reply_to=first)
    assert api.get("/api/v1/conversations").json()[0]["unread"] is True


def test_ones_own_last_message_is_read(api, other_user):
    message_send(author=api.user, body="hi", recipients=[other_user])
    assert api.get("/api/v1/conversations").json()[0]["unread"] is False


@pytest.mark.parametrize("conversation_id", ["999999", "abc", "99999999999999999999999"])
def test_an_unknown_conversation_is_a_404(api, conversation_id):
    for response in (
        api.post(f"/api/v1/conversations/{conversation_id}/read"),
        api.delete(f"/api/v1/conversations/{conversation_id}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_someone_elses_conversation_is_a_404_and_stays_unread(api, other_user):
    third: CustomUser = UserFactory.create()
    theirs = message_send(author=other_user, body="private", recipients=[third])
    assert api.post(f"/api/v1/conversations/{theirs.pk}/read").status_code == 404
    assert not ConversationRead.objects.exists()


def test_hiding_a_conversation_is_refused_and_changes_nothing(api, other_user):
    """msg has no way to hide a conversation yet: the 422 says so, and the list is unchanged."""
    first = message_send(author=other_user, body="hi", recipients=[api.user])
    response = api.delete(f"/api/v1/conversations/{first.pk}")
    assert response.status_code == 422
    assert "hide" in response.json()["error"]
    assert [c["id"] for c in api.get("/api/v1/conversations").json()] == [str(first.pk)]


def test_walking_conversations_by_the_link_header(api):
    people = [UserFactory() for _ in range(5)]
    started = [message_send(author=p, body="hi", recipients=[api.user]) for p in people]
    url: str | None = "/api/v1/conversations?limit=2"
    seen: list[str] = []
    while url:
        response = api.get(url)
        seen += [c["id"] for c in response.json()]
        url = {rel: u for u, rel in LINK.findall(response.get("Link", ""))}.get("next")
    assert seen == [str(m.pk) for m in started][::-1]


def test_scopes_and_tokens(api_for, anon_api, user, other_user):
    first = message_send(author=other_user, body="hi", recipients=[user])
    assert anon_api.get("/api/v1/conversations").status_code == 401
    assert anon_api.post(f"/api/v1/conversations/{first.pk}/read").status_code == 401
    reader = api_for(user, scope="read:statuses")
    assert reader.get("/api/v1/conversations").status_code == 200
    assert reader.post(f"/api/v1/conversations/{first.pk}/read").status_code == 403
    writer = api_for(user, scope="write:conversations")
    assert writer.get("/api/v1/conversations").status_code == 403
    assert writer.post(f"/api/v1/conversations/{first.pk}/read").status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_query_count_is_flat(api, django_assert_num_queries, n):
    for _ in range(n):
        message_send(author=UserFactory(), body="hi #cats", recipients=[api.user])
    # The token, the page of conversations, its messages' images, participants (mentions)
    # and tags, and every account's counts.
    with django_assert_num_queries(6):
        response = api.get("/api/v1/conversations")
    assert len(response.json()) == n


def test_the_list_answers_with_a_trailing_slash_too(api, other_user):
    """Mastodon.py asks for /api/v1/conversations/."""
    first = message_send(author=other_user, body="hi", recipients=[api.user])
    response = api.get("/api/v1/conversations/")
    assert [c["id"] for c in response.json()] == [str(first.pk)]
