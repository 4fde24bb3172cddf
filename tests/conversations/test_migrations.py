"""posts 0009 (Post.conversation) on existing data: conversations re-keyed, read marks kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conversations import selectors
from users.models import CustomUser


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


@pytest.mark.django_db(transaction=True)
def test_posts_0009_keeps_what_was_read_in_a_conversation_under_a_public_post():
    """A conversation under a public post was keyed by that post before 0009 and is keyed by
    its first direct message after: its members' read marks move with it, so what they had
    read stays read."""
    old = migrate([("posts", "0008_postimage_owner_required"), ("conversations", "0001_initial")])
    user_model = old.get_model("users", "CustomUser")
    post_model = old.get_model("posts", "Post")
    mention_model = old.get_model("posts", "Mention")
    read_model = old.get_model("conversations", "ConversationRead")
    p, b, c = (
        user_model.objects.create(username=n, email=f"{n}@example.com", password="!")
        for n in ("pat", "bea", "cal")
    )
    public = post_model.objects.create(author=p, audience=p, body="public")
    d1 = post_model.objects.create(
        author=b,
        audience=b,
        body="@cal psst",
        in_reply_to=public,
        root=public,
        visibility="direct",
    )
    mention_model.objects.create(post=d1, user=c)
    d2 = post_model.objects.create(
        author=c, audience=c, body="@bea ok", in_reply_to=d1, root=public, visibility="direct"
    )
    mention_model.objects.create(post=d2, user=b)
    # Both have read the whole conversation (keyed, before 0009, by its thread's root).
    for reader in (b, c):
        read_model.objects.create(user=reader, root=public, last_read_id=d2.pk)
    try:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        for name in ("bea", "cal"):
            reader = CustomUser.objects.get(username=name)
            rows = list(selectors.conversations(reader))
            assert [row.thread for row in rows] == [d1.pk]
            assert not rows[0].unread, f"{name}: a read conversation is unread after 0009"
            assert selectors.unread_conversations(reader).count() == 0
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
