"""A post, comment or bio holding text the parser cannot link never breaks a page (it once made
every page that showed it answer 500: a stored denial of service)."""

import pytest
from django.urls import reverse

from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.pages import html
from users.services import profile_update

pytestmark = pytest.mark.django_db

# U+017F long s, U+212A Kelvin sign, U+0131 dotless i, U+0130 dotted capital I.
FOLDING = ["\u017fam", "\u212aelvin", "\u0131d", "\u0130d", "\u017f"]


@pytest.mark.parametrize("name", FOLDING)
def test_a_post_with_a_case_folding_mention_shows_everywhere(client, name):
    """Explore, home, the author's profile and the post page all show the post as text."""
    author, reader = UserFactory(), UserFactory()
    FollowFactory(follower=reader, followee=author)
    post = PostFactory(author=author, body=f"hi @{name}")
    client.force_login(reader)
    pages = [
        reverse("explore"),
        reverse("home"),
        author.get_absolute_url(),
        post.get_absolute_url(),
        reverse("search") + "?q=hi",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f"hi @{name}" in html(response), page


@pytest.mark.parametrize("name", FOLDING)
def test_a_comment_with_a_case_folding_mention_breaks_no_page_of_the_victim(client, name):
    """The commented post's page, its author's notifications and the delete page still work."""
    victim = UserFactory()
    post = PostFactory(author=victim, body="my post")
    comment = CommentFactory(in_reply_to=post, body=f"@{name}")
    client.force_login(victim)
    delete = reverse("post_delete", kwargs={"username": comment.author.username, "pk": comment.pk})
    for page in [post.get_absolute_url(), reverse("notifications"), delete]:
        response = client.get(page)
        assert response.status_code == 200, page


def test_a_bio_with_a_case_folding_mention_keeps_the_profile_up(client):
    """A bio mentioning @ + long s is shown as text on the profile."""
    person = UserFactory()
    profile_update(user=person, display_name="", bio="hello @\u017f and @\u212aelvin")
    client.force_login(UserFactory())
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert "hello @\u017f and @\u212aelvin" in html(response)
