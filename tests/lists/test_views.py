"""Lists' pages: your lists, a list's timeline, its editor and deletion, and a profile's lists
page; each through htmx and as a plain form, with bad input and others' lists."""

import re

import pytest
from django.urls import reverse

from lists.models import List, ListMember
from lists.services import LISTS_MAX, list_create, list_member_add
from posts.services import post_like, post_repost
from social.services import follow_create
from tests.factories import PostFactory, UserFactory
from tests.pages import HTMX, empty_state, html, post_ids, template_names
from tests.timelines.test_queries import QUERIES, image_post, make_world, stranger

pytestmark = pytest.mark.django_db

SIZES = [1, 40]
# The list timeline is home's page without the compose form, plus the List row (a 404 for
# someone else's list): session, member, list, cards, card images, reposted originals'
# images, badge.
LIST_QUERIES = QUERIES["home"] + 1
# session, member, the lists with their member counts (one query), badge
INDEX_QUERIES = 4
# session, member, list, one page of members joined to their accounts, badge
EDIT_QUERIES = 5
# session, member, the account, the relationship header, the lists marked, badge
PROFILE_LISTS_QUERIES = 6


@pytest.fixture
def friend(user):
    """An account the member follows."""
    friend = UserFactory()
    follow_create(follower=user, followee=friend)
    return friend


@pytest.fixture
def list_(user, friend):
    made = list_create(owner=user, title="Friends")
    list_member_add(owner=user, list_=made, user=friend)
    return made


@pytest.fixture
def others_list(other_user, friend):
    follow_create(follower=other_user, followee=friend)
    made = list_create(owner=other_user, title="Theirs")
    list_member_add(owner=other_user, list_=made, user=friend)
    return made


def member_ids(list_) -> set[int]:
    return set(ListMember.objects.filter(list=list_).values_list("user_id", flat=True))


# Your lists ---------------------------------------------------------------------------------


def test_the_lists_page_has_an_empty_state_and_a_form(member_client):
    response = member_client.get(reverse("lists"))
    assert response.status_code == 200
    assert "You have no lists yet" in html(response)
    assert 'name="title"' in html(response)


def test_the_nav_links_to_lists(member_client):
    response = member_client.get(reverse("explore"))
    assert f'href="{reverse("lists")}"' in html(response)


def test_the_lists_page_shows_only_your_lists_with_counts(member_client, list_, others_list):
    page = html(member_client.get(reverse("lists")))
    assert "Friends" in page
    assert "1 member" in page
    assert "Theirs" not in page


def test_creating_a_list_redirects_to_it(member_client, user):
    response = member_client.post(reverse("lists"), {"title": "  Space  "})
    made = List.objects.get(owner=user)
    assert made.title == "Space"
    assert response.status_code == 302
    assert response["Location"] == made.get_absolute_url()


def test_creating_a_list_with_htmx_shows_it_in_place(member_client, user):
    response = member_client.post(reverse("lists"), {"title": "Space"}, headers=HTMX)
    assert response.status_code == 200
    assert template_names(response)[0] == "lists"  # the partial alone
    assert List.objects.get(owner=user).get_absolute_url() in html(response)
    assert "<html" not in html(response)


@pytest.mark.parametrize("title", ["", "   ", "x" * 101, "a\x00b"])
def test_a_bad_name_shows_the_form_again(member_client, user, title):
    response = member_client.post(reverse("lists"), {"title": title})
    assert response.status_code == 400
    assert 'class="field-error"' in html(response)
    assert not List.objects.exists()


def test_a_bad_name_with_htmx_shows_the_error_in_place(member_client):
    response = member_client.post(reverse("lists"), {"title": " "}, headers=HTMX)
    assert response.status_code == 200  # the form again, its errors in place
    assert 'class="field-error"' in html(response)
    assert not List.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_one_list_too_many_is_a_form_error_over_the_lists(member_client, user, headers):
    """Past the limit, creating a list answers 400 with the lists and the form showing why
    (htmx: the #lists partial, which _base.html swaps on a 400), and creates nothing."""
    for n in range(LISTS_MAX):
        list_create(owner=user, title=f"list {n}")
    response = member_client.post(reverse("lists"), {"title": "one more"}, headers=headers)
    assert response.status_code == 400
    content = html(response)
    assert 'id="lists"' in content
    assert 'class="field-error"' in content
    assert "the most an account can have" in content
    assert "list 0" in content
    assert ("<html" in content) == (not headers)
    assert List.objects.filter(owner=user).count() == LISTS_MAX


# A list's timeline --------------------------------------------------------------------------


def test_a_lists_timeline_shows_its_members_posts(member_client, user, friend, list_):
    outsider = UserFactory()
    follow_create(follower=user, followee=outsider)
    PostFactory(author=outsider)
    post = PostFactory(author=friend)
    response = member_client.get(list_.get_absolute_url())
    assert response.status_code == 200
    assert post_ids(response) == [post.pk]
    assert "Friends" in html(response)


def test_an_empty_list_says_how_to_fill_it(member_client, list_):
    response = member_client.get(list_.get_absolute_url())
    assert "Add people you follow" in (empty_state(response) or "")


@pytest.mark.parametrize("page", ["list_detail", "list_edit", "list_delete"])
def test_someone_elses_list_is_a_404(member_client, others_list, page):
    assert member_client.get(reverse(page, args=[others_list.pk])).status_code == 404
    assert member_client.get(reverse(page, args=[others_list.pk + 1000])).status_code == 404


@pytest.mark.parametrize(
    "data",
    [{"action": "rename", "title": "Mine"}, {"action": "remove", "username": "x"}, {}],
)
def test_no_write_reaches_someone_elses_list(member_client, others_list, friend, data):
    data = {k: (friend.username if v == "x" else v) for k, v in data.items()}
    url = reverse("list_edit", args=[others_list.pk])
    assert member_client.post(url, data).status_code == 404
    assert member_client.post(reverse("list_delete", args=[others_list.pk])).status_code == 404
    stored = List.objects.get(pk=others_list.pk)
    assert stored.title == "Theirs"
    assert member_ids(stored) == {friend.pk}


def test_the_list_timeline_pages_with_cursors(member_client, user, friend, list_, settings):
    settings.MSG_PAGE_SIZE = 2
    posts = [PostFactory(author=friend) for _ in range(3)]
    first = member_client.get(list_.get_absolute_url())
    assert post_ids(first) == [posts[2].pk, posts[1].pk]
    match = re.search(r'href="\?max_id=(\d+)"', html(first))
    assert match
    more = member_client.get(list_.get_absolute_url() + f"?max_id={match.group(1)}", headers=HTMX)
    assert template_names(more)[0] == "page"
    assert post_ids(more) == [posts[0].pk]
    newer = member_client.get(list_.get_absolute_url() + f"?min_id={posts[0].pk}")
    assert post_ids(newer) == [posts[2].pk, posts[1].pk]


def list_world(user, n: int) -> List:
    """A list of followed people with n cards on its timeline: image posts and reposts of
    strangers' image posts (liked by the reader), plus a block and a mute in the graph."""
    world = make_world(user, 3)
    made = list_create(owner=user, title="Busy")
    for person in world.followees:
        list_member_add(owner=user, list_=made, user=person)
    for i in range(n):
        author = world.followees[i % 3]
        if i % 2 == 0:
            original = image_post(stranger())
            post_like(user=user, post=original)
            post_repost(user=author, post=original)
        else:
            image_post(author)
    return made


@pytest.mark.usefixtures("commits")
@pytest.mark.parametrize("n", SIZES)
def test_the_list_timeline_costs_what_home_costs_for_1_or_40_posts(
    member_client, user, settings, django_assert_num_queries, n
):
    """The same cards as home, so the same queries, plus the List row."""
    settings.MSG_PAGE_SIZE = max(SIZES) + 10
    made = list_world(user, n)
    with django_assert_num_queries(LIST_QUERIES):
        response = member_client.get(made.get_absolute_url())
    assert response.status_code == 200
    assert len(post_ids(response)) == n
    with django_assert_num_queries(QUERIES["home"]):
        home = member_client.get(reverse("home"))
    assert set(post_ids(response)) <= set(post_ids(home))


@pytest.mark.parametrize("n", SIZES)
def test_the_lists_page_costs_the_same_for_1_or_40_lists(
    member_client, user, friend, django_assert_num_queries, n
):
    for i in range(n):
        made = list_create(owner=user, title=f"List {i}")
        list_member_add(owner=user, list_=made, user=friend)
    with django_assert_num_queries(INDEX_QUERIES):
        response = member_client.get(reverse("lists"))
    assert html(response).count("1 member<") == n


# Editing a list -----------------------------------------------------------------------------


def test_the_edit_page_lists_members_with_remove_buttons(member_client, friend, list_):
    response = member_client.get(reverse("list_edit", args=[list_.pk]))
    assert response.status_code == 200
    assert f"Remove @{friend.username}" in html(response)


def test_renaming_a_list(member_client, list_):
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(url, {"action": "rename", "title": "Pals"})
    assert response.status_code == 302
    assert List.objects.get(pk=list_.pk).title == "Pals"


def test_renaming_with_htmx_answers_the_form(member_client, list_):
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(url, {"action": "rename", "title": "Pals"}, headers=HTMX)
    assert template_names(response)[0] == "rename"
    assert "List renamed." in html(response)
    assert List.objects.get(pk=list_.pk).title == "Pals"


def test_a_bad_new_name_is_refused(member_client, list_):
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(url, {"action": "rename", "title": " "})
    assert response.status_code == 400
    assert 'class="field-error"' in html(response)
    assert List.objects.get(pk=list_.pk).title == "Friends"


def test_adding_someone_you_follow_by_username(member_client, user, friend, list_):
    other = UserFactory()
    follow_create(follower=user, followee=other)
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(url, {"action": "add", "username": f"@{other.username.upper()}"})
    assert response.status_code == 302
    assert member_ids(list_) == {friend.pk, other.pk}


def test_adding_with_htmx_answers_the_members(member_client, user, friend, list_):
    other = UserFactory()
    follow_create(follower=user, followee=other)
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(url, {"action": "add", "username": other.username}, headers=HTMX)
    assert template_names(response)[0] == "members"
    assert f"Remove @{other.username}" in html(response)
    assert member_ids(list_) == {friend.pk, other.pk}


@pytest.mark.parametrize("who", ["nobody", "stranger", "self", "blank"])
def test_adding_someone_refused_shows_why(member_client, user, friend, list_, who):
    username = {
        "nobody": "no_such_account",
        "stranger": UserFactory().username,
        "self": user.username,
        "blank": "",
    }[who]
    url = reverse("list_edit", args=[list_.pk])
    for headers, status in (({}, 400), (HTMX, 200)):
        response = member_client.post(url, {"action": "add", "username": username}, headers=headers)
        assert response.status_code == status
        assert 'class="field-error"' in html(response)
    assert member_ids(list_) == {friend.pk}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_removing_a_member(member_client, friend, list_, headers):
    url = reverse("list_edit", args=[list_.pk])
    response = member_client.post(
        url, {"action": "remove", "username": friend.username}, headers=headers
    )
    assert response.status_code == (200 if headers else 302)
    assert member_ids(list_) == set()


def test_an_unknown_action_is_a_400(member_client, list_):
    url = reverse("list_edit", args=[list_.pk])
    assert member_client.post(url, {"action": "explode"}).status_code == 400


@pytest.mark.parametrize("n", SIZES)
def test_the_edit_page_costs_the_same_for_1_or_40_members(
    member_client, user, django_assert_num_queries, settings, n
):
    settings.MSG_PAGE_SIZE = max(SIZES) + 10
    made = list_create(owner=user, title="Many")
    for _ in range(n):
        person = UserFactory()
        follow_create(follower=user, followee=person)
        list_member_add(owner=user, list_=made, user=person)
    with django_assert_num_queries(EDIT_QUERIES):
        response = member_client.get(reverse("list_edit", args=[made.pk]))
    assert len(re.findall(r'<article class="person">', html(response))) == n


# Deleting a list ----------------------------------------------------------------------------


def test_deleting_asks_first_then_deletes(member_client, friend, list_):
    url = reverse("list_delete", args=[list_.pk])
    page = member_client.get(url)
    assert page.status_code == 200
    assert "Delete the list" in html(page)
    assert List.objects.filter(pk=list_.pk).exists()
    response = member_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("lists")
    assert not List.objects.filter(pk=list_.pk).exists()


# From a profile -----------------------------------------------------------------------------


def test_a_followed_profile_links_to_its_lists_page(member_client, friend):
    response = member_client.get(reverse("profile", args=[friend.username]))
    assert reverse("profile_lists", args=[friend.username]) in html(response)


def test_a_profile_you_do_not_follow_has_no_lists_link(member_client, other_user):
    response = member_client.get(reverse("profile", args=[other_user.username]))
    assert reverse("profile_lists", args=[other_user.username]) not in html(response)


def test_the_profile_lists_page_marks_the_lists_holding_the_account(member_client, user, friend):
    holding = list_create(owner=user, title="Holding")
    list_member_add(owner=user, list_=holding, user=friend)
    list_create(owner=user, title="Empty")
    page = html(member_client.get(reverse("profile_lists", args=[friend.username])))
    assert "Remove from Holding" in page
    assert "Add to Empty" in page


def test_the_profile_lists_page_of_someone_not_followed_offers_no_add(member_client, user):
    list_create(owner=user, title="Empty")
    stranger_ = UserFactory()
    page = html(member_client.get(reverse("profile_lists", args=[stranger_.username])))
    assert "Follow @" in page
    assert "Add to Empty" not in page


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_and_removing_from_a_profile(member_client, user, friend, headers):
    made = list_create(owner=user, title="Pals")
    url = reverse("profile_lists", args=[friend.username])
    added = member_client.post(url, {"list": made.pk, "action": "add"}, headers=headers)
    assert member_ids(made) == {friend.pk}
    if headers:
        assert template_names(added)[0] == "row"
        assert "Remove from Pals" in html(added)
    else:
        assert added.status_code == 302
    member_client.post(url, {"list": made.pk, "action": "remove"}, headers=headers)
    assert member_ids(made) == set()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_someone_not_followed_from_a_profile_is_refused(member_client, user, headers):
    made = list_create(owner=user, title="Pals")
    stranger_ = UserFactory()
    url = reverse("profile_lists", args=[stranger_.username])
    response = member_client.post(
        url, {"list": made.pk, "action": "add"}, headers=headers, follow=True
    )
    assert "You can only add people you follow." in html(response)
    assert member_ids(made) == set()


@pytest.mark.parametrize("list_id", ["theirs", "999999", "x", ""])
def test_a_profile_cannot_reach_someone_elses_list(member_client, friend, others_list, list_id):
    value = others_list.pk if list_id == "theirs" else list_id
    url = reverse("profile_lists", args=[friend.username])
    assert member_client.post(url, {"list": value, "action": "remove"}).status_code == 404
    assert member_ids(others_list) == {friend.pk}


@pytest.mark.parametrize("n", SIZES)
def test_the_profile_lists_page_costs_the_same_for_1_or_40_lists(
    member_client, user, friend, django_assert_num_queries, n
):
    for i in range(n):
        made = list_create(owner=user, title=f"List {i}")
        if i % 2:
            list_member_add(owner=user, list_=made, user=friend)
    with django_assert_num_queries(PROFILE_LISTS_QUERIES):
        response = member_client.get(reverse("profile_lists", args=[friend.username]))
    assert len(re.findall(r'<li id="list-row-\d+"', html(response))) == n


def test_removing_a_member_named_as_no_account_could_be_is_a_404():
    """The remove action's username is checked like every name in a URL: a NUL (which
    PostgreSQL cannot compare) finds nobody, a 404, with and without htmx; nothing changes."""
    from django.test import Client

    from tests.factories import FollowFactory

    me, friend = UserFactory(), UserFactory()
    FollowFactory(follower=me, followee=friend)
    list_ = list_create(owner=me, title="Friends")
    list_member_add(owner=me, list_=list_, user=friend)
    client = Client(raise_request_exception=False)
    client.force_login(me)
    url = reverse("list_edit", args=[list_.pk])
    data = {"action": "remove", "username": "a\x00b"}
    answers = [client.post(url, data).status_code, client.post(url, data, headers=HTMX).status_code]
    assert answers == [404, 404]
    assert ListMember.objects.filter(list=list_, user=friend).exists()
