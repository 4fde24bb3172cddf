"""The visibility matrix: four visibilities by how the reader stands to the author (follows,
blocked either way, mutes, mentioned), asked of every list and single-post page.

Each case writes one post with a unique word, sets up the relation (blocks after the post, as
they happen in life), and checks through HTTP which pages show the word to the reader.
"""

import pytest
from django.urls import reverse

from conversations.selectors import conversation
from posts.models import Visibility
from posts.services import post_create
from social.services import block_create, follow_create, mute_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RELATIONS = [
    "stranger",
    "follower",
    "mentioned",
    "follower_mentioned",
    "muter",
    "blocked",
    "blocker",
]
PUBLIC, UNLISTED, FOLLOWERS, DIRECT = (
    Visibility.PUBLIC,
    Visibility.UNLISTED,
    Visibility.FOLLOWERS,
    Visibility.DIRECT,
)


def may_see(visibility: str, relation: str) -> bool:
    """The rule, written independently of the selectors: may the reader open the post?"""
    if relation in {"blocked", "blocker"}:
        return False
    if visibility in {PUBLIC, UNLISTED}:
        return True
    if visibility == FOLLOWERS:
        return relation in {"follower", "follower_mentioned", "muter"}
    return relation in {"mentioned", "follower_mentioned"}


def expected_pages(visibility: str, relation: str) -> set[str]:
    """Which pages list the post for the reader."""
    if not may_see(visibility, relation):
        return set()
    if visibility == DIRECT:
        return {"post", "messages", "conversation"}
    pages = {"post", "profile", "profile_all"}
    following = relation in {"follower", "follower_mentioned", "muter"}
    muted = relation == "muter"
    if following and not muted:
        pages.add("home")
    if not muted:
        if visibility == PUBLIC:
            pages |= {"explore", "tag", "search"}
        elif visibility == FOLLOWERS:
            pages |= {"tag", "search"}
    return pages


def pages(author, post, thread: int) -> dict[str, str]:
    return {
        "post": reverse("post_detail", args=[author.username, post.pk]),
        "profile": reverse("profile", args=[author.username]),
        "profile_all": reverse("profile", args=[author.username]) + "?tab=all",
        "home": reverse("home"),
        "explore": reverse("explore"),
        "tag": reverse("tag", args=["matrix"]),
        "search": reverse("search") + "?q=zebracorn",
        "messages": reverse("conversations"),
        "conversation": reverse("conversation", args=[thread]),
    }


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("visibility", [PUBLIC, UNLISTED, FOLLOWERS, DIRECT])
def test_visibility_matrix(client, visibility, relation):
    author = UserFactory(username="author")
    reader = UserFactory(username="reader")
    UserFactory(username="someone")
    if relation in {"follower", "follower_mentioned", "muter"}:
        follow_create(follower=reader, followee=author)
    if relation == "muter":
        mute_create(muter=reader, muted=author)
    named = "@reader" if "mentioned" in relation else "@someone"
    post = post_create(author=author, body=f"zebracorn {named} #matrix", visibility=visibility)
    if relation == "blocked":
        block_create(blocker=author, blocked=reader)
    if relation == "blocker":
        block_create(blocker=reader, blocked=author)

    client.force_login(reader)
    shown = set()
    for name, url in pages(author, post, post.pk).items():
        response = client.get(url)
        assert response.status_code in {200, 404}, (name, response.status_code)
        # A card links to the post; the conversation list shows its text (search echoes the
        # query, so the word alone proves nothing there).
        marker = "zebracorn" if name == "messages" else f"/@author/{post.pk}/"
        if response.status_code == 200 and marker in response.content.decode():
            shown.add(name)
    assert shown == expected_pages(visibility, relation)
    # The author always sees their own post at its address, and a direct one in the thread.
    client.force_login(author)
    assert client.get(pages(author, post, post.pk)["post"]).status_code == 200
    if visibility == DIRECT:
        assert list(conversation(author, post.pk)) == [post]
