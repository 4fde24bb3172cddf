"""The post pages, through the test client: home, compose, detail, comments, edit, delete,
profile and pagination, for members and for anonymous visitors."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from posts.forms import PostForm
from posts.models import Post, Visibility
from social.services import block_create
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX, html, next_max_id, post_ids, template_names

pytestmark = pytest.mark.django_db

HOME_TEMPLATE = "timelines/home.html"


def comment_ids(response) -> list[int]:
    """Return the ids of the comments on a post page, in page order."""
    return [int(pk) for pk in re.findall(r'class="comment" id="comment-(\d+)"', html(response))]


def post_url(name: str, post: Post) -> str:
    return reverse(name, kwargs={"username": post.author.username, "pk": post.pk})


def compose(client, body: str):
    """Submit the compose form as a browser does (a public post, no images)."""
    return client.post(reverse("post_create"), {"body": body, "visibility": "public"})


def assert_redirects_to_login(response, path: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [path]


# Anonymous visitors


def test_anonymous_home_is_the_landing_page_with_signup_and_login(client):
    """A visitor at / sees the landing page, with links to sign up and log in, and no posts."""
    post = PostFactory()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "pages/landing.html" in template_names(response)
    assert HOME_TEMPLATE not in template_names(response)
    assert f'href="{reverse("account_signup")}"' in html(response)
    assert f'href="{reverse("account_login")}"' in html(response)
    assert post.body not in html(response)


@pytest.mark.parametrize("name", ["post_detail", "post_edit", "post_delete"])
def test_anonymous_post_pages_redirect_to_login_with_next(client, name):
    """A visitor is sent to log in, and back to the page afterwards."""
    post = PostFactory()
    path = post_url(name, post)
    assert_redirects_to_login(client.get(path), path)


def test_anonymous_profile_redirects_to_login_with_next(client, user):
    """A visitor opening a profile is sent to log in, and back afterwards."""
    path = reverse("profile", kwargs={"username": user.username})
    assert_redirects_to_login(client.get(path), path)


def test_anonymous_cannot_post_or_comment(client):
    """Writes from a visitor are redirected to log in and save nothing."""
    post = PostFactory()
    compose_url = reverse("post_create")
    assert_redirects_to_login(client.post(compose_url, {"body": "hi"}), compose_url)
    detail = post.get_absolute_url()
    assert_redirects_to_login(client.post(detail, {"body": "hi"}), detail)
    assert Post.objects.count() == 1


def test_healthz_answers_ok_json_to_anonymous(client):
    """/healthz answers {"status": "ok"} without login, and is never cached."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


# Home


def test_home_shows_compose_form_and_own_and_followed_posts_newest_first(member_client, user):
    """A member's home has the compose form and their own and followed people's posts,
    newest first."""
    followed = [FollowFactory(follower=user).followee for _ in range(2)]
    posts = [
        PostFactory(author=followed[0]),
        PostFactory(author=user),
        PostFactory(author=followed[1]),
    ]
    response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert HOME_TEMPLATE in template_names(response)
    assert "posts/_card.html" in template_names(response)
    assert isinstance(response.context["form"], PostForm)
    assert f'action="{reverse("post_create")}"' in html(response)
    assert post_ids(response) == [p.pk for p in reversed(posts)]
    for post in posts:
        assert post.body in html(response)


def test_home_leaves_out_people_the_member_does_not_follow(member_client, user):
    """Posts by people the member does not follow stay off their home timeline."""
    mine = PostFactory(author=user)
    stranger_post = PostFactory()
    response = member_client.get(reverse("home"))
    assert post_ids(response) == [mine.pk]
    assert stranger_post.body not in html(response)


def test_home_leaves_comments_out_of_the_timeline(member_client, user):
    """Comments are shown under their post, not as timeline entries."""
    post = PostFactory(author=FollowFactory(follower=user).followee)
    comment = CommentFactory(in_reply_to=post, author=FollowFactory(follower=user).followee)
    response = member_client.get(reverse("home"))
    assert post_ids(response) == [post.pk]
    assert comment.body not in html(response)


def test_home_shows_the_empty_state_when_there_are_no_posts(member_client):
    """With nothing to show, the home page shows its empty-state message."""
    PostFactory()  # by someone the member does not follow
    response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert post_ids(response) == []
    assert re.search(r'<p class="empty">\s*\S', html(response))


def test_home_card_shows_the_comment_count(member_client, user):
    """A card shows how many comments its post has."""
    post = PostFactory(author=user)
    comments = CommentFactory.create_batch(2, in_reply_to=post)
    response = member_client.get(reverse("home"))
    assert f'<span id="comment-count-{post.pk}">{len(comments)}</span>' in html(response)


def test_comment_count_leaves_out_direct_replies(client):
    """A direct reply under a public post is not counted (as Mastodon's replies_count), on
    explore and on the post's page, for a stranger as for the people in the conversation:
    the count never reveals that a private conversation exists."""
    a, b, c, stranger = (UserFactory() for _ in range(4))
    public = PostFactory(author=a, body="public root")
    PostFactory(
        author=b, body=f"@{c.username} secret", in_reply_to=public, visibility=Visibility.DIRECT
    )
    CommentFactory(author=c, in_reply_to=public, body="an open comment")
    counted = rf'id="comment-count-{public.pk}">(\d+)<'
    for reader in (stranger, b, c):
        client.force_login(reader)
        for url in (reverse("explore"), public.get_absolute_url()):
            assert re.findall(counted, html(client.get(url))) == ["1"], (reader, url)


# Compose


def test_post_create_saves_and_redirects_home(member_client, user):
    """A valid post is saved for the member, trimmed, and the browser goes back home."""
    response = compose(member_client, "  Hello there  ")
    assert response.status_code == 302
    assert response.url == reverse("home")
    post = Post.objects.get()
    assert (post.author, post.body, post.in_reply_to) == (user, "Hello there", None)
    assert post_ids(member_client.get(reverse("home"))) == [post.pk]


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_post_create_with_empty_body_shows_a_form_error(member_client, body):
    """An empty post is answered 400 with a form error; nothing is saved."""
    response = compose(member_client, body)
    assert response.status_code == 400
    assert HOME_TEMPLATE in template_names(response)
    assert response.context["form"].errors["body"]
    assert 'role="alert"' in html(response)
    assert not Post.objects.exists()


def test_post_create_too_long_keeps_the_typed_text(member_client, settings):
    """A post over the limit is answered 400 with an error; the text stays in the form."""
    settings.MSG_MAX_POST_LENGTH = 20
    body = "keep-this-typed-text!"
    assert len(body) == settings.MSG_MAX_POST_LENGTH + 1
    response = compose(member_client, body)
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    assert re.search(rf"<textarea[^>]*>\s*{re.escape(body)}</textarea>", html(response))
    assert not Post.objects.exists()


def test_post_create_error_page_still_lists_the_posts(member_client, user):
    """After a form error, the home page still shows the timeline."""
    post = PostFactory(author=user)
    response = compose(member_client, "")
    assert post_ids(response) == [post.pk]


def test_post_create_refuses_get(member_client):
    """/compose/ only takes POST."""
    assert member_client.get(reverse("post_create")).status_code == 405


# Post detail and comments


def test_post_detail_shows_post_comments_oldest_first_and_comment_form(member_client):
    """The post page shows the post, its comments oldest first, and a comment form."""
    post = PostFactory()
    comments = [CommentFactory(in_reply_to=post) for _ in range(3)]
    CommentFactory()  # on another post
    response = member_client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "posts/detail.html" in template_names(response)
    assert post_ids(response)[0] == post.pk
    assert comment_ids(response) == [c.pk for c in comments]
    assert 'id="comment-form"' in html(response)
    assert isinstance(response.context["form"], PostForm)


def test_post_detail_without_comments_says_so(member_client):
    """A post with no comments shows the empty state."""
    response = member_client.get(PostFactory().get_absolute_url())
    assert comment_ids(response) == []
    assert 'id="no-comments"' in html(response)


def test_post_detail_matches_the_username_case_insensitively(member_client):
    """/@NAME/pk/ finds the post of @name."""
    post = PostFactory()
    url = reverse("post_detail", kwargs={"username": post.author.username.upper(), "pk": post.pk})
    assert member_client.get(url).status_code == 200


def test_comment_detail_links_back_to_its_post(member_client):
    """A comment's own page says which post it replies to."""
    comment = CommentFactory()
    response = member_client.get(comment.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{comment.in_reply_to.get_absolute_url()}"' in html(response)


def test_comment_post_saves_and_redirects_to_the_comment(member_client, user):
    """A comment is saved under the post; the browser goes to #comment-<id>."""
    post = PostFactory()
    response = member_client.post(post.get_absolute_url(), {"body": " Good point "})
    comment = Post.objects.get(in_reply_to=post)
    assert (comment.author, comment.body) == (user, "Good point")
    assert response.status_code == 302
    assert response.url == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_comment_post_with_htmx_returns_the_comment_and_the_new_count(member_client):
    """With htmx the answer is a fragment: the new comment, a fresh form, the count swapped OOB."""
    post = PostFactory()
    earlier = CommentFactory.create_batch(2, in_reply_to=post)
    response = member_client.post(
        post.get_absolute_url(), {"body": "Swapped in place"}, headers=HTMX
    )
    comment = Post.objects.filter(in_reply_to=post).latest("id")
    assert response.status_code == 200
    assert comment.body == "Swapped in place"
    content = html(response)
    assert "<html" not in content
    assert "_base.html" not in template_names(response)
    assert f'id="comment-{comment.pk}"' in content
    assert "Swapped in place" in content
    assert 'id="comment-form"' in content
    count = re.search(
        rf'<span id="comment-count-{post.pk}" hx-swap-oob="true">(\d+)</span>', content
    )
    assert count is not None
    assert int(count.group(1)) == len(earlier) + 1
    assert 'hx-swap-oob="beforeend:#comment-list"' in content


@pytest.mark.parametrize("body", ["", "   "])
def test_invalid_comment_is_refused_with_a_form_error(member_client, body):
    """An empty comment gets a 400 and a form error; nothing is saved."""
    post = PostFactory()
    response = member_client.post(post.get_absolute_url(), {"body": body})
    assert response.status_code == 400
    assert "posts/detail.html" in template_names(response)
    assert response.context["form"].errors["body"]
    assert not post.replies.exists()


def test_invalid_comment_with_htmx_returns_the_form_with_its_error(member_client, settings):
    """With htmx, a refused comment swaps back just the form, with the error and the text."""
    post = PostFactory()
    settings.MSG_MAX_POST_LENGTH = 10
    response = member_client.post(post.get_absolute_url(), {"body": "x" * 11}, headers=HTMX)
    content = html(response)
    assert "<html" not in content
    assert 'id="comment-form"' in content
    assert 'role="alert"' in content
    assert "x" * 11 in content
    assert not post.replies.exists()


# Edit


def test_edit_page_shows_the_form_with_the_current_text(member_client, user):
    """The author's edit page holds the post's current text."""
    post = PostFactory(author=user, body="Before the edit")
    response = member_client.get(post_url("post_edit", post))
    assert response.status_code == 200
    assert "posts/edit.html" in template_names(response)
    assert re.search(r"<textarea[^>]*>\s*Before the edit</textarea>", html(response))


def test_author_edit_saves_and_the_post_shows_edited(member_client, user):
    """The author's edit is saved, the browser goes to the post, and the card says "edited"."""
    post = PostFactory(author=user, body="Before the edit")
    assert "edited" not in html(member_client.get(post.get_absolute_url()))
    response = member_client.post(post_url("post_edit", post), {"body": "After the edit"})
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    post.refresh_from_db()
    assert post.body == "After the edit"
    assert post.edited_at is not None
    page = html(member_client.get(post.get_absolute_url()))
    assert "After the edit" in page
    assert "edited" in page


def test_author_edit_with_empty_body_keeps_the_old_text(member_client, user):
    """An edit to empty text shows a form error and changes nothing."""
    post = PostFactory(author=user, body="Keep me")
    response = member_client.post(post_url("post_edit", post), {"body": "  "})
    assert response.context["form"].errors["body"]
    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Keep me", None)


def test_editing_a_message_to_name_a_blocker_is_a_form_error(member_client, user):
    """Editing a direct message to name someone blocked either way is refused on the form
    (400, with the reason and the typed text kept), and the message is unchanged."""
    b, blocker = UserFactory(), UserFactory()
    message = PostFactory(author=user, body=f"@{b.username} hi", visibility=Visibility.DIRECT)
    block_create(blocker=blocker, blocked=user)
    typed = f"@{b.username} hi, and @{blocker.username}"
    response = member_client.post(post_url("post_edit", message), {"body": typed})
    assert response.status_code == 400
    content = html(response)
    assert f"You cannot send a message to @{blocker.username}." in content
    assert f"hi, and @{blocker.username}</textarea>" in content
    message.refresh_from_db()
    assert (message.body, message.edited_at) == (f"@{b.username} hi", None)
    assert not message.mentions.filter(pk=blocker.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_user_cannot_edit(member_client, other_user, method):
    """Another user's edit page is forbidden (403) and the post is unchanged."""
    post = PostFactory(author=other_user, body="Not yours")
    response = getattr(member_client, method)(post_url("post_edit", post), {"body": "Mine now"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Not yours", None)


def test_card_shows_edit_and_delete_links_only_to_the_author(client, user, other_user):
    """The author sees Edit and Delete on their card; another member sees neither."""
    post = PostFactory(author=user)
    links = [f'href="{post_url("post_edit", post)}"', f'href="{post_url("post_delete", post)}"']
    client.force_login(user)
    page = html(client.get(post.get_absolute_url()))
    assert all(link in page for link in links)
    client.force_login(other_user)
    page = html(client.get(post.get_absolute_url()))
    assert not any(link in page for link in links)


def test_comment_links_follow_the_permissions(client, user, other_user):
    """The comment author may edit and delete it; the post author may delete it; others neither."""
    post = PostFactory(author=user)
    comment = CommentFactory(author=other_user, in_reply_to=post)
    edit, delete = post_url("post_edit", comment), post_url("post_delete", comment)

    def links_seen_by(member) -> tuple[bool, bool]:
        client.force_login(member)
        page = html(client.get(post.get_absolute_url()))
        return f'href="{edit}"' in page, f'href="{delete}"' in page

    assert links_seen_by(other_user) == (True, True)
    assert links_seen_by(user) == (False, True)
    assert links_seen_by(UserFactory()) == (False, False)


# Delete


def test_delete_page_asks_for_confirmation(member_client, user):
    """GET on delete shows a confirmation and deletes nothing."""
    post = PostFactory(author=user)
    response = member_client.get(post_url("post_delete", post))
    assert response.status_code == 200
    assert "posts/delete.html" in template_names(response)
    assert post.body in html(response)
    assert "will be deleted too" not in html(response)
    assert Post.objects.filter(pk=post.pk).exists()


def test_delete_page_warns_that_comments_go_too(member_client, user):
    """When the post has comments, the confirmation says how many will be deleted with it."""
    post = PostFactory(author=user)
    comments = CommentFactory.create_batch(2, in_reply_to=post)
    response = member_client.get(post_url("post_delete", post))
    assert f"{len(comments)} comments will be deleted too" in html(response)


def test_delete_post_removes_it_with_its_comments(member_client, user):
    """POST on delete removes the post and its comments and goes home."""
    post = PostFactory(author=user)
    CommentFactory.create_batch(2, in_reply_to=post)
    other = PostFactory()
    response = member_client.post(post_url("post_delete", post))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert list(Post.objects.all()) == [other]


def test_post_author_deletes_a_comment_and_returns_to_the_post(member_client, user):
    """Deleting a comment on one's post keeps the post and goes back to it."""
    post = PostFactory(author=user)
    comment = CommentFactory(in_reply_to=post)
    response = member_client.post(post_url("post_delete", comment))
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert list(Post.objects.all()) == [post]


@pytest.mark.parametrize("method", ["get", "post"])
def test_stranger_cannot_delete(member_client, other_user, method):
    """Another user's delete page is forbidden (403) and the post stays."""
    post = PostFactory(author=other_user)
    response = getattr(member_client, method)(post_url("post_delete", post))
    assert response.status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


# Not found


@pytest.mark.parametrize("name", ["post_detail", "post_edit", "post_delete"])
def test_unknown_post_id_is_404(member_client, user, name):
    """A post id that does not exist is a 404."""
    post = PostFactory(author=user)
    url = reverse(name, kwargs={"username": user.username, "pk": post.pk + 1000})
    assert member_client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["post_detail", "post_edit", "post_delete"])
def test_post_id_under_the_wrong_username_is_404(member_client, user, other_user, name):
    """A real post id under someone else's name is a 404, even for its author."""
    post = PostFactory(author=user)
    url = reverse(name, kwargs={"username": other_user.username, "pk": post.pk})
    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"body": "x"}).status_code == 404
    assert Post.objects.get(pk=post.pk).body == post.body


def test_followers_only_post_is_404_for_others_until_they_follow(member_client, user, other_user):
    """A followers-only post is hidden (404) from a member who does not follow its author."""
    post = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    assert member_client.get(post.get_absolute_url()).status_code == 404
    FollowFactory(follower=user, followee=other_user)
    assert member_client.get(post.get_absolute_url()).status_code == 200


# Profile


def test_profile_lists_the_users_posts_newest_first(member_client, other_user):
    """/@name/ shows that user's own posts, newest first, without comments or others' posts."""
    posts = PostFactory.create_batch(3, author=other_user)
    CommentFactory(author=other_user, in_reply_to=posts[0])
    PostFactory()  # someone else's
    response = member_client.get(reverse("profile", kwargs={"username": other_user.username}))
    assert response.status_code == 200
    assert "users/profile.html" in template_names(response)
    assert response.context["profile"] == other_user
    assert f"@{other_user.username}" in html(response)
    assert post_ids(response) == [p.pk for p in reversed(posts)]


def test_profile_matches_the_username_case_insensitively(member_client, other_user):
    """/@NAME/ is the profile of @name."""
    url = reverse("profile", kwargs={"username": other_user.username.upper()})
    response = member_client.get(url)
    assert response.status_code == 200
    assert response.context["profile"] == other_user


def test_profile_of_unknown_user_is_404(member_client):
    """A username nobody has is a 404."""
    assert member_client.get(reverse("profile", kwargs={"username": "nobody"})).status_code == 404


def test_profile_without_posts_shows_the_empty_state(member_client, other_user):
    """A profile with no posts says so."""
    response = member_client.get(reverse("profile", kwargs={"username": other_user.username}))
    assert post_ids(response) == []
    assert 'class="empty"' in html(response)


# Pagination


@pytest.fixture
def small_pages(settings):
    settings.MSG_PAGE_SIZE = 3
    return settings.MSG_PAGE_SIZE


@pytest.mark.parametrize("page", ["home", "profile"])
def test_timeline_pages_follow_the_max_id_cursor(
    member_client, user, other_user, small_pages, page
):
    """?max_id= walks the timeline: each page holds older posts, none twice, none missed."""
    FollowFactory(follower=user, followee=other_user)
    posts = PostFactory.create_batch(small_pages * 2 + 1, author=other_user)
    newest_first = [p.pk for p in reversed(posts)]
    url = reverse(page, kwargs={"username": other_user.username} if page == "profile" else {})

    first = member_client.get(url)
    assert post_ids(first) == newest_first[:small_pages]
    cursor = next_max_id(first)
    assert cursor is not None

    second = member_client.get(url, {"max_id": cursor})
    assert second.status_code == 200
    assert post_ids(second) == newest_first[small_pages : small_pages * 2]
    assert max(post_ids(second)) < min(post_ids(first))

    third = member_client.get(url, {"max_id": next_max_id(second)})
    assert post_ids(third) == newest_first[small_pages * 2 :]
    assert next_max_id(third) is None


def test_timeline_of_exactly_one_page_has_no_load_more(member_client, user, small_pages):
    """When every post fits on the page there is no "Load more"."""
    PostFactory.create_batch(small_pages, author=user)
    response = member_client.get(reverse("home"))
    assert len(post_ids(response)) == small_pages
    assert next_max_id(response) is None
    assert "Load more" not in html(response)


def test_load_more_with_htmx_returns_only_the_next_page(member_client, user, small_pages):
    """htmx "Load more" gets just the cards of the next page, not the whole layout."""
    posts = PostFactory.create_batch(small_pages + 2, author=user)
    newest_first = [p.pk for p in reversed(posts)]
    first = member_client.get(reverse("home"))
    assert 'hx-get="?max_id=' in html(first)
    response = member_client.get(reverse("home"), {"max_id": next_max_id(first)}, headers=HTMX)
    assert response.status_code == 200
    names = template_names(response)
    assert "_base.html" not in names
    assert HOME_TEMPLATE not in names
    assert "posts/_card.html" in names
    assert "<html" not in html(response)
    assert f'action="{reverse("post_create")}"' not in html(response)
    assert post_ids(response) == newest_first[small_pages:]


def test_htmx_first_page_request_gets_the_full_page(member_client):
    """An htmx request without a cursor (boosted navigation) still gets the whole page."""
    response = member_client.get(reverse("home"), headers=HTMX)
    assert HOME_TEMPLATE in template_names(response)


@pytest.mark.parametrize("max_id", ["abc", "-1", "1.5", "²", "٣"])
def test_malformed_max_id_shows_the_first_page(member_client, user, max_id):
    """A cursor that is not a plain number is ignored, never a server error."""
    posts = PostFactory.create_batch(2, author=user)
    response = member_client.get(reverse("home"), {"max_id": max_id})
    assert response.status_code == 200
    assert post_ids(response) == [p.pk for p in reversed(posts)]


def test_max_id_past_the_oldest_post_shows_no_posts(member_client, user):
    """A cursor below every post gives an empty page, without the first-page empty text."""
    post = PostFactory(author=user)
    response = member_client.get(reverse("home"), {"max_id": post.pk})
    assert response.status_code == 200
    assert post_ids(response) == []
    assert 'class="empty"' not in html(response)


def test_comments_are_paginated_oldest_first_with_a_cursor(member_client, settings):
    """A long thread shows a page of comments and a link to the next, oldest first."""
    settings.MSG_COMMENTS_PAGE_SIZE = 2
    post = PostFactory()
    comments = [CommentFactory(in_reply_to=post) for _ in range(5)]
    first = member_client.get(post.get_absolute_url())
    assert comment_ids(first) == [c.pk for c in comments[:2]]
    cursor = re.search(r'href="\?after=(\d+)#comments"', html(first))
    assert cursor is not None
    second = member_client.get(post.get_absolute_url(), {"after": cursor.group(1)})
    assert comment_ids(second) == [c.pk for c in comments[2:4]]
    last_cursor = re.search(r'href="\?after=(\d+)#comments"', html(second))
    assert last_cursor is not None
    last = member_client.get(post.get_absolute_url(), {"after": last_cursor.group(1)})
    assert comment_ids(last) == [comments[4].pk]
    assert "Show more comments" not in html(last)


def test_more_comments_with_htmx_returns_only_the_next_comments(member_client, settings):
    """htmx "Show more comments" gets the next comments without the page around them."""
    settings.MSG_COMMENTS_PAGE_SIZE = 1
    post = PostFactory()
    first, second = CommentFactory(in_reply_to=post), CommentFactory(in_reply_to=post)
    response = member_client.get(post.get_absolute_url(), {"after": first.pk}, headers=HTMX)
    assert comment_ids(response) == [second.pk]
    assert "<html" not in html(response)
    assert 'id="comment-form"' not in html(response)
