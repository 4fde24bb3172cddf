"""`manage.py seed_demo`: demo users, posts and comments, built through the services."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from posts.models import Post
from tests.factories import UserFactory
from timelines.management.commands.seed_demo import DEMO_PASSWORD
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Return the number of rows of every model, by model."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_creates_about_twenty_verified_users_who_can_log_in(client):
    """An empty database gets about 20 users, each with a verified primary email, so a demo
    user logs in with the demo password straight away."""
    seed()
    users = list(CustomUser.objects.all())
    assert 15 <= len(users) <= 25
    for user in users:
        addresses = EmailAddress.objects.filter(user=user).values_list(
            "email", "verified", "primary"
        )
        assert list(addresses) == [(user.email, True, True)], user.username
    response = client.post(
        reverse("account_login"), {"login": users[-1].username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_seed_demo_creates_posts_and_comments_on_posts():
    """The demo has top-level posts by several authors and comments that reply to them."""
    seed()
    written = Post.objects.filter(repost_of__isnull=True)
    posts = written.filter(in_reply_to__isnull=True)
    comments = written.filter(in_reply_to__isnull=False)
    assert posts.count() >= CustomUser.objects.count()
    assert posts.values("author").distinct().count() > 1
    assert comments.exists()
    # Comments answer top-level posts, and every body obeys the service's rules.
    assert not comments.filter(in_reply_to__in_reply_to__isnull=False).exists()
    assert all(p.body and p.body == p.body.strip() for p in written)


def test_seed_demo_twice_adds_nothing():
    """Running it again on a seeded database adds no row to any table."""
    seed()
    before = counts()
    seed()
    assert counts() == before


def test_seed_demo_leaves_a_database_with_users_alone():
    """On a database that already has users, no row is added to any table."""
    UserFactory()
    before = counts()
    output = seed()
    assert counts() == before
    assert output
