"""users_who_can_see (one post, many readers, one query) agrees with post_is_visible_to (the
visible_to rule applied to one post) for every user, on random graphs: follows, blocks either
way, mutes, deactivated accounts, the four visibilities (public, unlisted, followers-only and
direct, addressed by mentions) in posts and threads, reposts, comments whose thread's author
blocked their author."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from posts.models import Post, Visibility
from posts.selectors import users_who_can_see
from posts.services import post_create, post_repost
from posts.services.access import post_is_visible_to
from social.services import block_create, follow_create, mute_create
from tests.factories import UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db

USERS = 4
person = st.integers(min_value=0, max_value=USERS - 1)
pairs = st.lists(st.tuples(person, person), max_size=12)
post_spec = st.tuples(
    person,  # author
    st.sampled_from(list(Visibility)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=7)),  # replies to / reposts this
    st.booleans(),  # a repost rather than a comment
    st.sets(person, max_size=2),  # whom the text mentions
)


class Rollback(Exception):
    pass


def build(follows, specs, blocks, mutes, deactivated, unaddressed) -> tuple[list, list]:
    """Build the graph through the services; return the users and the posts, fresh."""
    users = UserFactory.create_batch(USERS)
    for a, b in follows:
        if a != b:
            follow_create(follower=users[a], followee=users[b])
    posts: list[Post] = []
    for author, visibility, target, repost, *mentioned in specs:
        other = posts[target % len(posts)] if target is not None and posts else None
        names = " ".join(f"@{users[m].username}" for m in (mentioned[0] if mentioned else ()))
        try:
            if other is not None and repost:
                posts.append(post_repost(user=users[author], post=other))
            else:
                posts.append(
                    post_create(
                        author=users[author],
                        body=f"words {names}",
                        visibility=visibility,
                        in_reply_to=other,
                    )
                )
        except (PermissionDenied, ValidationError):
            pass
    # Blocks and mutes after the posts, so that comments end up in a blocker's thread.
    for a, b in blocks:
        if a != b:
            block_create(blocker=users[a], blocked=users[b])
    for a, b in mutes:
        if a != b:
            mute_create(muter=users[a], muted=users[b])
    CustomUser.objects.filter(pk__in=[users[i].pk for i in deactivated]).update(is_active=False)
    # Every post has an audience since posts 0006 made it required, so none is left unaddressed.
    del unaddressed
    fresh_users = list(CustomUser.objects.filter(pk__in=[u.pk for u in users]))
    return fresh_users, list(Post.objects.filter(pk__in=[p.pk for p in posts]))


@settings(max_examples=80, deadline=None)
# A comment in a thread whose author then blocks the commenter; a followers-only reply, seen
# by its thread's author (the audience) and by the audience's followers; a legacy post.
@example(
    follows=[(1, 0), (2, 1), (3, 0)],
    specs=[(0, "public", None, False), (1, "public", 0, False), (2, "public", 1, False)],
    blocks=[(0, 2)],
    mutes=[],
    deactivated=set(),
    unaddressed=set(),
)
@example(
    follows=[(1, 0), (2, 0), (3, 1), (0, 1)],
    specs=[(0, "followers", None, False), (1, "public", 0, False), (0, "public", 1, True)],
    blocks=[],
    mutes=[(2, 1)],
    deactivated=set(),
    unaddressed={1},
)
@example(
    follows=[(1, 0), (2, 0), (2, 1)],
    specs=[(0, "followers", None, False), (1, "followers", 0, False)],
    blocks=[],
    mutes=[],
    deactivated={3},
    unaddressed=set(),
)
# A direct message to one person, a reply carrying the conversation to its participants, a
# third person who follows both and sees neither, and an unlisted post seen by all.
@example(
    follows=[(2, 0), (2, 1)],
    specs=[
        (0, "direct", None, False, {1}),
        (1, "public", 0, False, set()),
        (1, "unlisted", None, False, set()),
    ],
    blocks=[],
    mutes=[],
    deactivated=set(),
    unaddressed=set(),
)
@given(
    follows=pairs,
    specs=st.lists(post_spec, min_size=1, max_size=8),
    blocks=st.lists(st.tuples(person, person), max_size=3),
    mutes=st.lists(st.tuples(person, person), max_size=3),
    deactivated=st.sets(person, max_size=2),
    unaddressed=st.sets(st.integers(min_value=0, max_value=7), max_size=3),
)
def test_users_who_can_see_agrees_with_post_is_visible_to(
    follows, specs, blocks, mutes, deactivated, unaddressed
):
    """For every post and every user, the bulk answer is the single-post answer."""
    try:
        with transaction.atomic():
            users, posts = build(follows, specs, blocks, mutes, deactivated, unaddressed)
            ids = [u.pk for u in users]
            for post in posts:
                bulk = set(users_who_can_see(post, ids).values_list("pk", flat=True))
                single = {u.pk for u in users if post_is_visible_to(post=post, user=u)}
                assert bulk == single, (post, post.visibility, post.audience_id)
            raise Rollback  # each example starts from an empty database
    except Rollback:
        pass


def test_users_who_can_see_is_one_query(django_assert_num_queries):
    """However many readers are asked about, the answer is one query."""
    author, *readers = UserFactory.create_batch(6)
    post = post_create(author=author, body="hello", visibility=Visibility.FOLLOWERS)
    for reader in readers[:3]:
        follow_create(follower=reader, followee=author)
    with django_assert_num_queries(1):
        seen = set(users_who_can_see(post, [r.pk for r in readers]))
    assert seen == set(readers[:3])
