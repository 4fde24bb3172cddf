"""A deactivated account's posts, comments and reposts disappear from every list and page, and
come back when the account is reactivated. (Deactivation is the admin's is_active box.)"""

import pytest
from django.urls import reverse

from notifications.selectors import for_user
from posts import selectors as post_selectors
from posts.services import post_like, post_repost
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.pages import html
from timelines import selectors
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def set_active(user: CustomUser, active: bool) -> None:
    CustomUser.objects.filter(pk=user.pk).update(is_active=active)


@pytest.fixture
def gone():
    """Gone posted, commented on Reader's post, reposted and liked it, then was deactivated."""
    gone, reader, third = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=reader, followee=gone)
    FollowFactory(follower=reader, followee=third)
    post = PostFactory(author=gone, body="a post by gone #gonetag")
    mine = PostFactory(author=reader, body="reader's post")
    comment = CommentFactory(author=gone, in_reply_to=mine, body="a comment by gone")
    theirs = PostFactory(author=third, body="third's post")
    repost = post_repost(user=gone, post=theirs)
    post_like(user=gone, post=mine)
    set_active(gone, False)
    return {"gone": gone, "reader": reader, "post": post, "mine": mine, "comment": comment,
            "theirs": theirs, "repost": repost}  # fmt: skip


def test_every_timeline_leaves_them_out(gone):
    reader = gone["reader"]
    hidden = {gone["post"].pk, gone["comment"].pk, gone["repost"].pk}
    for qs in (
        selectors.home(reader),
        selectors.explore(reader),
        post_selectors.comments(reader, gone["mine"]),
        post_selectors.search_posts(reader, "gone"),
    ):
        assert not hidden & {p.pk for p in qs}
    assert not post_selectors.search_tags(reader, "gonetag")


def test_their_pages_answer_404_and_lists_leave_them_out(client, gone):
    client.force_login(gone["reader"])
    assert client.get(gone["post"].get_absolute_url()).status_code == 404
    assert client.get(gone["comment"].get_absolute_url()).status_code == 404
    page = html(client.get(gone["mine"].get_absolute_url()))
    assert "a comment by gone" not in page
    assert f"@{gone['gone'].username}" not in page  # not among the likers either
    assert "a post by gone" not in html(client.get(reverse("explore")))
    assert gone["gone"] not in [
        like.user for like in post_selectors.likers(gone["reader"], gone["mine"])
    ]
    assert not list(post_selectors.reposters(gone["reader"], gone["theirs"]))
    assert all(n.actor_id != gone["gone"].pk for n in for_user(gone["reader"]))
    following = html(client.get(reverse("following", args=[gone["reader"].username])))
    assert f"@{gone['gone'].username}" not in following


def test_they_come_back_on_reactivation(gone):
    set_active(gone["gone"], True)
    reader = gone["reader"]
    assert gone["post"] in selectors.explore(reader)
    assert gone["comment"] in post_selectors.comments(reader, gone["mine"])
    assert gone["repost"] in selectors.home(reader)
