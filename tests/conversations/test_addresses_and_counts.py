"""A conversation at the address of any of its messages, and comment counts that agree with
the page (direct replies counted only under a direct message)."""

import re

import pytest
from django.urls import reverse

from conversations.services import message_send
from posts.models import Visibility
from posts.services import post_create
from tests.factories import UserFactory
from tests.pages import HTMX, html

pytestmark = pytest.mark.django_db


def _count(content: str, pk: int) -> str:
    return re.findall(rf'id="comment-count-{pk}"[^>]*>(\d+)<', content)[0]


def test_htmx_comment_count_agrees_with_the_page_after_reload(client):
    """The "N comments" an htmx comment swaps in is the card's own count, the one a reload shows."""
    p, b, c = UserFactory.create_batch(3)
    public = post_create(author=p, body="a public post")
    post_create(
        author=b, body=f"@{c.username} psst", in_reply_to=public, visibility=Visibility.DIRECT
    )
    client.force_login(c)
    url = public.get_absolute_url()
    response = client.post(url, {"body": "an open comment"}, headers=HTMX)
    assert response.status_code == 200
    after_htmx = _count(html(response), public.pk)
    after_reload = _count(html(client.get(url)), public.pk)
    assert after_htmx == after_reload, (after_htmx, after_reload)


def test_a_direct_messages_page_does_not_say_0_comments_above_its_replies(client):
    """Under a direct message its replies are counted (they are its conversation); only under a
    post others read are direct replies left out."""
    a, b = UserFactory.create_batch(2)
    first = message_send(author=a, body="hello", recipients=[b])
    message_send(author=b, body="hi back", in_reply_to=first)
    message_send(author=a, body="how are you", in_reply_to=first)
    client.force_login(b)
    content = html(client.get(first.get_absolute_url()))
    assert "hi back" in content and "how are you" in content  # the replies are listed
    assert _count(content, first.pk) == "2"


def test_htmx_reply_at_a_later_messages_address_is_not_a_500(client):
    """Replying at the address of a later message answers for the whole conversation."""
    a, b = UserFactory.create_batch(2)
    first = message_send(author=a, body="hello", recipients=[b])
    later = message_send(author=b, body="later one", in_reply_to=first)
    client.force_login(a)
    url = reverse("conversation", args=[later.pk])
    client.raise_request_exception = False
    response = client.post(url, {"body": "answer", "seen": str(later.pk)}, headers=HTMX)
    assert response.status_code < 500, response.status_code


def test_a_later_messages_address_does_not_pass_for_the_conversation(client):
    """The address of a later message leads to its conversation, first message and all."""
    a, b = UserFactory.create_batch(2)
    first = message_send(author=a, body="hello", recipients=[b])
    later = message_send(author=b, body="later one", in_reply_to=first)
    message_send(author=a, body="newest words", in_reply_to=later)
    client.force_login(b)
    response = client.get(reverse("conversation", args=[later.pk]), follow=True)
    if response.status_code == 404:
        return
    content = html(response)
    assert "newest words" in content and "hello" in content
