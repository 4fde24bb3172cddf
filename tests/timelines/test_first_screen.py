"""Somewhere to start: a new member's empty home, the right column (/sidebar/), and the follow
buttons of every list of people."""

import re

import pytest
from django.urls import reverse

from posts.models import Visibility
from posts.selectors import likers
from posts.services import post_like, post_repost
from social.models import Follow
from social.selectors import most_followed_ids
from social.services import follow_create
from tests.factories import PostFactory, UserFactory
from tests.pages import HTMX, html
from users.adapter import AccountAdapter
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def _follow_buttons(response) -> dict[str, str]:
    """Return {username: "Follow" or "Unfollow"} for the follow buttons on the page."""
    found = re.findall(
        r'<button type="submit"[^>]*>(Follow|Unfollow)<span class="visually-hidden"> @(\w+)</span>',
        html(response),
    )
    return {username: label for label, username in found}


def _popular(n: int) -> list:
    people = [UserFactory() for _ in range(n)]
    for person in people:
        follow_create(follower=UserFactory(), followee=person)
    return people


def test_a_new_members_empty_home_shows_who_to_follow_and_trending_tags(member_client):
    person = _popular(1)[0]
    PostFactory(author=person, body="hello #gardening")
    response = member_client.get(reverse("home"))
    content = html(response)
    assert "Who to follow" in content
    assert _follow_buttons(response).get(person.username) == "Follow"
    assert 'href="/tags/gardening/"' in content


def test_a_home_with_posts_shows_no_suggestions(member_client, user):
    PostFactory(author=user, body="my first post #gardening")
    _popular(2)
    content = html(member_client.get(reverse("home")))
    assert "Who to follow" not in content
    assert "Trending tags" not in content


@pytest.mark.parametrize("n", [1, 5])
def test_the_empty_home_costs_the_same_queries_for_1_or_5_suggestions(
    member_client, n, django_assert_num_queries
):
    """session, member, the timeline page, who to follow, trending tags, the nav badges (the
    site-wide list of most followed accounts is cached: most_followed_ids)."""
    for person in _popular(n):
        PostFactory(author=person, body="#tag")
    most_followed_ids()
    with django_assert_num_queries(6):
        member_client.get(reverse("home"))


@pytest.mark.parametrize("n", [1, 3])
def test_the_sidebar_shows_three_suggestions_and_tags_in_fixed_queries(
    member_client, n, django_assert_num_queries
):
    """session, member, who to follow, trending tags (most followed ids cached)."""
    _popular(n + 2)
    for k in range(n + 4):
        PostFactory(body=f"#topic{k}")
    most_followed_ids()
    with django_assert_num_queries(4):
        response = member_client.get(reverse("sidebar"), headers=HTMX)
    assert response.status_code == 200
    assert len(_follow_buttons(response)) == 3
    assert len(re.findall(r'<li><a href="/tags/', html(response))) == 5


def _sidebar_url(response) -> str:
    """Return the address _base.html loads the right column from."""
    return re.search(r'<div id="sidebar-extra" hx-get="([^"]*)"', html(response)).group(1)


def test_the_empty_home_asks_the_right_column_to_leave_who_to_follow_out(member_client, user):
    """Its empty timeline shows who to follow: the right column must not show it again."""
    _popular(1)
    assert (
        _sidebar_url(member_client.get(reverse("home"))) == reverse("sidebar") + "?first_screen=1"
    )
    PostFactory(author=user, body="my first post")
    assert _sidebar_url(member_client.get(reverse("home"))) == reverse("sidebar")


def test_other_pages_load_the_whole_right_column(member_client):
    _popular(1)
    for name in ("explore", "notifications", "bookmarks"):
        assert _sidebar_url(member_client.get(reverse(name))) == reverse("sidebar")


def test_the_sidebar_beside_a_first_screen_repeats_neither_box_nor_queries_them(
    member_client, django_assert_num_queries
):
    """session and member only: the empty home shows who to follow and the tags itself."""
    _popular(3)
    PostFactory(body="#topic")
    with django_assert_num_queries(2):
        response = member_client.get(reverse("sidebar") + "?first_screen=1", headers=HTMX)
    content = html(response)
    assert _follow_buttons(response) == {}
    assert "Who to follow" not in content
    assert "/tags/topic/" not in content
    plain = member_client.get(reverse("sidebar"), headers=HTMX)
    assert 'href="/tags/topic/"' in html(plain)


@pytest.mark.parametrize(("page", "links_to_explore"), [("explore", False), ("home", True)])
def test_the_sidebar_links_to_explore_except_on_explore(member_client, page, links_to_explore):
    """The column is one request for every page (url_name "sidebar"): it goes by the page it
    is loaded into (HX-Current-URL)."""
    _popular(1)
    headers = {**HTMX, "HX-Current-URL": "http://testserver" + reverse(page)}
    content = html(member_client.get(reverse("sidebar"), headers=headers))
    assert "Who to follow" in content
    assert ("Find more people on Explore" in content) is links_to_explore


def test_the_sidebar_for_a_visitor_holds_no_people(client, settings):
    settings.MSG_PUBLIC_PAGES = True
    person = _popular(1)[0]
    PostFactory(author=person, body="#visible")
    response = client.get(reverse("sidebar"))
    assert response.status_code == 200
    assert _follow_buttons(response) == {}
    assert 'href="/tags/visible/"' in html(response)
    settings.MSG_PUBLIC_PAGES = False
    response = client.get(reverse("sidebar"))
    assert response.status_code == 200
    assert html(response).strip() == ""


def test_people_lists_have_follow_buttons_but_not_on_yourself(member_client, user):
    """Followers, following and search results: Unfollow for people you follow, Follow for the
    others, nothing next to yourself."""
    owner = UserFactory(username="owner")
    followed = UserFactory(username="zed_followed")
    stranger = UserFactory(username="zed_stranger")
    follow_create(follower=user, followee=followed)
    for person in (followed, stranger, user):
        follow_create(follower=person, followee=owner)
        follow_create(follower=owner, followee=person)
    expected = {followed.username: "Unfollow", stranger.username: "Follow"}
    for name in ("followers", "following"):
        response = member_client.get(reverse(name, kwargs={"username": owner.username}))
        assert _follow_buttons(response) == expected
    response = member_client.get(reverse("search"), {"q": "zed"})
    assert _follow_buttons(response) == expected


def test_following_from_a_list_with_htmx_swaps_the_button(member_client, user):
    """The button posts the follow, then shows Unfollow in its place."""
    person = UserFactory()
    url = reverse("relationship_action", kwargs={"username": person.username, "action": "follow"})
    response = member_client.post(url, {"button": "person"}, headers=HTMX)
    assert response.status_code == 200
    assert _follow_buttons(response) == {person.username: "Unfollow"}
    assert 'class="person-follow"' in html(response)
    assert Follow.objects.filter(follower=user, followee=person).exists()


def test_following_from_a_list_without_javascript_comes_back_to_the_list(member_client):
    person = UserFactory()
    url = reverse("relationship_action", kwargs={"username": person.username, "action": "follow"})
    back = reverse("search") + "?q=x"
    response = member_client.post(url, {"next": back})
    assert response.status_code == 302
    assert response.url == back


@pytest.mark.parametrize("n", [1, 10])
def test_the_followers_page_costs_the_same_with_follow_buttons(
    member_client, n, django_assert_num_queries
):
    """session, member, the person, the block check, the page of edges with each follower's
    follow state, the nav badges: the follow buttons cost no query of their own."""
    owner = UserFactory()
    for _ in range(n):
        follow_create(follower=UserFactory(), followee=owner)
    with django_assert_num_queries(6):
        response = member_client.get(reverse("followers", kwargs={"username": owner.username}))
    assert len(_follow_buttons(response)) == n


def test_likers_carry_the_follow_state(user):
    """The likes list knows, in its one query, whom the reader follows."""
    post = PostFactory()
    fan, other = UserFactory(), UserFactory()
    follow_create(follower=user, followee=fan)
    post_like(user=fan, post=post)
    post_like(user=other, post=post)
    found = {like.user.username: like.is_followed for like in likers(user, post)}
    assert found == {fan.username: True, other.username: False}


@pytest.mark.parametrize("n", [1, 10])
def test_the_likes_page_lists_likers_with_follow_buttons_in_fixed_queries(
    member_client, user, n, django_assert_num_queries
):
    """session, member, the post, the page of likes with each liker's follow state, badges."""
    post = PostFactory()
    fans: list[CustomUser] = [UserFactory() for _ in range(n)]
    for fan in fans:
        post_like(user=fan, post=post)
    follow_create(follower=user, followee=fans[0])
    url = reverse("post_likes", kwargs={"username": post.author.username, "pk": post.pk})
    with django_assert_num_queries(5):
        response = member_client.get(url)
    buttons = _follow_buttons(response)
    assert len(buttons) == n
    assert buttons[fans[0].username] == "Unfollow"


def test_the_reposts_page_lists_reposters_with_follow_buttons(member_client):
    post = PostFactory()
    fan = UserFactory()
    post_repost(user=fan, post=post)
    url = reverse("post_reposts", kwargs={"username": post.author.username, "pk": post.pk})
    assert _follow_buttons(member_client.get(url)) == {fan.username: "Follow"}


def test_the_likes_page_of_a_post_the_reader_may_not_see_is_a_404(member_client):
    post = PostFactory(visibility=Visibility.FOLLOWERS)
    url = reverse("post_likes", kwargs={"username": post.author.username, "pk": post.pk})
    assert member_client.get(url).status_code == 404


def test_explore_offers_people_to_follow_on_its_first_page(member_client):
    person = _popular(1)[0]
    post = PostFactory(author=person, body="public words")
    buttons = _follow_buttons(member_client.get(reverse("explore")))
    assert next(iter(buttons.items())) == (person.username, "Follow")  # the most followed first
    later = member_client.get(reverse("explore"), {"max_id": post.pk + 1})
    assert _follow_buttons(later) == {}


def test_a_follow_button_swapped_in_by_htmx_still_returns_to_its_page(member_client):
    """Its plain fallback's next is the page the button sits on, not the follow address."""
    person = UserFactory()
    url = reverse("relationship_action", kwargs={"username": person.username, "action": "follow"})
    headers = {**HTMX, "HX-Current-URL": "http://testserver/search/?q=zed"}
    response = member_client.post(url, {"button": "person"}, headers=headers)
    assert 'name="next" value="/search/?q=zed"' in html(response)


# Nobody to follow yet (a new server, run without seed_demo): every empty page links its next
# step, in every language.


def _empty_state(response) -> str:
    """Return a page's empty-state paragraphs and the first-screen block after them."""
    found = re.findall(
        r'<p class="empty">.*?</p>(?:\s*<div class="first-screen">.*?</div>)?',
        html(response),
        re.S,
    )
    assert found, "no empty-state paragraph on the page"
    return "\n".join(found)


def _links(fragment: str) -> set[str]:
    return set(re.findall(r'<a href="([^"]*)"', fragment))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_sole_members_empty_home_links_a_first_post_explore_search_and_sign_up(
    member_client, lang
):
    response = member_client.get(reverse("home"), headers={"Accept-Language": lang})
    signup = response.wsgi_request.build_absolute_uri(reverse("account_signup"))
    expected = {"#compose", reverse("explore"), reverse("search"), signup}
    assert _links(_empty_state(response)) >= expected
    assert 'id="compose"' in html(response)


def test_the_empty_home_gives_no_sign_up_address_when_sign_up_is_closed(member_client, monkeypatch):
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)
    links = _links(_empty_state(member_client.get(reverse("home"))))
    assert "#compose" in links
    assert reverse("account_signup") not in "".join(links)


def test_an_empty_home_with_people_to_suggest_shows_them_instead_of_the_invitation(
    member_client,
):
    _popular(1)
    block = _empty_state(member_client.get(reverse("home")))
    assert "Who to follow" in block
    assert "#compose" not in _links(block)
    assert reverse("account_signup") not in block


def test_the_sole_members_empty_home_costs_no_more_queries(
    member_client, django_assert_num_queries
):
    """The same six as with suggestions: the invitation reads the (empty) who to follow."""
    most_followed_ids()
    with django_assert_num_queries(6):
        member_client.get(reverse("home"))


@pytest.mark.parametrize("query", ["", "?first_screen=1"])
def test_the_sidebar_with_nobody_to_suggest_keeps_its_link_to_explore(member_client, user, query):
    """Its placeholder (_base.html) links to Explore: the column loaded in its place too."""
    PostFactory(author=user, body="#solo")  # trending tags, but nobody to suggest
    headers = {**HTMX, "HX-Current-URL": "http://testserver" + reverse("home")}
    content = html(member_client.get(reverse("sidebar") + query, headers=headers))
    assert f'<a href="{reverse("explore")}">' in content
    on_explore = {**HTMX, "HX-Current-URL": "http://testserver" + reverse("explore")}
    content = html(member_client.get(reverse("sidebar") + query, headers=on_explore))
    assert f'href="{reverse("explore")}"' not in content


def test_the_sidebar_gives_a_visitor_no_link_to_explore(client, settings):
    """Explore is for members: a visitor would land on the log-in page."""
    settings.MSG_PUBLIC_PAGES = True
    assert f'href="{reverse("explore")}"' not in html(client.get(reverse("sidebar")))


EMPTY_PAGES = {
    "own profile": (lambda user: reverse("profile", args=[user.username]), "compose"),
    "bookmarks": (lambda user: reverse("bookmarks"), "explore"),
    "notifications": (lambda user: reverse("notifications"), "explore"),
    "search": (lambda user: reverse("search") + "?q=zzqqxx", "explore"),
    "tag": (lambda user: reverse("tag", args=["nothinghere"]), "explore"),
    "explore": (lambda user: reverse("explore"), "compose"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("page", list(EMPTY_PAGES))
def test_an_empty_page_links_the_next_step_it_names(member_client, user, page, lang):
    """Say hello from the home page, find posts on Explore... as links, not only words."""
    address, step = EMPTY_PAGES[page]
    response = member_client.get(address(user), headers={"Accept-Language": lang})
    assert response.status_code == 200
    target = reverse("home") + "#compose" if step == "compose" else reverse("explore")
    assert target in _links(_empty_state(response))
