"""Who may edit or delete a post (posts.permissions), and the links the pages show for it."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from conversations.services import message_send
from posts.permissions import can_delete, can_delete_replies, can_edit, is_author
from posts.services import post_create, post_repost
from tests.factories import CommentFactory, PostFactory, SuperUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    """Ann's post, Bob's comment on it, and Cat's reply to Bob's comment."""
    ann, bob, cat = UserFactory.create_batch(3)
    post = PostFactory(author=ann)
    comment = post_create(author=bob, body="a comment", in_reply_to=post)
    reply = post_create(author=cat, body="a reply", in_reply_to=comment)
    return {"ann": ann, "bob": bob, "cat": cat, "post": post, "comment": comment, "reply": reply}


def test_the_author_may_edit_and_delete(thread):
    assert can_edit(thread["cat"], thread["reply"])
    assert can_delete(thread["cat"], thread["reply"])
    assert is_author(thread["cat"], thread["reply"])


def test_the_parent_and_thread_authors_may_delete_but_not_edit(thread):
    """Bob (the parent's author) and Ann (the thread's) may delete Cat's reply, not edit it."""
    for name in ["ann", "bob"]:
        assert can_delete(thread[name], thread["reply"])
        assert not can_edit(thread[name], thread["reply"])
    assert can_delete_replies(thread["ann"], thread["comment"])
    assert can_delete_replies(thread["bob"], thread["comment"])
    assert not can_delete_replies(thread["cat"], thread["comment"])


def test_others_may_neither_edit_nor_delete(thread):
    stranger = UserFactory()
    assert not can_edit(stranger, thread["post"])
    assert not can_delete(stranger, thread["post"])
    assert not can_delete(thread["cat"], thread["comment"])
    assert not can_edit(AnonymousUser(), thread["post"])
    assert not can_delete(AnonymousUser(), thread["post"])


def test_only_its_author_may_delete_a_direct_message():
    """Deleting a message leaves the rest of its conversation, so nobody else needs to: not the
    conversation's starter, not the author of the message it answers, not a moderator."""
    ann, bob = UserFactory.create_batch(2)
    moderator = UserFactory()
    moderator.user_permissions.add(Permission.objects.get(codename="delete_post"))
    moderator = type(moderator).objects.get(pk=moderator.pk)  # a fresh permission cache
    first = message_send(author=ann, body="hello", recipients=[bob, moderator])
    reply = message_send(author=bob, body="hi", in_reply_to=first)
    answer = message_send(author=moderator, body="hey", in_reply_to=reply)
    assert can_delete(bob, reply)
    assert not can_delete(ann, reply)
    assert not can_delete(bob, answer)
    assert not can_delete(moderator, reply)
    assert can_delete(ann, first) and not can_delete(bob, first)


def test_nobody_edits_a_repost():
    post = PostFactory()
    repost = post_repost(user=UserFactory(), post=post)
    assert not can_edit(repost.author, repost)
    assert can_delete(repost.author, repost)


def test_moderators_may_edit_and_delete_anything(thread):
    moderator = UserFactory()
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_post", "delete_post"])
    )
    moderator = type(moderator).objects.get(pk=moderator.pk)  # a fresh permission cache
    assert can_edit(moderator, thread["post"])
    assert can_delete(moderator, thread["comment"])
    assert can_delete_replies(moderator, thread["post"])
    admin = SuperUserFactory()
    assert can_edit(admin, thread["reply"]) and can_delete(admin, thread["reply"])


# The pages


def test_the_card_offers_edit_and_delete_to_the_author_only(client, user):
    """On a timeline, the author's card has Edit and Delete; other readers' cards do not."""
    mine, theirs = PostFactory(author=user), PostFactory()
    client.force_login(user)
    page = client.get("/explore/").content.decode()
    assert f'href="{mine.get_absolute_url()}edit/"' in page
    assert f'href="{mine.get_absolute_url()}delete/"' in page
    assert f'href="{theirs.get_absolute_url()}edit/"' not in page
    assert f'href="{theirs.get_absolute_url()}delete/"' not in page


def test_the_thread_author_sees_delete_links_on_replies_deeper_down(client, thread):
    """On Bob's comment's page, Ann (the thread's author) may delete Cat's reply: the rule,
    where the page used to offer it only to Bob."""
    client.force_login(thread["ann"])
    page = client.get(thread["comment"].get_absolute_url()).content.decode()
    reply_delete = f"{thread['reply'].get_absolute_url()}delete/"
    assert reply_delete in page
    # ... and Bob's comment itself, in her thread
    assert f"{thread['comment'].get_absolute_url()}delete/" in page


def test_a_reader_sees_no_delete_links_in_someone_elses_thread(client, thread):
    client.force_login(UserFactory())
    page = client.get(thread["comment"].get_absolute_url()).content.decode()
    assert "delete/" not in page
    assert "edit/" not in page


def test_a_moderator_sees_edit_and_delete_on_the_post_page(client):
    post = CommentFactory()
    client.force_login(SuperUserFactory())
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'{post.get_absolute_url()}edit/">Edit this comment' in page
    assert f'{post.get_absolute_url()}delete/">Delete this comment' in page
