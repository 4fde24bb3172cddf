"""Pinned posts: your own public or unlisted top-level posts, at most five, first on your
profile."""

import re
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.models import Post
from posts.services import post_create, post_repost
from posts.services.pins import MAX_PINS, post_pin, post_unpin
from social.services import block_create, follow_create
from tests.factories import PostFactory, UserFactory
from tests.pages import HTMX, html, post_ids
from tests.threads import race
from tests.timelines.test_queries import QUERIES, image_post, stranger

pytestmark = pytest.mark.django_db


def pinned_ids(user) -> set[int]:
    return set(
        Post.objects.filter(author=user, pinned_at__isnull=False).values_list("pk", flat=True)
    )


def pinned_cards(response) -> list[int]:
    """Return the ids of the cards in the profile's pinned section, in order."""
    return [
        int(pk)
        for pk in re.findall(r'<article class="post pinned" id="pinned-(\d+)"', html(response))
    ]


# Service ------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
def test_you_pin_your_own_public_or_unlisted_post(user, visibility):
    post = PostFactory(author=user, visibility=visibility)
    post_pin(user=user, post=post)
    assert pinned_ids(user) == {post.pk}


def test_pinning_twice_keeps_the_first_pin(user):
    post = PostFactory(author=user)
    first = post_pin(user=user, post=post).pinned_at
    assert post_pin(user=user, post=Post.objects.get(pk=post.pk)).pinned_at == first
    assert Post.objects.get(pk=post.pk).pinned_at == first


@pytest.mark.parametrize("visibility", ["followers", "direct"])
def test_a_followers_only_or_direct_post_cannot_be_pinned(user, visibility):
    body = f"Hello @{UserFactory().username}"
    post = post_create(author=user, body=body, visibility=visibility)
    with pytest.raises(PermissionDenied):
        post_pin(user=user, post=post)
    assert pinned_ids(user) == set()


def test_someone_elses_post_cannot_be_pinned(user, other_user):
    post = PostFactory(author=other_user)
    with pytest.raises(PermissionDenied):
        post_pin(user=user, post=post)
    assert Post.objects.get(pk=post.pk).pinned_at is None


def test_a_comment_cannot_be_pinned(user):
    comment = post_create(author=user, body="a comment", in_reply_to=PostFactory())
    with pytest.raises(PermissionDenied):
        post_pin(user=user, post=comment)
    assert pinned_ids(user) == set()


def test_a_repost_cannot_be_pinned(user):
    repost = post_repost(user=user, post=PostFactory())
    with pytest.raises(PermissionDenied):
        post_pin(user=user, post=repost)
    assert pinned_ids(user) == set()


def test_at_most_five_posts_are_pinned(user):
    posts = [PostFactory(author=user) for _ in range(MAX_PINS + 1)]
    for post in posts[:MAX_PINS]:
        post_pin(user=user, post=post)
    with pytest.raises(PermissionDenied):
        post_pin(user=user, post=posts[-1])
    assert pinned_ids(user) == {p.pk for p in posts[:MAX_PINS]}
    post_unpin(user=user, post=posts[0])
    post_pin(user=user, post=posts[-1])
    assert pinned_ids(user) == {p.pk for p in posts[1:]}


def test_others_pins_do_not_count_toward_yours(user, other_user):
    for _ in range(MAX_PINS):
        post_pin(user=other_user, post=PostFactory(author=other_user))
    post = PostFactory(author=user)
    post_pin(user=user, post=post)
    assert pinned_ids(user) == {post.pk}


def test_unpinning_says_whether_the_post_was_pinned(user):
    post = PostFactory(author=user)
    post_pin(user=user, post=post)
    assert post_unpin(user=user, post=post) is True
    assert post_unpin(user=user, post=post) is False
    assert pinned_ids(user) == set()


def test_someone_else_cannot_unpin_your_post(user, other_user):
    post = PostFactory(author=user)
    post_pin(user=user, post=post)
    with pytest.raises(PermissionDenied):
        post_unpin(user=other_user, post=post)
    assert pinned_ids(user) == {post.pk}


def test_a_post_deleted_meanwhile_is_not_pinned(user):
    post = PostFactory(author=user)
    Post.objects.filter(pk=post.pk).delete()
    with pytest.raises(Post.DoesNotExist):
        post_pin(user=user, post=post)


def test_pinning_costs_the_same_with_none_or_four_pinned(user):
    """Savepoint, lock the author, lock and read the post, count the pins, update, release."""
    counts = []
    for _ in range(MAX_PINS):
        post = PostFactory(author=user)
        with CaptureQueriesContext(connection) as ctx:
            post_pin(user=user, post=post)
        counts.append(len(ctx.captured_queries))
    assert counts == [PIN_QUERIES] * MAX_PINS


# savepoint, lock the author's row, lock and read the post, count the pins, update, release
PIN_QUERIES = 6


@pytest.mark.django_db(transaction=True)
def test_two_pins_sent_together_never_pass_the_limit():
    """With four pinned, two pins at the same moment: exactly one commits. On PostgreSQL the
    transactions overlap (the author's row lock serialises them); SQLite serialises writers."""
    for _ in range(10):
        author = UserFactory()
        for _ in range(MAX_PINS - 1):
            post_pin(user=author, post=PostFactory(author=author))
        a, b = PostFactory(author=author), PostFactory(author=author)
        errors = race(
            partial(post_pin, user=author, post=a), partial(post_pin, user=author, post=b)
        )
        assert errors == []
        assert len(pinned_ids(author)) == MAX_PINS


# Profile ------------------------------------------------------------------------------------


def test_the_profile_shows_pinned_posts_first_marked_and_again_in_place(member_client, other_user):
    older = PostFactory(author=other_user)
    middle = PostFactory(author=other_user)
    newest = PostFactory(author=other_user)
    post_pin(user=other_user, post=older)
    post_pin(user=other_user, post=middle)
    response = member_client.get(reverse("profile", args=[other_user.username]))
    assert pinned_cards(response) == [middle.pk, older.pk]  # last pinned first
    assert post_ids(response) == [newest.pk, middle.pk, older.pk]
    page = html(response)
    assert page.index('id="pinned-') < page.index('id="post-')
    assert page.count("Pinned</p>") == 2


def test_pins_show_only_on_the_first_page_of_the_posts_tab(member_client, other_user, settings):
    settings.MSG_PAGE_SIZE = 1
    post = PostFactory(author=other_user)
    PostFactory(author=other_user)
    post_pin(user=other_user, post=post)
    url = reverse("profile", args=[other_user.username])
    assert pinned_cards(member_client.get(url)) == [post.pk]
    assert pinned_cards(member_client.get(url + "?tab=all")) == []
    assert pinned_cards(member_client.get(url + f"?max_id={post.pk + 1}")) == []
    assert pinned_cards(member_client.get(url + f"?max_id={post.pk + 1}", headers=HTMX)) == []


@pytest.mark.parametrize("direction", ["reader blocked", "blocked reader"])
def test_a_reader_blocked_either_way_sees_no_pins(member_client, user, other_user, direction):
    post_pin(user=other_user, post=PostFactory(author=other_user))
    if direction == "reader blocked":
        block_create(blocker=user, blocked=other_user)
    else:
        block_create(blocker=other_user, blocked=user)
    response = member_client.get(reverse("profile", args=[other_user.username]))
    assert pinned_cards(response) == []


def test_an_unlisted_pin_shows_on_the_profile(member_client, other_user):
    post = PostFactory(author=other_user, visibility="unlisted")
    post_pin(user=other_user, post=post)
    response = member_client.get(reverse("profile", args=[other_user.username]))
    assert pinned_cards(response) == [post.pk]


@pytest.mark.usefixtures("commits")
@pytest.mark.parametrize("pins", [1, MAX_PINS])
def test_a_profile_with_pins_costs_the_same_for_1_or_5(
    member_client, user, django_assert_num_queries, pins
):
    """Two queries more than a profile without pins (the pinned cards and their images), for
    one pin as for five; the page also holds a repost, the costliest card."""
    author = stranger()
    follow_create(follower=user, followee=author)
    post_repost(user=author, post=image_post(stranger()))
    for _ in range(pins):
        post_pin(user=author, post=image_post(author))
    with django_assert_num_queries(QUERIES["profile"] + 2):
        response = member_client.get(reverse("profile", args=[author.username]))
    assert len(pinned_cards(response)) == pins


# Card buttons -------------------------------------------------------------------------------


def test_the_author_sees_a_pin_button_on_eligible_posts_only(member_client, user):
    public = PostFactory(author=user)
    followers_only = PostFactory(author=user, visibility="followers")
    page = html(member_client.get(reverse("profile", args=[user.username])))
    assert f"{public.get_absolute_url()}pin/" in page
    assert f"{followers_only.get_absolute_url()}pin/" not in page


def test_others_see_no_pin_button(member_client, other_user):
    post = PostFactory(author=other_user)
    page = html(member_client.get(reverse("profile", args=[other_user.username])))
    assert f"{post.get_absolute_url()}pin/" not in page


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_pin_and_unpin_through_the_card(member_client, user, headers):
    post = PostFactory(author=user)
    pinned = member_client.post(f"{post.get_absolute_url()}pin/", headers=headers)
    assert pinned_ids(user) == {post.pk}
    if headers:
        assert f"{post.get_absolute_url()}unpin/" in html(pinned)
    else:
        assert pinned.status_code == 302
    member_client.post(f"{post.get_absolute_url()}unpin/", headers=headers)
    assert pinned_ids(user) == set()


def test_pinning_a_sixth_post_through_the_card_says_why(member_client, user):
    """A sixth pin is refused with the reason: a flash message without htmx; with htmx the
    card's actions bar comes back unchanged with the reason in an alert, as a 400 (which the
    site's htmx-config swaps, unlike a 403)."""
    for _ in range(MAX_PINS):
        post_pin(user=user, post=PostFactory(author=user))
    post = PostFactory(author=user)
    response = member_client.post(f"{post.get_absolute_url()}pin/", follow=True)
    assert f"You can pin up to {MAX_PINS} posts" in html(response)
    assert post.pk not in pinned_ids(user)
    htmx = member_client.post(f"{post.get_absolute_url()}pin/", headers=HTMX)
    assert htmx.status_code == 400
    assert html(htmx).lstrip().startswith('<footer class="actions-bar">')
    assert re.search(r'role="alert">[^<]*Unpin one first\.<', html(htmx))
    assert f"{post.get_absolute_url()}pin/" in html(htmx)  # still the Pin button
    assert Post.objects.get(pk=post.pk).pinned_at is None


def test_pinning_someone_elses_post_through_the_card_is_refused(member_client, other_user):
    post = PostFactory(author=other_user)
    response = member_client.post(f"{post.get_absolute_url()}pin/", headers=HTMX)
    assert response.status_code == 400
    assert re.search(r'role="alert">You can only pin your own posts\.<', html(response))
    assert pinned_ids(other_user) == set()
