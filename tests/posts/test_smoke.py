from django.urls import reverse

from tests.factories import CommentFactory, PostFactory


def test_home_lists_posts_for_member(member_client):
    """A member sees the latest posts on the home page."""
    post = PostFactory()
    response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert post.body in response.content.decode()


def test_comment_count_shows(member_client):
    """A post card shows its comment count."""
    comment = CommentFactory()
    response = member_client.get(comment.in_reply_to.get_absolute_url())
    assert '1</span> comment<' in response.content.decode()
    assert comment.body in response.content.decode()
