"""The post admin: lists, search and filters, and edits and deletes through the services."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from posts.models import Post, Visibility
from posts.services import post_create
from tests.factories import CommentFactory, PostFactory, SuperUserFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:posts_post_changelist"


@pytest.fixture
def admin_client(client):
    """A client logged in as a superuser made like an operator makes one."""
    client.force_login(SuperUserFactory())
    return client


def listed(response) -> set[int]:
    """Return the ids of the posts on an admin changelist page."""
    return {post.pk for post in response.context["cl"].result_list}


def change_form_data(response, **fields) -> dict:
    """Return POST data for an admin change form: its inline management forms plus fields."""
    data = dict(fields)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = form.instance.pk
            data[f"{formset.prefix}-{index}-{formset.fk.name}"] = form.instance.in_reply_to_id
    return data


def test_superuser_opens_the_post_changelist(admin_client):
    """The post list opens and shows posts and comments."""
    post = PostFactory()
    comment = CommentFactory(in_reply_to=post)
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert listed(response) == {post.pk, comment.pk}


def test_post_changelist_search_finds_by_body_and_author(admin_client):
    """?q= matches the text of a post or the username of its author."""
    wanted = PostFactory(body="Find the needle here")
    by_author = PostFactory()
    PostFactory(body="Nothing to see")
    assert listed(admin_client.get(reverse(CHANGELIST), {"q": "needle"})) == {wanted.pk}
    response = admin_client.get(reverse(CHANGELIST), {"q": by_author.author.username})
    assert listed(response) == {by_author.pk}


def test_post_changelist_filters_posts_from_comments(admin_client):
    """The "in reply to" filter separates top-level posts from comments."""
    post = PostFactory()
    comment = CommentFactory(in_reply_to=post)
    url = reverse(CHANGELIST)
    assert listed(admin_client.get(url, {"in_reply_to__isempty": "1"})) == {post.pk}
    assert listed(admin_client.get(url, {"in_reply_to__isempty": "0"})) == {comment.pk}


def test_post_changelist_date_drilldown_works(admin_client):
    """The date hierarchy narrows the list to a year."""
    post = PostFactory()
    year = post.created_at.year
    url = reverse(CHANGELIST)
    assert listed(admin_client.get(url, {"created_at__year": year})) == {post.pk}
    assert listed(admin_client.get(url, {"created_at__year": year - 1})) == set()


def test_admin_cannot_add_posts(admin_client):
    """Posts are written on the site by their authors, so the admin has no add form."""
    assert admin_client.get(reverse("admin:posts_post_add")).status_code == 403


def test_change_form_lists_the_comments(admin_client):
    """A post's change form opens and shows its comments inline."""
    post = PostFactory()
    comment = CommentFactory(in_reply_to=post, body="An inline comment")
    response = admin_client.get(reverse("admin:posts_post_change", args=[post.pk]))
    assert response.status_code == 200
    assert comment.body in response.content.decode()


@pytest.mark.parametrize("comments", [0, 2])
def test_change_form_save_edits_through_the_service(admin_client, comments):
    """Saving the change form stores the trimmed body and sets edited_at, like an edit."""
    post = PostFactory(body="Original text")
    CommentFactory.create_batch(comments, in_reply_to=post)
    url = reverse("admin:posts_post_change", args=[post.pk])
    data = change_form_data(admin_client.get(url), body="  Moderated text  ")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Moderated text"
    assert post.edited_at is not None
    assert post.replies.count() == comments


def test_change_form_refuses_what_the_service_refuses(admin_client, settings):
    """A body over the limit is shown as a field error; nothing is saved or logged."""
    post = PostFactory(body="Short")
    settings.MSG_MAX_POST_LENGTH = 10
    url = reverse("admin:posts_post_change", args=[post.pk])
    response = admin_client.post(url, change_form_data(admin_client.get(url), body="y" * 11))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Short", None)
    assert not LogEntry.objects.exists()


def test_delete_action_deletes_posts_with_their_comments(admin_client):
    """The "delete selected" action removes the posts and their comments, even when a
    selected comment already went with its post."""
    first, second, kept = PostFactory(), PostFactory(), PostFactory()
    first_comments = CommentFactory.create_batch(2, in_reply_to=first)
    CommentFactory(in_reply_to=second)
    kept_comment = CommentFactory(in_reply_to=kept)
    selected = [first.pk, second.pk, first_comments[0].pk]
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Post.objects.values_list("pk", flat=True)) == {kept.pk, kept_comment.pk}


def test_delete_action_asks_for_confirmation_first(admin_client):
    """Without the confirmation, the action only shows what would be deleted."""
    post = PostFactory()
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [post.pk]}
    )
    assert response.status_code == 200
    assert Post.objects.filter(pk=post.pk).exists()


def test_delete_view_deletes_the_post_with_its_comments(admin_client):
    """Deleting one post from its admin page removes its comments too."""
    post = PostFactory()
    CommentFactory.create_batch(2, in_reply_to=post)
    other = PostFactory()
    response = admin_client.post(
        reverse("admin:posts_post_delete", args=[post.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert list(Post.objects.all()) == [other]


def test_member_cannot_open_the_post_admin(member_client):
    """A member without staff status is sent to the admin login."""
    response = member_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_does_not_expose_direct_messages(admin_client):
    """Direct messages stay private from staff (as in Mastodon): the changelist and its search
    leave them out, their change form does not open, and a post's inline omits direct replies.
    """
    a, b = UserFactory(), UserFactory()
    words = "my very private words"
    message = post_create(author=a, body=f"@{b.username} {words}", visibility=Visibility.DIRECT)
    public = post_create(author=b, body="a public post")
    reply = post_create(
        author=a,
        body=f"@{b.username} {words} again",
        in_reply_to=public,
        visibility=Visibility.DIRECT,
    )
    listing = admin_client.get(reverse(CHANGELIST), {"q": "private"})
    assert listing.status_code == 200
    assert listed(listing) == set()
    assert words not in listing.content.decode()
    assert listed(admin_client.get(reverse(CHANGELIST))) == {public.pk}
    for hidden in (message, reply):
        change = admin_client.get(reverse("admin:posts_post_change", args=[hidden.pk]))
        assert change.status_code == 302  # the admin's "does not exist" redirect
    form = admin_client.get(reverse("admin:posts_post_change", args=[public.pk]))
    assert form.status_code == 200
    assert words not in form.content.decode()
