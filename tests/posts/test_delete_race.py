"""A like (or comment, repost, bookmark) that lands while the author deletes the post."""

import threading

import pytest
from django.db import connection
from django.test import Client

from posts import services
from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises the two writers"
)


def _delete_elsewhere(post_id: int) -> None:
    """Delete the post from another connection, committed (the author's delete request)."""

    def run() -> None:
        try:
            post = Post.objects.get(pk=post_id)
            services.post_delete(user=post.author, post=post)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["like", "repost", "bookmark"])
def test_acting_on_a_post_deleted_meanwhile_is_not_a_500(action, monkeypatch):
    """Expected: a post deleted between the view's visibility check and the write gets the
    404 "There is nothing here" page (a comment already gets a 400 from full_clean()).
    Before the fix, on PostgreSQL: the write
    inserts a row pointing at the deleted post, the deferred foreign key fails at COMMIT with
    IntegrityError, which nothing handles: HTTP 500.

    The patch only holds the request at the point where the author's delete can commit;
    two real requests hit the same window.
    """
    liker, author = UserFactory(), UserFactory()
    post = PostFactory(author=author)
    require_visible = services.require_visible

    def check_then_lose_the_race(target, user):
        require_visible(target, user)
        if target.pk == post.pk:
            _delete_elsewhere(post.pk)

    monkeypatch.setattr(services, "require_visible", check_then_lose_the_race)
    client = Client(raise_request_exception=False)
    client.force_login(liker)
    url = f"/@{author.username}/{post.pk}/"
    response = client.post(f"{url}{action}/")
    assert not Post.objects.filter(pk=post.pk).exists()
    assert response.status_code != 500, f"status {response.status_code}"
