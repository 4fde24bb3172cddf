"""Edit history: post_edit keeps the version it replaces (text, content warning, sensitive mark,
images and their alt text), the history page lists the versions newest first to those who may
see the post, and deleting a post takes its versions and their files with it."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from posts.models import Post, PostEdit, PostImage, Visibility
from posts.selectors import post_history
from posts.services import ImageUpload, post_create, post_delete, post_edit, post_repost
from posts.services.history import post_snapshot
from social.services import block_create
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX, html, next_max_id
from users.services import user_delete

pytestmark = pytest.mark.django_db


def _png(colour: str = "teal") -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def upload(alt: str, colour: str = "teal") -> ImageUpload:
    return ImageUpload(
        file=SimpleUploadedFile("photo.png", _png(colour), content_type="image/png"), alt_text=alt
    )


def history_url(post: Post) -> str:
    return reverse("post_history", kwargs={"username": post.author.username, "pk": post.pk})


@pytest.fixture
def pictured(user):
    """A post of user's with a content warning, a sensitive mark and two described images."""
    return post_create(
        author=user,
        body="The first words",
        spoiler_text="spiders",
        sensitive=True,
        images=[upload("a teal box"), upload("a red box", "red")],
    )


# post_edit keeps the version it replaces


def test_an_edit_keeps_the_replaced_version_with_its_images(user, pictured):
    """The kept version holds the old text, warning, mark and each image's files and alt text."""
    images = list(pictured.images.order_by("position"))
    post_edit(user=user, post=pictured, body="New words", spoiler_text="", sensitive=False)
    version = PostEdit.objects.get(post=pictured)
    assert (version.body, version.spoiler_text, version.sensitive) == (
        "The first words",
        "spiders",
        True,
    )
    assert version.created_at == pictured.created_at
    assert version.images == [
        {
            "image": image.image.name,
            "thumbnail": image.thumbnail.name,
            "alt_text": image.alt_text,
            "width": image.width,
            "height": image.height,
        }
        for image in images
    ]
    saved = Post.objects.get(pk=pictured.pk)
    assert (saved.body, saved.spoiler_text, saved.sensitive) == ("New words", "", False)
    assert saved.edited_at is not None


def test_each_version_is_dated_from_the_edit_that_made_it(user):
    """The second kept version carries the time of the first edit, not the post's creation."""
    post = PostFactory(author=user, body="one")
    first = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(first, tick=False):
        post_edit(user=user, post=post, body="two")
    with time_machine.travel(first + timedelta(minutes=5), tick=False):
        post_edit(user=user, post=post, body="three")
    versions = list(PostEdit.objects.filter(post=post))  # newest first
    assert [v.body for v in versions] == ["two", "one"]
    assert versions[0].created_at == first
    assert versions[1].created_at == post.created_at


@pytest.mark.parametrize(
    "change",
    [
        {"body": "  The first words  "},
        {"body": "The first words", "spoiler_text": " spiders "},
        {"body": "The first words", "spoiler_text": None, "sensitive": None},
        {"body": "The first words", "sensitive": True, "alt_texts": {}},
    ],
)
def test_an_edit_that_changes_nothing_keeps_nothing(user, pictured, change):
    """Saving the same text, warning and mark stores no version and does not mark it edited."""
    post_edit(user=user, post=pictured, **change)
    assert not PostEdit.objects.filter(post=pictured).exists()
    assert Post.objects.get(pk=pictured.pk).edited_at is None


def test_the_same_alt_text_again_keeps_nothing(user, pictured):
    image = pictured.images.first()
    post_edit(user=user, post=pictured, body=pictured.body, alt_texts={image.pk: image.alt_text})
    assert not PostEdit.objects.filter(post=pictured).exists()


def test_changing_only_the_content_warning_keeps_a_version(user, pictured):
    post_edit(user=user, post=pictured, body=pictured.body, spoiler_text="arachnids")
    version = PostEdit.objects.get(post=pictured)
    assert version.spoiler_text == "spiders"
    assert Post.objects.get(pk=pictured.pk).spoiler_text == "arachnids"


def test_changing_an_alt_text_keeps_the_old_description(user, pictured):
    """A new alt text is saved, and the kept version still describes the image the old way."""
    first, second = pictured.images.order_by("position")
    post_edit(
        user=user, post=pictured, body=pictured.body, alt_texts={second.pk: " a crimson box "}
    )
    version = PostEdit.objects.get(post=pictured)
    assert [entry["alt_text"] for entry in version.images] == ["a teal box", "a red box"]
    assert PostImage.objects.get(pk=second.pk).alt_text == "a crimson box"
    assert PostImage.objects.get(pk=first.pk).alt_text == "a teal box"
    assert Post.objects.get(pk=pictured.pk).edited_at is not None


@pytest.mark.parametrize("alt", ["", "   ", "x" * 1501, "bad\x00text"])
def test_a_bad_alt_text_is_refused_and_changes_nothing(user, pictured, alt):
    image = pictured.images.first()
    with pytest.raises(ValidationError) as raised:
        post_edit(user=user, post=pictured, body="changed too", alt_texts={image.pk: alt})
    assert "images" in raised.value.message_dict
    assert PostImage.objects.get(pk=image.pk).alt_text == "a teal box"
    assert Post.objects.get(pk=pictured.pk).body == "The first words"
    assert not PostEdit.objects.filter(post=pictured).exists()


def test_the_alt_text_of_another_posts_image_is_refused(user, pictured):
    """Only the edited post's own images can be described through it."""
    other = post_create(author=user, body="other", images=[upload("theirs")])
    theirs = other.images.get()
    with pytest.raises(ValidationError):
        post_edit(user=user, post=pictured, body=pictured.body, alt_texts={theirs.pk: "mine"})
    assert PostImage.objects.get(pk=theirs.pk).alt_text == "theirs"
    assert not PostEdit.objects.exists()


def test_a_refused_edit_keeps_no_version(user, other_user, pictured):
    with pytest.raises(PermissionDenied):
        post_edit(user=other_user, post=pictured, body="hijacked")
    with pytest.raises(ValidationError):
        post_edit(user=user, post=pictured, body="  ")
    assert not PostEdit.objects.filter(post=pictured).exists()


def test_post_snapshot_keeps_the_current_version_and_marks_the_post_edited(user, pictured):
    """The media service's hook: the version as it stands now is kept, and the post is edited."""
    moment = timezone.now() + timedelta(minutes=3)
    with time_machine.travel(moment, tick=False):
        version = post_snapshot(pictured)
    assert version.body == "The first words"
    assert [entry["alt_text"] for entry in version.images] == ["a teal box", "a red box"]
    assert Post.objects.get(pk=pictured.pk).edited_at == moment


def test_post_snapshot_of_a_deleted_post_is_a_does_not_exist(user):
    post = PostFactory(author=user)
    stale = Post.objects.get(pk=post.pk)
    post_delete(user=user, post=post)
    with pytest.raises(Post.DoesNotExist):
        post_snapshot(stale)
    assert not PostEdit.objects.exists()


# Deleting a post deletes its history


def _only_in_history(post: Post) -> str:
    """Store a file that only a kept version of post names (an image since taken off)."""
    name = default_storage.save("posts/old/gone.png", ContentFile(_png("navy")))
    entry = {"image": name, "thumbnail": name, "alt_text": "old", "width": 40, "height": 30}
    PostEdit.objects.create(post=post, body="old", images=[entry], created_at=post.created_at)
    return name


def test_deleting_a_post_deletes_its_versions_and_their_files(user, pictured, commits):
    post_edit(user=user, post=pictured, body="Second words")
    only_old = _only_in_history(pictured)
    names = [f.name for image in pictured.images.all() for f in (image.image, image.thumbnail)] + [
        only_old
    ]
    assert all(default_storage.exists(name) for name in names)
    post_delete(user=user, post=pictured)
    assert not PostEdit.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_a_post_keeps_the_files_of_other_posts(user, pictured, commits):
    """Only the deleted post's versions lose their files."""
    other = post_create(author=user, body="keep", images=[upload("kept")])
    post_edit(user=user, post=other, body="kept, edited")
    kept = other.images.get().image.name
    post_delete(user=user, post=pictured)
    assert default_storage.exists(kept)
    assert PostEdit.objects.filter(post=other).count() == 1


def test_deleting_a_post_in_a_rolled_back_transaction_keeps_the_history_files(
    user, pictured, commits
):
    """The files go on commit only: a deletion that rolls back leaves them in place."""
    only_old = _only_in_history(pictured)
    pk = pictured.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        post_delete(user=user, post=pictured)
        raise RuntimeError("rolled back")
    assert default_storage.exists(only_old)
    assert PostEdit.objects.filter(post_id=pk).exists()


def test_deleting_an_account_deletes_its_posts_history_files(user, pictured, commits):
    only_old = _only_in_history(pictured)
    user_delete(user=user)
    assert not PostEdit.objects.exists()
    assert not default_storage.exists(only_old)


# post_history: who may see which versions


def edited(author, **kwargs) -> Post:
    post = post_create(author=author, body="version one", **kwargs)
    post_edit(user=author, post=post, body="version two", spoiler_text="a warning")
    post_edit(user=author, post=post, body="version three")
    return post


def test_post_history_lists_the_current_version_first_then_newest_first(user, other_user):
    post = edited(user)
    history = post_history(other_user, post)
    assert history is not None
    versions = history.versions
    assert [v.body for v in versions] == ["version three", "version two", "version one"]
    assert (history.count, history.next_max_id) == (3, None)
    assert [v.current for v in versions] == [True, False, False]
    assert versions[1].spoiler_text == "a warning"
    assert versions[0].created_at == Post.objects.get(pk=post.pk).edited_at


def test_post_history_of_a_post_never_edited_is_the_current_version(user, other_user, pictured):
    history = post_history(other_user, pictured)
    assert history is not None
    versions = history.versions
    assert len(versions) == history.count == 1
    assert versions[0].spoiler_text == "spiders"
    assert [image.alt_text for image in versions[0].images] == ["a teal box", "a red box"]


def _blocked_by_author(author, reader):
    block_create(blocker=author, blocked=reader)


def _blocking_author(author, reader):
    block_create(blocker=reader, blocked=author)


@pytest.mark.parametrize(
    ("visibility", "relation"),
    [
        (Visibility.PUBLIC, _blocked_by_author),
        (Visibility.PUBLIC, _blocking_author),
        (Visibility.FOLLOWERS, None),
        (Visibility.DIRECT, None),
    ],
)
def test_post_history_is_empty_for_a_reader_who_may_not_see_the_post(
    user, other_user, visibility, relation
):
    post = edited(user, visibility=visibility)
    if relation is not None:
        relation(user, other_user)
    assert post_history(other_user, post) is None
    assert post_history(other_user, post, max_id=PostEdit.objects.latest("id").pk + 1) is None


def test_post_history_of_a_deactivated_author_is_empty(user, other_user):
    post = edited(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert post_history(other_user, post) is None


def test_a_follower_sees_the_history_of_a_followers_only_post(user, other_user):
    post = edited(user, visibility=Visibility.FOLLOWERS)
    FollowFactory(follower=other_user, followee=user)
    history = post_history(other_user, post)
    assert history is not None
    assert len(history.versions) == 3


def many_versions(author, n: int) -> Post:
    """A post of author's in n versions, "version 0" (the original) to "version {n-1}"."""
    post = post_create(author=author, body="version 0")
    for i in range(1, n):
        post_edit(user=author, post=post, body=f"version {i}")
    return post


def test_post_history_pages_through_the_versions_newest_first(user, other_user):
    """The first page is the current version and the newest earlier ones, size in all; max_id
    pages on through the earlier ones until the original, each exactly once."""
    post = many_versions(user, 7)
    first = post_history(other_user, post, size=3)
    assert first is not None
    assert [(v.body, v.current) for v in first.versions] == [
        ("version 6", True),
        ("version 5", False),
        ("version 4", False),
    ]
    assert first.next_max_id == PostEdit.objects.get(body="version 4").pk
    second = post_history(other_user, post, max_id=first.next_max_id, size=3)
    assert second is not None
    assert [v.body for v in second.versions] == ["version 3", "version 2", "version 1"]
    assert not any(v.current for v in second.versions)
    last = post_history(other_user, post, max_id=second.next_max_id, size=3)
    assert last is not None
    assert ([v.body for v in last.versions], last.next_max_id) == (["version 0"], None)
    assert first.count == second.count == last.count == 7


# The history page


def test_the_edited_mark_links_to_the_history_page(member_client, user):
    post = edited(user)
    page = html(member_client.get(post.get_absolute_url()))
    assert re.search(rf'<a href="{history_url(post)}"[^>]*>edited ', page)
    never = PostFactory(author=user)
    assert "/history/" not in html(member_client.get(never.get_absolute_url()))


def test_the_history_page_shows_each_version_newest_first(client, user, other_user):
    post = edited(user)
    client.force_login(other_user)
    response = client.get(history_url(post))
    assert response.status_code == 200
    page = html(response)
    positions = [page.index(f"version {n}") for n in ("three", "two", "one")]
    assert positions == sorted(positions)
    assert re.search(r"<details class=\"content-warning\"><summary>.*a warning", page)


def test_the_history_page_shows_old_alt_texts(client, user, other_user, pictured):
    image = pictured.images.first()
    post_edit(user=user, post=pictured, body=pictured.body, alt_texts={image.pk: "a sea box"})
    client.force_login(other_user)
    page = html(client.get(history_url(pictured)))
    assert 'alt="a sea box"' in page
    assert 'alt="a teal box"' in page
    assert page.count('class="sensitive-media ') == 2


def test_the_history_page_renders_the_body_like_the_card(client, user, other_user):
    post = PostFactory(author=user, body="plain")
    post_edit(user=user, post=post, body="see #history <b>now</b>")
    client.force_login(other_user)
    page = html(client.get(history_url(post)))
    assert f'href="{reverse("tag", kwargs={"name": "history"})}"' in page
    assert "<b>now</b>" not in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page


def test_the_history_page_is_paginated(client, user, other_user, settings):
    """However often a post was edited, a page shows MSG_PAGE_SIZE versions, the current one
    first; "Show older versions" (a link, or htmx appending the next page) shows the rest,
    down to the original, each once."""
    settings.MSG_PAGE_SIZE = 3
    post = many_versions(user, 7)
    client.force_login(other_user)

    def shown(response) -> list[int]:
        return [n for n in range(7) if f"version {n}<" in html(response)]

    first = client.get(history_url(post))
    assert first.status_code == 200
    assert shown(first) == [4, 5, 6]
    assert "current version" in html(first)
    assert "7 versions" in html(first)
    assert "Show older versions" in html(first)
    assert f'hx-get="?max_id={next_max_id(first)}"' in html(first)
    second = client.get(f"{history_url(post)}?max_id={next_max_id(first)}")
    assert second.status_code == 200
    assert "<h1>Edit history</h1>" in html(second)  # a whole page without htmx
    assert shown(second) == [1, 2, 3]
    assert "current version" not in html(second)
    appended = client.get(f"{history_url(post)}?max_id={next_max_id(second)}", headers=HTMX)
    assert "<h1>" not in html(appended)  # only the versions, with htmx
    assert shown(appended) == [0]
    assert "original" in html(appended)
    assert next_max_id(appended) is None
    assert "Show older versions" not in html(appended)


def test_the_history_page_ignores_a_bad_cursor(member_client, user):
    post = edited(user)
    for cursor in ("abc", "-1", str(2**70)):
        response = member_client.get(f"{history_url(post)}?max_id={cursor}")
        assert response.status_code == 200
        assert "current version" in html(response)


@pytest.mark.parametrize("relation", [_blocked_by_author, _blocking_author])
def test_the_history_page_is_404_across_a_block(client, user, other_user, relation):
    post = edited(user)
    relation(user, other_user)
    client.force_login(other_user)
    assert client.get(history_url(post)).status_code == 404


def test_the_history_page_of_a_followers_only_post_is_404_to_a_non_follower(
    client, user, other_user
):
    post = edited(user, visibility=Visibility.FOLLOWERS)
    client.force_login(other_user)
    assert client.get(history_url(post)).status_code == 404
    FollowFactory(follower=other_user, followee=user)
    assert client.get(history_url(post)).status_code == 200


def test_the_history_page_is_404_under_the_wrong_username_or_for_a_repost(
    member_client, user, other_user
):
    post = edited(other_user)
    wrong = reverse("post_history", kwargs={"username": user.username, "pk": post.pk})
    assert member_client.get(wrong).status_code == 404
    repost = post_repost(user=user, post=post)
    assert member_client.get(history_url(repost)).status_code == 404
    assert member_client.get(history_url(post)).status_code == 200


def test_the_history_page_sends_a_visitor_to_log_in(client, user):
    post = edited(user)
    response = client.get(history_url(post))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_history_page_refuses_post(member_client, user):
    post = edited(user)
    assert member_client.post(history_url(post)).status_code == 405


# The edit page


def test_the_edit_page_saves_text_warning_mark_and_alt_texts(member_client, user, pictured):
    first, second = pictured.images.order_by("position")
    response = member_client.post(
        reverse("post_edit", kwargs={"username": user.username, "pk": pictured.pk}),
        {
            "body": "Edited words",
            "spoiler_text": "eight legs",
            f"alt_{first.pk}": "a teal square",
            f"alt_{second.pk}": "a red box",
        },
    )
    assert response.status_code == 302
    saved = Post.objects.get(pk=pictured.pk)
    assert (saved.body, saved.spoiler_text, saved.sensitive) == (
        "Edited words",
        "eight legs",
        False,
    )
    assert PostImage.objects.get(pk=first.pk).alt_text == "a teal square"
    assert PostEdit.objects.filter(post=pictured).count() == 1


def test_the_edit_page_shows_the_current_warning_and_alt_texts(member_client, user, pictured):
    page = html(
        member_client.get(
            reverse("post_edit", kwargs={"username": user.username, "pk": pictured.pk})
        )
    )
    assert re.search(r'name="spoiler_text"[^>]*value="spiders"', page)
    assert re.search(r'name="sensitive"[^>]*checked', page)
    assert re.search(r"<textarea[^>]*>\s*a teal box</textarea>", page)


def test_the_edit_page_refuses_an_empty_alt_text_with_a_form_error(member_client, user, pictured):
    first, second = pictured.images.order_by("position")
    response = member_client.post(
        reverse("post_edit", kwargs={"username": user.username, "pk": pictured.pk}),
        {"body": "Edited", f"alt_{first.pk}": " ", f"alt_{second.pk}": "a red box"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"alt_{first.pk}"]
    assert Post.objects.get(pk=pictured.pk).body == "The first words"
    assert not PostEdit.objects.exists()


def test_the_edit_page_of_a_post_without_images_offers_no_sensitive_mark(member_client, user):
    post = PostFactory(author=user)
    url = reverse("post_edit", kwargs={"username": user.username, "pk": post.pk})
    assert 'name="sensitive"' not in html(member_client.get(url))


# Query counts

# session, member, the post with its author, then post_history: the post as the reader may see
# it (with its number of versions), its images, a page of its versions (paginated: the count
# is unchanged); and the unread-notifications badge
HISTORY_QUERIES = 7


@pytest.mark.parametrize("n", [1, 40])
def test_the_history_page_query_count_does_not_grow_with_versions(
    client, user, other_user, django_assert_num_queries, n, settings
):
    """The history page costs the same for 1 version as for 40 (a page of 20), each with two
    images."""
    settings.MSG_PAGE_SIZE = 20
    post = post_create(author=user, body="v0", images=[upload("one"), upload("two", "red")])
    for i in range(1, n):
        post_edit(user=user, post=post, body=f"v{i}")
    client.force_login(other_user)
    UserFactory()  # someone else's account does not change the count
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(history_url(post))
    assert response.status_code == 200
    assert html(response).count('class="post version"') == min(n, settings.MSG_PAGE_SIZE)


# A later page shows no current version, so its images are not read; appended with htmx, it
# has no page around it, so no unread-notifications badge either.
OLDER_HISTORY_QUERIES = HISTORY_QUERIES - 1
APPENDED_HISTORY_QUERIES = HISTORY_QUERIES - 2


@pytest.mark.parametrize("n", [1, 40])
@pytest.mark.parametrize(
    ("headers", "queries"),
    [({}, OLDER_HISTORY_QUERIES), (HTMX, APPENDED_HISTORY_QUERIES)],
    ids=["plain", "htmx"],
)
def test_an_older_history_page_query_count_does_not_grow_with_versions(
    client, user, other_user, django_assert_num_queries, n, settings, headers, queries
):
    """A page of older versions costs the same whatever the number of versions."""
    settings.MSG_PAGE_SIZE = 20
    post = many_versions(user, n + 1)
    newest = PostEdit.objects.filter(post=post).latest("id")
    client.force_login(other_user)
    with django_assert_num_queries(queries):
        response = client.get(f"{history_url(post)}?max_id={newest.pk + 1}", headers=headers)
    assert html(response).count('class="post version"') == min(n, 20)


@pytest.mark.parametrize("public_pages", [True, False])
def test_a_visitor_reads_the_history_of_a_public_post_only_with_public_pages(
    client, settings, public_pages
):
    """The "edited" mark on a visitor's page links to a history they may read; only with
    MSG_PUBLIC_PAGES on, and never for a followers-only post."""
    settings.MSG_PUBLIC_PAGES = public_pages
    author = UserFactory()
    post = post_create(author=author, body="first words")
    post_edit(user=author, post=post, body="second words")
    hidden = post_create(author=author, body="for followers", visibility=Visibility.FOLLOWERS)
    post_edit(user=author, post=hidden, body="still for followers")
    url = reverse("post_history", args=[author.username, post.pk])
    response = client.get(url)
    if public_pages:
        assert response.status_code == 200
        assert "first words" in response.content.decode()
        hidden_url = reverse("post_history", args=[author.username, hidden.pk])
        assert client.get(hidden_url).status_code == 404
        older = client.get(f"{url}?max_id={PostEdit.objects.get(post=post).pk + 1}")
        assert older.status_code == 200
        assert "first words" in html(older)
        assert "second words" not in html(older)  # the current version is on the first page
        assert client.get(f"{hidden_url}?max_id=1").status_code == 404
        assert client.post(url).status_code == 302  # read-only for visitors
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
