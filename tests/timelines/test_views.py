"""The timeline pages through the test client: home, explore, a tag, bookmarks, search and
notifications. Order, the ?max_id= cursor, htmx "Load more", empty states, login, the nav badge."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from notifications.models import Notification
from posts.models import Visibility
from posts.services import post_bookmark, post_like, post_repost
from social.services import follow_create
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX, empty_state, html, next_max_id, post_ids, template_names
from users.models import CustomUser

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

TAG = "birdwatching"


def badge(response) -> int | None:
    """Return the unread count in the nav's Notifications badge, if there is a badge."""
    match = re.search(r'<span class="badge"[^>]*>(\d+)</span>', html(response))
    return int(match.group(1)) if match else None


def assert_redirects_to_login(response, next_path: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [next_path]


@pytest.fixture
def small_pages(settings) -> int:
    settings.MSG_PAGE_SIZE = 3
    return settings.MSG_PAGE_SIZE


# The four post timelines, each with a way to put n posts on it -----------------------------


@dataclass(frozen=True)
class Timeline:
    name: str
    template: str
    # Publish n items on viewer's timeline; return the card ids in the order they were added.
    add: Callable[[CustomUser, int], list[int]]
    # A word the empty state must use, so it speaks about this page.
    empty_word: str
    kwargs: dict

    def url(self) -> str:
        return reverse(self.name, kwargs=self.kwargs)


def _followed_posts(viewer: CustomUser, n: int) -> list[int]:
    author = FollowFactory(follower=viewer).followee
    return [PostFactory(author=author).pk for _ in range(n)]


def _public_posts(viewer: CustomUser, n: int) -> list[int]:
    return [PostFactory(author=UserFactory()).pk for _ in range(n)]


def _tagged_posts(viewer: CustomUser, n: int) -> list[int]:
    return [PostFactory(body=f"Saw a heron #{TAG} {i}").pk for i in range(n)]


def _bookmarked_posts(viewer: CustomUser, n: int) -> list[int]:
    """Bookmark n posts, newest post first, so the bookmark order differs from the post order."""
    posts = PostFactory.create_batch(n)
    for post in reversed(posts):
        post_bookmark(user=viewer, post=post)
    return [p.pk for p in reversed(posts)]


TIMELINES = {
    t.name: t
    for t in [
        Timeline("home", "timelines/home.html", _followed_posts, "Follow", {}),
        Timeline("explore", "timelines/explore.html", _public_posts, "public", {}),
        Timeline("tag", "timelines/tag.html", _tagged_posts, "tag", {"name": TAG}),
        Timeline("bookmarks", "timelines/bookmarks.html", _bookmarked_posts, "bookmark", {}),
    ]
}


@pytest.fixture(params=list(TIMELINES))
def timeline(request, db) -> Timeline:
    """Each post timeline. The tag page needs its tag to exist, even when no post shows."""
    PostFactory(author=UserFactory(), body=f"#{TAG}", visibility=Visibility.FOLLOWERS)
    return TIMELINES[request.param]


def test_timeline_lists_its_posts_newest_first(member_client, user, timeline):
    """Each timeline answers 200 with its own template and its posts, newest first."""
    added = timeline.add(user, 4)
    response = member_client.get(timeline.url())
    assert response.status_code == 200
    assert timeline.template in template_names(response)
    assert "_base.html" in template_names(response)
    assert post_ids(response) == list(reversed(added))
    assert empty_state(response) is None


def test_timeline_without_posts_shows_its_empty_state(member_client, timeline):
    """With nothing to show, each timeline says so in its own words (and has no Load more)."""
    response = member_client.get(timeline.url())
    assert response.status_code == 200
    assert post_ids(response) == []
    text = empty_state(response)
    assert text is not None
    assert timeline.empty_word.lower() in text.lower()
    assert next_max_id(response) is None


def test_timeline_pages_follow_the_max_id_cursor(member_client, user, small_pages, timeline):
    """?max_id= walks the whole timeline: older items on each page, none twice, none missed."""
    added = timeline.add(user, small_pages * 2 + 1)
    seen: list[list[int]] = []
    response = member_client.get(timeline.url())
    while True:
        assert response.status_code == 200
        seen.append(post_ids(response))
        cursor = next_max_id(response)
        if cursor is None:
            break
        response = member_client.get(timeline.url(), {"max_id": cursor})
    assert [len(page) for page in seen] == [small_pages, small_pages, 1]
    assert [pk for page in seen for pk in page] == list(reversed(added))


@pytest.mark.parametrize("max_id", ["abc", "-1", "1.5", "", "²", "0x10"])
def test_timeline_ignores_a_malformed_max_id(member_client, user, timeline, max_id):
    """A cursor that is not a plain number shows the first page, never an error."""
    added = timeline.add(user, 2)
    response = member_client.get(timeline.url(), {"max_id": max_id})
    assert response.status_code == 200
    assert post_ids(response) == list(reversed(added))


def test_htmx_load_more_returns_only_the_next_page(member_client, user, small_pages, timeline):
    """htmx "Load more" (HX-Request + max_id) gets the next cards only, without the layout."""
    added = timeline.add(user, small_pages + 2)
    first = member_client.get(timeline.url())
    assert f'hx-get="?max_id={next_max_id(first)}"' in html(first)
    response = member_client.get(timeline.url(), {"max_id": next_max_id(first)}, headers=HTMX)
    assert response.status_code == 200
    content = html(response)
    assert "<html" not in content
    assert "<nav" not in content
    assert timeline.template not in template_names(response)
    assert "_base.html" not in template_names(response)
    assert post_ids(response) == list(reversed(added))[small_pages:]
    assert not set(post_ids(response)) & set(post_ids(first))


def test_htmx_request_without_a_cursor_gets_the_whole_page(member_client, user, timeline):
    """An htmx request with no max_id (boosted navigation) still gets the full page."""
    timeline.add(user, 1)
    response = member_client.get(timeline.url(), headers=HTMX)
    assert timeline.template in template_names(response)
    assert "<html" in html(response)


@pytest.mark.parametrize("name", ["explore", "tag", "bookmarks", "search", "notifications"])
def test_anonymous_visitor_is_sent_to_log_in_and_back(client, name):
    """Every page but home asks a visitor to log in, then returns them there (query kept)."""
    PostFactory(body=f"#{TAG}")
    path = reverse(name, kwargs={"name": TAG} if name == "tag" else {})
    if name == "search":
        path += "?q=heron"
    assert_redirects_to_login(client.get(path), path)


# Pages with their own rules ------------------------------------------------------------------


def test_home_shows_own_posts_and_reposts_by_followed_people(member_client, user):
    """Home holds the reader's own posts and what people they follow post or repost."""
    followed = FollowFactory(follower=user).followee
    stranger_post = PostFactory(body="A stranger's words")
    own = PostFactory(author=user)
    repost = post_repost(user=followed, post=stranger_post)
    response = member_client.get(reverse("home"))
    assert post_ids(response) == [repost.pk, own.pk]
    assert stranger_post.body in html(response)
    assert f"<bdi>{followed.name}</bdi></a> reposted" in html(response)


def test_explore_leaves_out_followers_only_posts_comments_and_reposts(member_client, user):
    """Explore shows public top-level posts only, even from people the reader follows."""
    followed = FollowFactory(follower=user).followee
    public = PostFactory(author=followed)
    PostFactory(author=followed, visibility=Visibility.FOLLOWERS)
    PostFactory(in_reply_to=public, author=UserFactory())
    original = PostFactory(author=user)
    post_repost(user=followed, post=original)
    response = member_client.get(reverse("explore"))
    assert post_ids(response) == [original.pk, public.pk]


def test_tag_page_matches_the_tag_case_insensitively(member_client):
    """/tags/Django/ and /tags/django/ show the same posts as #DJANGO in a body."""
    post = PostFactory(body="Loving #DJANGO")
    for name in ("django", "Django"):
        response = member_client.get(reverse("tag", kwargs={"name": name}))
        assert response.status_code == 200
        assert post_ids(response) == [post.pk]


def test_unknown_tag_looks_like_a_tag_on_hidden_posts_only(member_client, other_user):
    """A tag nobody used and a tag used only on posts the reader cannot see answer alike,
    so the tag page does not reveal hidden hashtags."""
    PostFactory(author=other_user, body="secret #hiddentag", visibility=Visibility.FOLLOWERS)
    unknown = member_client.get(reverse("tag", kwargs={"name": "neverused"}))
    hidden = member_client.get(reverse("tag", kwargs={"name": "hiddentag"}))
    assert unknown.status_code == hidden.status_code == 200
    assert post_ids(unknown) == post_ids(hidden) == []
    assert empty_state(unknown) == empty_state(hidden)


def test_bookmarks_are_private_to_their_owner(client, user, other_user):
    """Another member's bookmarks never show on yours."""
    post = PostFactory()
    post_bookmark(user=other_user, post=post)
    client.force_login(user)
    assert post_ids(client.get(reverse("bookmarks"))) == []


# Search -------------------------------------------------------------------------------------


def test_search_shows_people_tags_and_posts_sections(member_client):
    """A query finds people by name, hashtags by prefix and posts by their words."""
    person = UserFactory(username="zebra_fan")
    post = PostFactory(body="A zebra crossed the road #zebras")
    PostFactory(body="Nothing about stripes here")
    response = member_client.get(reverse("search"), {"q": "zebra"})
    assert response.status_code == 200
    assert "timelines/search.html" in template_names(response)
    content = html(response)
    for heading in ("people-heading", "tags-heading", "posts-heading"):
        assert f'id="{heading}"' in content
    assert response.context["people"] == [person]
    assert [t.name for t in response.context["tags"]] == ["zebras"]
    assert f'href="{reverse("tag", kwargs={"name": "zebras"})}"' in content
    assert f'href="{reverse("profile", kwargs={"username": person.username})}"' in content
    assert post_ids(response) == [post.pk]
    assert empty_state(response) is None


def test_search_without_matches_says_so_in_each_section(member_client):
    """A query that matches nothing shows an empty state for people, tags and posts."""
    PostFactory(body="Nothing to find")
    response = member_client.get(reverse("search"), {"q": "qwxyzzy"})
    assert response.status_code == 200
    assert post_ids(response) == []
    assert html(response).count('<p class="empty">') == 3
    assert "qwxyzzy" in empty_state(response)


def test_search_without_a_query_shows_only_the_form(member_client):
    """/search/ with no q shows the search form and no result sections."""
    PostFactory(body="Some words")
    response = member_client.get(reverse("search"), {"q": "   "})
    assert response.status_code == 200
    content = html(response)
    assert 'role="search"' in content
    assert 'id="people-heading"' not in content
    assert post_ids(response) == []


def test_search_leaves_out_posts_the_reader_cannot_see(member_client):
    """A followers-only post by someone the reader does not follow is not a search result."""
    PostFactory(body="hidden lighthouse", visibility=Visibility.FOLLOWERS)
    visible = PostFactory(body="public lighthouse")
    response = member_client.get(reverse("search"), {"q": "lighthouse"})
    assert post_ids(response) == [visible.pk]


# Notifications and the nav badge ------------------------------------------------------------


def notification_actors(response) -> list[str]:
    """Return the actor username of each notification on the page, in page order."""
    articles = re.findall(
        r'<article class="notification[^"]*">(.*?)</article>', html(response), re.DOTALL
    )
    names = [re.search(r'href="/@(\w+)/"', a) for a in articles]
    return [m.group(1) for m in names if m]


def new_marks(response) -> int:
    return len(re.findall(r'<article class="notification unread">', html(response)))


def followers_of(user: CustomUser, n: int) -> list:
    """n new users follow user (each follow notifies them once), oldest first."""
    people = [UserFactory() for _ in range(n)]
    for person in people:
        follow_create(follower=person, followee=user)
    return people


def test_notifications_list_newest_first(member_client, user):
    """The notifications page lists who did what, newest first."""
    people = followers_of(user, 3)
    response = member_client.get(reverse("notifications"))
    assert response.status_code == 200
    assert "notifications/list.html" in template_names(response)
    assert notification_actors(response) == [p.username for p in reversed(people)]


def test_notifications_without_any_show_the_empty_state(member_client):
    """With no notifications the page explains what will appear there."""
    response = member_client.get(reverse("notifications"))
    assert response.status_code == 200
    assert notification_actors(response) == []
    assert "notifications" in (empty_state(response) or "").lower()


def test_nav_badge_shows_the_unread_count_on_other_pages(member_client, user):
    """Every page's nav shows how many notifications are unread."""
    followers_of(user, 2)
    post = PostFactory(author=user)
    post_like(user=UserFactory(), post=post)
    for name in ("home", "explore", "bookmarks"):
        assert badge(member_client.get(reverse(name))) == 3, name


def test_nav_has_no_badge_without_unread_notifications(member_client):
    assert badge(member_client.get(reverse("home"))) is None


def test_opening_notifications_marks_them_read_but_flags_the_new_ones(member_client, user):
    """The page flags what was new; after it, the badge is gone and nothing is new any more."""
    followers_of(user, 2)
    first_visit = member_client.get(reverse("notifications"))
    assert new_marks(first_visit) == 2
    assert "<mark>new</mark>" in html(first_visit)
    assert badge(first_visit) is None  # read by opening the page, so not counted in its nav
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert badge(member_client.get(reverse("home"))) is None
    second_visit = member_client.get(reverse("notifications"))
    assert new_marks(second_visit) == 0
    assert len(notification_actors(second_visit)) == 2


def test_only_the_unread_notifications_are_flagged_new(member_client, user):
    """After a visit, only a newer notification is flagged new (and counted in the badge)."""
    followers_of(user, 2)
    member_client.get(reverse("notifications"))
    (newest,) = followers_of(user, 1)
    assert badge(member_client.get(reverse("home"))) == 1
    response = member_client.get(reverse("notifications"))
    assert new_marks(response) == 1
    unread = re.search(
        r'<article class="notification unread">(.*?)</article>', html(response), re.S
    )
    assert unread is not None
    assert f'href="/@{newest.username}/"' in unread.group(1)


def test_notifications_pages_follow_the_max_id_cursor(member_client, user, small_pages):
    """?max_id= walks the notifications, none twice; htmx gets only the next page."""
    people = followers_of(user, small_pages + 2)
    newest_first = [p.username for p in reversed(people)]
    first = member_client.get(reverse("notifications"))
    assert notification_actors(first) == newest_first[:small_pages]
    cursor = next_max_id(first)
    assert cursor is not None
    second = member_client.get(reverse("notifications"), {"max_id": cursor})
    assert notification_actors(second) == newest_first[small_pages:]
    assert next_max_id(second) is None
    partial = member_client.get(reverse("notifications"), {"max_id": cursor}, headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in html(partial)
    assert "_base.html" not in template_names(partial)
    assert notification_actors(partial) == newest_first[small_pages:]


def test_notifications_ignore_a_malformed_max_id(member_client, user):
    """A cursor that is not a number shows the first page."""
    people = followers_of(user, 2)
    response = member_client.get(reverse("notifications"), {"max_id": "nope"})
    assert response.status_code == 200
    assert notification_actors(response) == [p.username for p in reversed(people)]


def test_notifications_only_take_get(member_client):
    """Reading notifications is a GET; other methods are refused."""
    assert member_client.post(reverse("notifications")).status_code == 405


def test_search_lists_only_hashtags_on_posts_the_reader_can_see(member_client, other_user):
    """A hashtag used only on someone's followers-only post is not suggested to others."""
    PostFactory(author=other_user, body="#secretproject launch", visibility=Visibility.FOLLOWERS)
    PostFactory(author=other_user, body="#secretsanta is on")
    page = html(member_client.get(reverse("search"), {"q": "#secret"}))
    assert "#secretsanta" in page
    assert "#secretproject" not in page


@pytest.mark.parametrize(
    "path", ["/search/?q=a%00b", "/tags/a%00b/", "/@a%00b/", "/@a%00b/1/", "/explore/?max_id=1%00"]
)
def test_a_nul_character_in_the_address_is_not_a_server_error(member_client, path):
    """PostgreSQL cannot store NUL: such input gets a normal answer, never a 500."""
    assert member_client.get(path).status_code in (200, 404)


def test_timeline_pages_take_since_id_and_min_id(member_client, user):
    """?since_id= shows only newer posts and ?min_id= the page just above it; bad values are
    ignored."""
    ids = [PostFactory(author=user).pk for _ in range(5)]
    newer = post_ids(member_client.get(reverse("explore") + f"?since_id={ids[2]}"))
    assert newer == [ids[4], ids[3]]
    just_above = post_ids(member_client.get(reverse("explore") + f"?min_id={ids[0]}"))
    assert just_above == ids[:0:-1]
    for bad in ["-1", "x", "9" * 40, "²"]:
        response = member_client.get(reverse("explore") + f"?since_id={bad}&min_id={bad}")
        assert response.status_code == 200
        assert post_ids(response) == ids[::-1]
