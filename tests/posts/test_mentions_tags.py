"""@mentions and #tags stored from post text by post_create and post_edit."""

import unicodedata

import pytest

from notifications.models import Kind, Notification
from posts.models import Mention, Post, PostTag, Tag, Visibility
from posts.services import post_create, post_edit
from tests.factories import FollowFactory, UserFactory
from timelines import selectors
from users.models import CustomUser

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def _mentioned(post: Post) -> set[str]:
    return set(Mention.objects.filter(post=post).values_list("user__username", flat=True))


def _tags(post: Post) -> set[str]:
    return set(PostTag.objects.filter(post=post).values_list("tag__name", flat=True))


def _mention_notifications(user) -> int:
    return Notification.objects.filter(recipient=user, kind=Kind.MENTION).count()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


# post_create


def test_post_create_stores_mentions_of_existing_users(user, alice, bob):
    """Each @name of an existing account becomes one Mention row."""
    post = post_create(author=user, body="hi @alice and @bob")
    assert _mentioned(post) == {"alice", "bob"}


def test_post_create_matches_mentions_case_insensitively(user, alice):
    """@ALICE mentions alice, and a repeated mention is stored once."""
    post = post_create(author=user, body="@ALICE, @alice, @Alice!")
    assert _mentioned(post) == {"alice"}
    assert _mention_notifications(alice) == 1


def test_post_create_ignores_unknown_usernames(user, alice):
    """A mention of a name no account has stores nothing and fails nothing."""
    post = post_create(author=user, body="hi @alice and @ghost")
    assert _mentioned(post) == {"alice"}


def test_post_create_ignores_inactive_users(user, alice):
    """A deactivated account is not mentioned and not notified."""
    # Deactivation is the admin's is_active checkbox; no service does it.
    CustomUser.objects.filter(pk=alice.pk).update(is_active=False)
    post = post_create(author=user, body="hi @alice")
    assert _mentioned(post) == set()
    assert _mention_notifications(alice) == 0


def test_post_create_ignores_email_addresses(user, alice):
    """alice@example.com is an address, not a mention."""
    post = post_create(author=user, body="write to alice@example.com")
    assert _mentioned(post) == set()


def test_post_create_notifies_each_mentioned_user_once(user, alice, bob):
    """Every mentioned user gets one mention notification about the post."""
    post = post_create(author=user, body="@alice @bob @alice")
    for mentioned in (alice, bob):
        notes = Notification.objects.filter(recipient=mentioned, kind=Kind.MENTION)
        assert [(n.actor, n.post) for n in notes] == [(user, post)]


def test_a_mention_in_a_followers_only_post_notifies_only_followers(user, alice, bob):
    """A followers-only post mentions a non-follower without notifying them."""
    FollowFactory(follower=alice, followee=user)
    post = post_create(author=user, body="@alice @bob", visibility=Visibility.FOLLOWERS)
    assert _mentioned(post) == {"alice", "bob"}
    assert _mention_notifications(alice) == 1
    assert _mention_notifications(bob) == 0


def test_post_create_stores_tags_normalised(user):
    """#Django and #DJANGO in one post are one tag, stored case-folded."""
    post = post_create(author=user, body="#Django #DJANGO #python3")
    assert _tags(post) == {"django", "python3"}


def test_post_create_shares_tags_between_posts(user, other_user):
    """Two posts with the same tag point at one Tag row."""
    first = post_create(author=user, body="#rust")
    second = post_create(author=other_user, body="#Rust")
    tag = Tag.objects.get(name="rust")
    assert set(tag.posts.all()) == {first, second}


def test_post_create_ignores_things_that_are_not_tags(user):
    """Numbers, URL fragments and HTML entities are not tags."""
    post = post_create(author=user, body="#1 see https://example.com/#anchor &#39; a#b")
    assert _tags(post) == set()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("#café", "café"),
        ("#CAFÉ", "café"),
        ("#" + unicodedata.normalize("NFD", "café"), "café"),
        ("#\uff24\uff4a\uff41\uff4e\uff47\uff4f", "django"),  # full-width "Django"
        ("#हिन्दी", "हिन्दी"),
        ("#สวัสดี", "สวัสดี"),
        ("#東京", "東京"),
    ],
)
def test_post_create_stores_unicode_tags_whole(user, typed, stored):
    """Unicode tags (accents, combining marks, full-width forms, CJK) are kept whole."""
    post = post_create(author=user, body=f"about {typed} today")
    assert _tags(post) == {stored}


# post_edit


def test_post_edit_drops_a_removed_tag(user):
    """A tag taken out by an edit no longer lists the post; kept tags still do."""
    post = post_create(author=user, body="#one #two")
    post_edit(user=user, post=post, body="#two only")
    assert _tags(post) == {"two"}
    assert post not in selectors.tag(user, Tag.objects.get(name="one"))
    assert post in selectors.tag(user, Tag.objects.get(name="two"))


def test_post_edit_adds_a_new_tag(user):
    """A tag added by an edit lists the post."""
    post = post_create(author=user, body="no tags")
    post_edit(user=user, post=post, body="now #tagged")
    assert post in selectors.tag(user, Tag.objects.get(name="tagged"))


def test_post_edit_notifies_a_newly_mentioned_user_once(user, alice):
    """Adding a mention in an edit notifies that user once, even after more edits."""
    post = post_create(author=user, body="hello")
    post_edit(user=user, post=post, body="hello @alice")
    post_edit(user=user, post=post, body="hello again @alice")
    assert _mentioned(post) == {"alice"}
    assert _mention_notifications(alice) == 1


def test_post_edit_does_not_notify_an_unchanged_mention_again(user, alice, bob):
    """A mention kept through an edit is not notified again; the new one is."""
    post = post_create(author=user, body="hi @alice")
    post_edit(user=user, post=post, body="hi @alice and @bob")
    assert _mention_notifications(alice) == 1
    assert _mention_notifications(bob) == 1


def test_post_edit_drops_a_removed_mention(user, alice, bob):
    """A mention taken out by an edit is no longer stored."""
    post = post_create(author=user, body="hi @alice and @bob")
    post_edit(user=user, post=post, body="hi @bob")
    assert _mentioned(post) == {"bob"}


def test_post_edit_withdraws_the_notification_of_a_removed_mention(user, alice):
    """Taking a mention out withdraws its notification (no stale 'mentioned you')."""
    post = post_create(author=user, body="hi @alice")
    post_edit(user=user, post=post, body="hi everyone")
    assert _mention_notifications(alice) == 0


def test_removing_and_re_adding_a_mention_leaves_one_notification(user, alice):
    """Toggling a mention with edits never piles up notifications for the same post."""
    post = post_create(author=user, body="hi @alice")
    for body in ("hi", "hi @alice", "hi", "hi @alice"):
        post_edit(user=user, post=post, body=body)
    assert _mention_notifications(alice) == 1
