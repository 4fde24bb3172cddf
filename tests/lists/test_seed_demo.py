"""`manage.py seed_demo` shows lists and a pinned post to the demo login."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lists.selectors import list_members, list_timeline, lists_of
from posts.models import Post
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def test_the_demo_login_has_lists_with_members_and_a_pinned_post(client):
    call_command("seed_demo", stdout=StringIO())
    login = CustomUser.objects.get(username="ada")
    lists = list(lists_of(login))
    assert lists
    assert all(item.member_count > 0 for item in lists)
    assert any(list_timeline(login, item).exists() for item in lists)
    assert all(m.user != login for item in lists for m in list_members(login, item))
    pinned = Post.objects.filter(author=login, pinned_at__isnull=False)
    assert pinned.count() == 1
    client.force_login(login)
    page = client.get(reverse("profile", args=[login.username])).content.decode()
    assert f'id="pinned-{pinned.get().pk}"' in page
