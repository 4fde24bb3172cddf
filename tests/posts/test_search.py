"""Full-text post search and people search (timelines.selectors over posts.search).

Every test here runs on whichever database the suite uses (SQLite FTS5 or PostgreSQL full
text search) and must pass on both.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.models import Visibility
from posts.selectors import search_posts
from posts.services import post_create, post_delete, post_edit, post_repost
from social.selectors import search_people
from social.services import block_create
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from users.services import profile_update

pytestmark = pytest.mark.django_db


def _found(viewer, text: str) -> list[int]:
    return [post.pk for post in search_posts(viewer, text)]


# Posts: matching


def test_search_finds_a_post_by_a_word(user):
    """A post containing the word is found; one without it is not."""
    match = PostFactory(body="Tomatoes ripen in August")
    PostFactory(body="Cucumbers ripen in July")
    assert _found(user, "tomatoes") == [match.pk]


def test_search_ignores_case(user):
    """The query and the post match whatever their letter case."""
    match = PostFactory(body="PostgreSQL and SQLite")
    assert _found(user, "postgresql") == [match.pk]
    assert _found(user, "SQLITE") == [match.pk]


def test_search_needs_every_word(user):
    """All query words must occur: a post missing one of them is not found."""
    both = PostFactory(body="red apples and green pears")
    PostFactory(body="red apples only")
    assert _found(user, "apples pears") == [both.pk]


def test_search_ranks_exact_matches_above_prefix_matches(user):
    """A post holding every query word exactly ranks above a newer one matching by prefix."""
    exact = PostFactory(body="kayak trip with friends")
    prefix = PostFactory(body="kayaking trips")
    assert _found(user, "kayak trip") == [exact.pk, prefix.pk]


def test_search_ranks_newest_first_among_equal_matches(user):
    """Among posts matching as well, the newest comes first."""
    older = PostFactory(body="kayak trip, kayak gear, kayak river trip")
    newer = PostFactory(body="a kayak trip with friends and a long lunch afterwards")
    assert _found(user, "kayak trip") == [newer.pk, older.pk]


def test_search_finds_comments_but_not_reposts(user):
    """Comments are searchable; a repost does not repeat the original in results."""
    post = PostFactory(body="lighthouse keeper")
    comment = CommentFactory(in_reply_to=post, body="the lighthouse at dusk")
    post_repost(user=UserFactory(), post=post)
    assert sorted(_found(user, "lighthouse")) == sorted([post.pk, comment.pk])


def test_search_respects_the_limit(user):
    """No more than limit posts come back."""
    for _ in range(5):
        PostFactory(body="pancake")
    assert len(search_posts(user, "pancake", limit=3)) == 3


# Posts: visibility


def test_search_hides_followers_only_posts_from_non_followers(user):
    """A followers-only post is found by followers and the author, not by others."""
    author, follower = UserFactory(), UserFactory()
    FollowFactory(follower=follower, followee=author)
    post = PostFactory(author=author, body="secret recipe", visibility=Visibility.FOLLOWERS)
    assert _found(user, "recipe") == []
    assert _found(follower, "recipe") == [post.pk]
    assert _found(author, "recipe") == [post.pk]


@pytest.mark.parametrize("direction", ["viewer_blocks", "viewer_is_blocked"])
def test_search_hides_posts_across_a_block(user, other_user, direction):
    """Posts of someone blocked either way are not found."""
    PostFactory(author=other_user, body="volcano facts")
    if direction == "viewer_blocks":
        block_create(blocker=user, blocked=other_user)
    else:
        block_create(blocker=other_user, blocked=user)
    assert _found(user, "volcano") == []
    assert _found(UserFactory(), "volcano") != []


# Posts: hostile input


@pytest.mark.parametrize(
    ("text", "finds_it"),
    [
        ('"walrus', True),
        ('"walrus tusk"', True),
        ('"tusk walrus"', True),  # words, not a phrase: order does not matter
        ("walrus*", True),
        ("walr*", True),  # a prefix of a word, as "walr" alone
        ("*walrus", True),
        ("-walrus", True),
        ("walrus -", True),
        ("NEAR(walrus tusk)", True),
        ("walrus NEAR tusk", True),
        ("walrus AND tusk", False),  # AND is a word the post lacks, not an operator
        ("(walrus", True),
        ("walrus)", True),
        ("body:walrus", False),  # "body" is a word too, not a column filter
        ("^walrus", True),
        ("walrus & | ! :* <-> {", True),
        ("'; DROP TABLE posts_post; --", False),
        ("shore'); --", True),
    ],
)
def test_search_treats_query_syntax_as_plain_words(user, text, finds_it):
    """Operator characters are not query syntax: no error, every word is a plain word."""
    match = PostFactory(body="walrus tusk near the shore")
    PostFactory(body="seal flipper")
    assert _found(user, text) == ([match.pk] if finds_it else [])


@pytest.mark.parametrize("text", ["", "   ", "!!!", "*", '"', "-", "()", "#", "@"])
def test_search_with_no_words_finds_nothing(user, text):
    """Empty or punctuation-only input returns no posts and raises nothing."""
    PostFactory(body="anything at all")
    assert _found(user, text) == []


def test_search_minus_does_not_exclude(user):
    """A leading minus is not NOT: 'walrus -tusk' needs both words, the same on every backend."""
    both = PostFactory(body="walrus tusk")
    PostFactory(body="walrus alone")
    assert _found(user, "walrus -tusk") == [both.pk]


def test_search_or_is_a_word_not_an_operator(user):
    """'or' is not an operator: 'walrus or seal' does not find posts with just one of them."""
    PostFactory(body="walrus alone")
    PostFactory(body="seal alone")
    assert _found(user, "walrus or seal") == []


# Posts: edits and deletes


def test_search_reflects_edits(user):
    """After an edit, the old words no longer match and the new ones do."""
    post = post_create(author=user, body="penguin parade")
    post_edit(user=user, post=post, body="flamingo parade")
    assert _found(user, "penguin") == []
    assert _found(user, "flamingo") == [post.pk]
    assert _found(user, "parade") == [post.pk]


def test_search_reflects_deletes(user):
    """A deleted post and its deleted comments are no longer found."""
    post = post_create(author=user, body="glacier hike")
    CommentFactory(in_reply_to=post, body="glacier photos please")
    keeper = PostFactory(body="glacier melt")
    post_delete(user=user, post=post)
    assert _found(user, "glacier") == [keeper.pk]


# The backend really used


def test_search_uses_the_databases_own_full_text_engine(user):
    """SQLite indexes the post in the FTS5 table; PostgreSQL uses its GIN index and tsquery."""
    post = post_create(author=user, body="aurora borealis")
    with CaptureQueriesContext(connection) as queries:
        assert _found(user, "aurora") == [post.pk]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT body FROM post_search WHERE rowid = %s", [post.pk])
            assert cursor.fetchall() == [("aurora borealis",)]
            assert "MATCH" in sql
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["post_body_search_idx"]
            )
            rows = cursor.fetchall()
            assert len(rows) == 1
            assert "gin" in rows[0][0].lower()
            assert "to_tsvector" in sql
            assert "@@" in sql
        else:
            pytest.fail(f"no full-text search path for {connection.vendor}")


def test_the_sqlite_index_follows_edits_and_deletes(user):
    """On SQLite the FTS5 row is rewritten on edit and removed on delete (no-op elsewhere)."""
    post = post_create(author=user, body="first words")
    post_edit(user=user, post=post, body="second words")
    if connection.vendor != "sqlite":
        assert _found(user, "second") == [post.pk]
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM post_search WHERE rowid = %s", [post.pk])
        assert cursor.fetchall() == [("second words",)]
        post_delete(user=user, post=post)
        cursor.execute("SELECT count(*) FROM post_search WHERE rowid = %s", [post.pk])
        assert cursor.fetchone() == (0,)


# People


def test_search_people_prefix_matches_username_case_insensitively(user):
    """'ALI' finds alice and alistair by username, but not someone with 'ali' in the middle."""
    alice = UserFactory(username="alice")
    alistair = UserFactory(username="Alistair")
    UserFactory(username="natalia")
    assert set(search_people(user, "ALI")) == {alice, alistair}


def test_search_people_prefix_matches_display_name_case_insensitively(user):
    """A display name prefix finds the account, whatever its case."""
    person = UserFactory(username="xk42")
    profile_update(user=person, display_name="Grace Hopper", bio="")
    UserFactory(username="ygrace")
    assert list(search_people(user, "grace h")) == [person]


def test_search_people_hides_blocked_users_both_ways(user):
    """Accounts blocked either way are not found."""
    blocked = UserFactory(username="walter")
    blocker = UserFactory(username="wanda")
    visible = UserFactory(username="wally")
    block_create(blocker=user, blocked=blocked)
    block_create(blocker=blocker, blocked=user)
    assert list(search_people(user, "wa")) == [visible]


def test_search_people_treats_like_wildcards_literally(user):
    """'%' and '_' in the query are characters, not LIKE wildcards."""
    under = UserFactory(username="a_b")
    UserFactory(username="axb")
    assert list(search_people(user, "a_")) == [under]
    assert list(search_people(user, "%")) == []


def test_search_people_respects_the_limit(user):
    """No more than limit accounts come back, in username order."""
    names = [f"zed{i}" for i in range(4)]
    for name in names:
        UserFactory(username=name)
    assert [u.username for u in search_people(user, "zed", limit=3)] == names[:3]


def test_matches_the_reader_cannot_see_never_crowd_out_those_they_can():
    """Many hidden matches do not push the reader's only visible match out of the results."""
    writer, reader = UserFactory(), UserFactory()
    mine = post_create(author=reader, body="zebra " + "filler " * 60)  # long: ranks low
    for n in range(60):
        post_create(author=writer, body=f"zebra {n}", visibility=Visibility.FOLLOWERS)
    found = [p.pk for p in search_posts(reader, "zebra", limit=5)]
    assert found == [mine.pk]
