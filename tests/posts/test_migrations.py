"""posts 0005 fills Post.root for the comments that exist when it runs, at any depth."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("posts", "0004_post_audience")]
AFTER = [("posts", "0005_post_root")]


def migrate(targets):
    """Move the posts app to targets; apps that depend on a newer posts are unapplied with it."""
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)  # reloaded: it reads what is applied now
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


@pytest.mark.django_db(transaction=True)
def test_root_is_filled_for_every_existing_comment():
    old = migrate(BEFORE)
    user_model = old.get_model("users", "CustomUser")
    post_model = old.get_model("posts", "Post")
    alice = user_model.objects.create(
        username="alice", email="alice@example.com", password="!", avatar=""
    )

    def make(parent=None, repost_of=None):
        return post_model.objects.create(
            author=alice, audience=alice, body="x", in_reply_to=parent, repost_of=repost_of
        )

    first, other = make(), make()
    reply = make(first)
    deep = make(make(make(reply)))
    other_reply = make(other)
    repost = make(repost_of=first)
    try:
        new = migrate(AFTER)
        roots = dict(new.get_model("posts", "Post").objects.values_list("pk", "root_id"))
        assert roots[first.pk] is None and roots[other.pk] is None and roots[repost.pk] is None
        assert roots[reply.pk] == first.pk
        assert roots[deep.pk] == first.pk
        assert roots[other_reply.pk] == other.pk
        assert sum(1 for root in roots.values() if root == first.pk) == 4
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
