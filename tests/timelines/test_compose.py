"""The compose form on home: who can see the post (four radios), a content warning, the
sensitive mark, and images uploaded first and attached by id, kept across form errors."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from posts.models import Post, PostImage, Visibility
from posts.services import SPOILER_MAX_LENGTH
from posts.services import media as media_services
from tests.core.test_images import encode, media_files, quadrants, upload
from tests.pages import HTMX, html

pytestmark = pytest.mark.django_db

COMPOSE = reverse("post_create")
# What a browser sends with every compose form: the poll length select always has a value.
DEFAULTS = {"poll-duration": "1440"}


def send(client, data: dict):
    """Submit the compose form as a browser does."""
    return client.post(COMPOSE, {**DEFAULTS, **data})


def png() -> bytes:
    return encode(quadrants((64, 48)), "PNG")


def draft_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<input type="hidden" name="media" value="(\d+)">', page)]


def test_home_offers_four_audiences_each_explained(member_client):
    page = html(member_client.get(reverse("home")))
    radios = re.findall(r'<input type="radio" name="visibility" value="(\w+)"', page)
    assert radios == list(Visibility.values)
    for explanation in (
        "Everyone, on explore and tag pages.",
        "Everyone with the link, but not on explore, tags or search.",
        "Only your followers.",
        "Only the people you @mention.",
    ):
        assert explanation in page
    # No maxlength (a longer paste would be cut short silently): the counter's limit.
    spoiler = re.search(r'<input type="text" name="spoiler_text"[^>]*>', page)
    assert spoiler and f'data-max-length="{SPOILER_MAX_LENGTH}"' in spoiler.group(0)
    assert "maxlength" not in spoiler.group(0)
    assert 'name="sensitive"' in page
    assert f'hx-post="{reverse("media_upload")}"' in page
    assert 'hx-encoding="multipart/form-data"' in page


def _options_open(page: str) -> bool:
    tag = re.search(r'<details class="compose-options"[^>]*>', page)
    assert tag, "the compose options are missing"
    return " open" in tag.group(0)


def test_the_audience_and_content_warning_start_folded_and_open_when_they_matter(member_client):
    """A new member's first screen starts with the text box; a refused post that chose another
    audience or a content warning shows them open again."""
    assert not _options_open(html(member_client.get(reverse("home"))))
    for data in ({"visibility": "followers"}, {"visibility": "public", "spoiler_text": "cw"}):
        refused = member_client.post(reverse("post_create"), {"body": "   ", **data})
        assert _options_open(html(refused)), data


@pytest.mark.parametrize("visibility", Visibility.values)
def test_each_audience_can_be_chosen(member_client, user, visibility):
    body = f"for @{user.username}" if visibility == Visibility.DIRECT else "hello"
    response = send(member_client, {"body": body, "visibility": visibility})
    assert response.status_code == 302
    assert Post.objects.get(author=user).visibility == visibility


def test_content_warning_and_sensitive_mark_are_saved(member_client, user):
    response = send(
        member_client,
        {
            "body": "the ending",
            "visibility": "public",
            "spoiler_text": "  film   spoilers ",
            "sensitive": "on",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(author=user)
    assert (post.spoiler_text, post.sensitive) == ("film spoilers", True)


def test_a_too_long_content_warning_is_refused(member_client, user):
    response = send(
        member_client, {"body": "text", "visibility": "public", "spoiler_text": "w" * 101}
    )
    assert response.status_code == 400
    assert "at most 100 characters" in html(response)
    assert not Post.objects.exists()


def test_an_unknown_audience_is_refused(member_client):
    response = send(member_client, {"body": "text", "visibility": "everyone"})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_upload_with_htmx_then_post_by_id_saves_the_alt_text_typed(member_client, user):
    """The file is uploaded when chosen; the post attaches it by id, in the order shown, with
    the alt text typed in the form."""
    ids = []
    for slot in ("1", "2"):
        response = member_client.post(
            reverse("media_upload"), {"slot": slot, f"image_{slot}": upload(png())}, headers=HTMX
        )
        ids += draft_ids(html(response))
    first, second = ids
    response = send(
        member_client,
        {
            "body": "two pictures",
            "visibility": "public",
            "media": [str(second), str(first)],
            f"alt_{first}": "the first one",
            f"alt_{second}": "the second one",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(author=user)
    assert [(i.pk, i.alt_text) for i in post.images.all()] == [
        (second, "the second one"),
        (first, "the first one"),
    ]


def test_a_form_error_keeps_the_uploaded_images(member_client, user):
    """Without JavaScript: the files posted with a refused form become drafts, and the page
    lists them (hidden ids, thumbnails, alt text as typed), so the next try posts them without
    choosing them again."""
    response = send(
        member_client,
        {
            "body": "",
            "visibility": "unlisted",
            "image_1": upload(png(), "a.png"),
            "image_1_alt": "a described square",
            "image_2": upload(png(), "b.png"),
        },
    )
    assert response.status_code == 400
    page = html(response)
    drafts = list(PostImage.objects.order_by("pk"))
    assert draft_ids(page) == [d.pk for d in drafts]
    assert all(d.thumbnail.url in page for d in drafts)
    assert ">a described square</textarea>" in page
    assert 'name="image_3"' in page and 'name="image_1"' not in page
    assert re.search(r'value="unlisted" id="[\w-]+" required checked', page)
    files = media_files()

    # Posting with the second image still undescribed is refused at its alt field.
    data = {"body": "now with text", "visibility": "unlisted", "media": [str(d.pk) for d in drafts]}
    response = send(member_client, data)
    assert response.status_code == 400
    assert "Describe this image" in html(response)
    assert draft_ids(html(response)) == [d.pk for d in drafts]

    data[f"alt_{drafts[1].pk}"] = "described at last"
    response = send(member_client, data)
    assert response.status_code == 302
    post = Post.objects.get(author=user)
    assert [i.alt_text for i in post.images.all()] == ["a described square", "described at last"]
    assert media_files() == files, "nothing was uploaded again"


def test_a_refused_file_is_reported_and_the_good_one_kept(member_client):
    response = send(
        member_client,
        {
            "body": "mixed",
            "visibility": "public",
            "image_1": upload(b"not an image", "fake.png"),
            "image_2": upload(png(), "good.png"),
            "image_2_alt": "good",
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert "Image 1:" in page
    assert draft_ids(page) == [PostImage.objects.get().pk]
    assert not Post.objects.exists()


def test_the_remove_button_without_javascript_deletes_the_draft(member_client, user):
    keep = media_services.media_upload(owner=user, file=upload(png()), alt_text="keep")
    drop = media_services.media_upload(owner=user, file=upload(png()), alt_text="drop")
    response = send(
        member_client,
        {
            "body": "typed",
            "visibility": "public",
            "media": [str(keep.pk), str(drop.pk)],
            "remove": str(drop.pk),
        },
    )
    assert response.status_code == 200
    assert draft_ids(html(response)) == [keep.pk]
    assert "typed</textarea>" in html(response)
    assert list(PostImage.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not Post.objects.exists()


def test_someone_elses_draft_is_not_attached(member_client, other_user):
    theirs = media_services.media_upload(owner=other_user, file=upload(png()), alt_text="x")
    response = send(
        member_client, {"body": "sneaky", "visibility": "public", "media": [str(theirs.pk)]}
    )
    assert response.status_code == 400
    assert str(media_services.NOT_ATTACHABLE) in html(response)
    assert PostImage.objects.get(pk=theirs.pk).post is None
    assert not Post.objects.exists()


def test_a_malformed_media_id_is_a_form_error(member_client):
    response = send(member_client, {"body": "text", "visibility": "public", "media": ["1; drop"]})
    assert response.status_code == 400
    assert "could not be found" in html(response)


# The compose write, pinned: the same for 1 image as for 4. The session and the member; the
# drafts the form shows; post_create: SAVEPOINT, author and audience checks (full_clean), the
# check constraint (3, in its own savepoint), the drafts locked, the post, the drafts attached
# in one UPDATE, RELEASE; the flash message saved in the session (3); and the search row.
COMPOSE_QUERIES = 2 + 1 + (1 + 2 + 3 + 1 + 1 + 1 + 1) + 3


def search_row_queries() -> int:
    """The SQLite search table's row is replaced (2 queries); PostgreSQL indexes the column."""
    return 2 if connection.vendor == "sqlite" else 0


@pytest.mark.parametrize("n", [1, 4])
def test_compose_with_images_query_count(member_client, user, django_assert_num_queries, n):
    drafts = [
        media_services.media_upload(owner=user, file=upload(png()), alt_text=f"image {i}")
        for i in range(n)
    ]
    data = {"body": "pictures", "visibility": "public", "media": [str(d.pk) for d in drafts]}
    with django_assert_num_queries(COMPOSE_QUERIES + search_row_queries()):
        response = send(member_client, data)
    assert response.status_code == 302
    assert Post.objects.get().images.count() == n
