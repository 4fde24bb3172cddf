"""A queue that refuses work after the action committed loses the notification (logged); it does
not turn the member's successful like into an error page."""

import pytest
from django.tasks.backends.immediate import ImmediateBackend
from django.urls import reverse

from posts.models import Like
from tests.factories import PostFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_like_succeeds_when_the_notification_cannot_be_queued(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    post = PostFactory(author=UserFactory())
    liker = UserFactory()
    client.force_login(liker)
    url = reverse(
        "post_action",
        kwargs={"username": post.author.username, "pk": post.pk, "action": "like"},
    )
    response = client.post(url)
    assert response.status_code == 302
    assert Like.objects.filter(user=liker, post=post).exists()
    assert "queue is down" in caplog.text
