"""posts 0005 fills Post.root for the comments that exist when it runs, at any depth; posts
0007/0008 can be unapplied (a deploy rolled back) once drafts exist; posts 0011 rebuilds
PostgreSQL's search index both ways."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.core.test_images import encode, quadrants

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


def stored_png(name: str) -> str:
    """Save a real picture (the ImageField reads its size) and return its stored name."""
    return default_storage.save(name, ContentFile(encode(quadrants((8, 8)), "PNG")))


@pytest.mark.django_db(transaction=True)
def test_posts_0007_can_be_unapplied_once_drafts_exist():
    """Rolling a deploy back past 0007 (migrate posts 0006) works after members uploaded
    drafts: 0008's reverse deletes the drafts (images without a post, which the old schema
    cannot hold) and, on commit, their files, before 0007's reverse makes PostImage.post
    required again. Posted images stay."""
    new = migrate([("posts", "0008_postimage_owner_required")])
    user_model = new.get_model("users", "CustomUser")
    post_model = new.get_model("posts", "Post")
    image_model = new.get_model("posts", "PostImage")
    alice = user_model.objects.create(username="alice", email="a@example.com", password="!")
    post = post_model.objects.create(author=alice, audience=alice, body="x")
    names = [stored_png(f"posts/{n}.png") for n in ("d", "dt", "p", "pt")]
    draft = image_model.objects.create(
        owner=alice, post=None, image=names[0], thumbnail=names[1], alt_text=""
    )
    posted = image_model.objects.create(
        owner=alice, post=post, image=names[2], thumbnail=names[3], alt_text="a picture"
    )
    try:
        old = migrate([("posts", "0006_post_audience_required")])
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert ("posts", "0007_microblog_features") not in applied
        images = old.get_model("posts", "PostImage").objects.values_list("pk", flat=True)
        assert list(images) == [posted.pk]
        assert draft.pk not in images
        assert [default_storage.exists(name) for name in names] == [False, False, True, True]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def search_index_definition() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["post_body_search_idx"]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_posts_0011_rebuilds_the_postgresql_search_index_both_ways():
    """Unapplied, the index of posts 0010 (the body as PostgreSQL's parser reads it) is back;
    applied again, the index splits on every non-letter, the expression search queries."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches its FTS5 table, which 0011 leaves alone")
    try:
        migrate([("posts", "0010_search_prefix_stem")])
        assert "translate" in search_index_definition()
        assert "regexp_replace" not in search_index_definition()
        migrate([("posts", "0011_search_words")])
        assert "regexp_replace" in search_index_definition()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
