"""Staff do not read direct messages in the admin, not even in its deletion summaries."""

import pytest
from django.urls import reverse

from posts.models import Visibility
from posts.services import post_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORDS = "my very private words"


def test_deleting_a_public_post_in_the_admin_does_not_show_its_direct_replies(admin_client):
    """The delete confirmation lists what the cascade takes by str(Post), which names a
    direct message without its text."""
    a, b = UserFactory(), UserFactory()
    public = post_create(author=b, body="a public post")
    post_create(
        author=a, body=f"@{b.username} {WORDS}", in_reply_to=public, visibility=Visibility.DIRECT
    )
    page = admin_client.get(reverse("admin:posts_post_delete", args=[public.pk]))
    assert page.status_code == 200
    assert WORDS not in page.content.decode()


def test_deleting_an_account_in_the_admin_does_not_show_its_direct_messages(admin_client):
    """The user admin's delete confirmation lists the account's posts: no message text."""
    a, b = UserFactory(), UserFactory()
    post_create(author=a, body=f"@{b.username} {WORDS}", visibility=Visibility.DIRECT)
    page = admin_client.get(reverse("admin:users_customuser_delete", args=[a.pk]))
    assert page.status_code == 200
    assert WORDS not in page.content.decode()
