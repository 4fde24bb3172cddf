"""Compose, comment and message forms never cut text short: no maxlength, the limit for the
counter in data-max-length, and a too-long text posted back whole with the server's error.
The image inputs state their limits and refuse a non-image as the avatar form does. A card's
images carry their size, a link to the full image and an ALT badge when described."""

import html as html_lib
import re
from typing import cast

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.images import ACCEPTED_NAMES, NOT_AN_IMAGE
from posts.models import Post, PostImage
from posts.services import MAX_IMAGES, SPOILER_MAX_LENGTH, post_body_clean, post_create
from posts.services import media as media_services
from posts.services.polls import OPTION_MAX_LENGTH
from tests.core.test_images import encode, quadrants, upload
from tests.factories import PostFactory, UserFactory
from tests.pages import HTMX, html
from users.models import CustomUser

pytestmark = pytest.mark.django_db

DEFAULTS = {"poll-duration": "1440", "visibility": "public"}


def too_long() -> str:
    """Return a text 100 characters over the limit, easy to recognise whole."""
    limit = settings.MSG_MAX_POST_LENGTH
    words = " ".join(f"w{n:04d}" for n in range(limit))  # 6 characters a word
    return words[: limit + 99] + "!"


def body_textarea(page: str) -> tuple[dict[str, str], str]:
    """Return the attributes and the text of the page's body textarea."""
    match = re.search(r'<textarea name="body"([^>]*)>(.*?)</textarea>', page, re.DOTALL)
    assert match, "no body textarea on the page"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
    # Django writes a newline after the opening tag, which the browser drops.
    return attrs, html_lib.unescape(match.group(2).removeprefix("\n"))


def other_post() -> Post:
    return cast(Post, PostFactory(author=UserFactory(), body="A post to answer."))


FORMS = {
    "compose": (lambda target: reverse("post_create"), dict(DEFAULTS)),
    "comment": (lambda target: target.get_absolute_url(), {}),
    "new message": (lambda target: reverse("conversation_new"), None),
    "quote": (
        lambda target: reverse(
            "post_quote", kwargs={"username": target.author.username, "pk": target.pk}
        ),
        {"visibility": "public"},
    ),
}


@pytest.mark.parametrize(("url_of", "extra"), FORMS.values(), ids=FORMS.keys())
def test_a_too_long_text_comes_back_whole_with_the_error(member_client, user, url_of, extra):
    """A text 100 characters over the limit answers 400 with the same text in the box and
    the server's message naming the limit and the length; nothing is published."""
    target = other_post()
    if extra is None:
        extra = {"to": target.author.username}
    text = too_long()
    posts_before = Post.objects.count()
    response = member_client.post(url_of(target), {**extra, "body": text})
    assert response.status_code == 400
    page = html(response)
    attrs, shown = body_textarea(page)
    assert shown == text, "the text was not given back whole"
    limit = settings.MSG_MAX_POST_LENGTH
    error = re.search(r'class="field-error"[^>]*>([^<]*)<', page)
    assert error, "no error under the field"
    assert str(limit) in error.group(1) and str(len(text)) in error.group(1)
    assert "maxlength" not in attrs
    assert Post.objects.count() == posts_before


def test_a_too_long_comment_sent_by_htmx_comes_back_in_the_form(member_client):
    """The comment form swapped in by htmx after a refusal keeps the text too."""
    target = other_post()
    text = too_long()
    response = member_client.post(target.get_absolute_url(), {"body": text}, headers=HTMX)
    assert response.status_code in (200, 400)
    assert not Post.objects.filter(in_reply_to=target).exists()
    assert body_textarea(html(response))[1] == text


@pytest.mark.parametrize("page_name", ["home", "detail", "new message", "quote", "edit"])
def test_every_body_textarea_carries_the_limit_without_maxlength(member_client, user, page_name):
    """Each form that writes a post, comment or message gives the counter its limit and the
    texts it shows, and no maxlength (the browser would cut a paste short)."""
    mine = PostFactory(author=user, body="Mine.")
    url = {
        "home": reverse("home"),
        "detail": mine.get_absolute_url(),
        "new message": reverse("conversation_new"),
        "quote": reverse("post_quote", kwargs={"username": user.username, "pk": mine.pk}),
        "edit": reverse("post_edit", kwargs={"username": user.username, "pk": mine.pk}),
    }[page_name]
    attrs, _ = body_textarea(html(member_client.get(url)))
    assert attrs["data-max-length"] == str(settings.MSG_MAX_POST_LENGTH)
    assert "maxlength" not in attrs
    assert "{n}" in attrs["data-counter-other"] and "{n}" in attrs["data-counter-over-other"]


def test_the_server_counts_code_points_after_trimming_with_one_character_a_line_end():
    """What static/js/compose.js mirrors: outer whitespace is not counted, CRLF is one
    character, an emoji (two UTF-16 units) is one."""
    limit = settings.MSG_MAX_POST_LENGTH
    lines = "😀" * (limit // 2 - 1) + "\r\n" + "é" * (limit - limit // 2)
    assert len(post_body_clean(" \n" + lines + "\u3000\t ")) == limit
    with pytest.raises(Exception, match=str(limit + 1)):
        post_body_clean("😀" * (limit + 1))


def test_the_compose_form_states_the_image_limits(member_client):
    """The count, the size and the types, tied to the file inputs by aria-describedby."""
    page = html(member_client.get(reverse("home")))
    limits = re.search(r'<p class="muted" id="compose-image-limits">([^<]*)</p>', page)
    assert limits
    text = limits.group(1)
    assert str(MAX_IMAGES) in text
    assert f"{media_services.IMAGE_MAX_BYTES // 1_048_576} MB" in text
    assert all(name in text for name in ACCEPTED_NAMES.split(", "))
    described = re.findall(r'<input type="file"[^>]*aria-describedby="([^"]*)"', page)
    assert len(described) == MAX_IMAGES
    assert all("compose-image-limits" in ids.split() for ids in described)


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.png", b"These are my notes, not a picture.", "image/png")


def test_a_non_image_gets_the_avatar_forms_message_everywhere(member_client):
    """The compose form without JavaScript, the htmx upload and the avatar form all answer a
    file that is not an image with the one message of core.images."""
    message = html_lib.escape(str(NOT_AN_IMAGE))
    compose = member_client.post(
        reverse("post_create"), {**DEFAULTS, "body": "look", "image_1": not_an_image()}
    )
    assert message in html(compose)
    upload_slot = member_client.post(
        reverse("media_upload"), {"slot": "1", "image_1": not_an_image()}, headers=HTMX
    )
    assert message in html(upload_slot)
    avatar = member_client.post(
        reverse("settings_profile"), {"display_name": "", "bio": "", "avatar": not_an_image()}
    )
    assert message in html(avatar)
    assert not PostImage.objects.exists()


def post_with_images(author: CustomUser, sizes: list[tuple[int, int]], alt: str) -> Post:
    ids = [
        media_services.media_upload(
            owner=author, file=upload(encode(quadrants(size), "PNG")), alt_text=alt
        ).pk
        for size in sizes
    ]
    return post_create(author=author, body="Pictures.", media_ids=ids)


def card_images(page: str) -> str:
    """Return the card's images: from their box to the card's actions."""
    start = page.find('<div class="post-images')
    assert start >= 0, "no images on the card"
    return page[start : page.index('<footer class="actions-bar"', start)]


@pytest.mark.parametrize("size", [(400, 1200), (640, 400)])
def test_a_single_image_carries_its_size_and_links_to_the_full_image(member_client, user, size):
    """The thumbnail's width and height hold the stored shape (the CSS scales it whole); the
    link opens the full image, and an ALT badge says it is described."""
    post = post_with_images(user, [size], alt="Four coloured squares")
    image = post.images.get()
    images = card_images(html(member_client.get(post.get_absolute_url())))
    assert 'class="post-images count-1"' in images and "data-lightbox" in images
    assert f'width="{image.width}" height="{image.height}"' in images
    assert (image.width, image.height) == size
    assert f'href="{image.image.url}"' in images
    assert f'src="{image.thumbnail.url}"' in images
    assert 'class="alt-badge"' in images and ">ALT<" in images
    assert 'data-alt="Four coloured squares"' in images


def test_an_image_without_a_description_has_no_alt_badge(member_client, user):
    """An image from before descriptions were required shows no badge."""
    post = post_with_images(user, [(64, 48), (64, 48), (64, 48)], alt="Squares")
    # Older rows: attached without a description (no service writes this any more).
    PostImage.objects.filter(pk=post.images.first().pk).update(alt_text="")
    images = card_images(html(member_client.get(post.get_absolute_url())))
    assert 'class="post-images count-3"' in images
    assert images.count('class="alt-badge"') == 2
    assert images.count('class="post-image-link"') == 3


def maxlengths(page: str) -> list[str]:
    """Return the start of each input or textarea on the page that carries a maxlength."""
    return [
        tag[:120]
        for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", page)
        if re.search(r"\smaxlength=", tag)
    ]


def counted_limit(page: str, name: str) -> str | None:
    """Return the data-max-length of the field called name (the live counter's limit)."""
    tag = re.search(rf'<(?:input|textarea)\b[^>]*\sname="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no field {name} on the page"
    limit = re.search(r'\sdata-max-length="(\d+)"', tag.group(0))
    return limit.group(1) if limit else None


def test_no_compose_field_carries_a_maxlength_and_each_limited_one_a_counter(member_client, user):
    """The alt text (of an empty slot and of an uploaded draft), the content warning and the
    poll options carry no maxlength (a longer paste would be cut short without a word) but
    their limit for the live counter."""
    draft = media_services.media_upload(
        owner=user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=""
    )
    page = html(member_client.get(f"/?media={draft.pk}"))
    assert maxlengths(page) == []
    alt_limit = str(media_services.ALT_TEXT_MAX_LENGTH)
    assert counted_limit(page, f"alt_{draft.pk}") == alt_limit
    assert counted_limit(page, "image_2_alt") == alt_limit
    assert counted_limit(page, "spoiler_text") == str(SPOILER_MAX_LENGTH)
    assert counted_limit(page, "poll-option_1") == str(OPTION_MAX_LENGTH)


def too_long_alt() -> str:
    limit = media_services.ALT_TEXT_MAX_LENGTH
    return "".join(f"d{n:04d} " for n in range(limit))[: limit + 99] + "!"


def test_a_too_long_alt_text_is_refused_with_the_text_kept_by_htmx_upload(member_client, user):
    """The slot comes back with the server's error and the whole description; no draft."""
    alt = too_long_alt()
    image = upload(encode(quadrants((64, 48)), "PNG"))
    response = member_client.post(
        reverse("media_upload"),
        {"slot": "1", "image_1": image, "image_1_alt": alt},
        headers=HTMX,
    )
    page = html(response)
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert any(str(media_services.ALT_TEXT_MAX_LENGTH) in error for error in errors)
    assert f'value="{alt}"' in page
    assert not PostImage.objects.filter(owner=user).exists()


def test_a_too_long_alt_text_of_a_draft_comes_back_whole_with_the_error(member_client, user):
    """Posting with an uploaded image whose description is too long publishes nothing and
    shows the description whole under its error; the draft keeps its old text."""
    draft = media_services.media_upload(
        owner=user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text="A square."
    )
    alt = too_long_alt()
    response = member_client.post(
        reverse("post_create"),
        {**DEFAULTS, "body": "Look.", "media": str(draft.pk), f"alt_{draft.pk}": alt},
    )
    assert response.status_code == 400
    page = html(response)
    textarea = re.search(rf'<textarea name="alt_{draft.pk}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert textarea and html_lib.unescape(textarea.group(1)).strip() == alt
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert any(str(media_services.ALT_TEXT_MAX_LENGTH) in error for error in errors)
    assert not Post.objects.filter(author=user).exists()
    draft.refresh_from_db()
    assert draft.alt_text == "A square."


def test_a_too_long_alt_text_chosen_without_javascript_comes_back_with_its_error(
    member_client, user
):
    """The whole form posted with a file and a too-long description: nothing is published;
    the image is kept as an undescribed draft, its description whole under the error."""
    alt = too_long_alt()
    response = member_client.post(
        reverse("post_create"),
        {
            **DEFAULTS,
            "body": "Look.",
            "image_1": upload(encode(quadrants((64, 48)), "PNG")),
            "image_1_alt": alt,
        },
    )
    assert response.status_code == 400
    page = html(response)
    (draft,) = PostImage.objects.filter(owner=user)
    assert draft.alt_text == ""
    textarea = re.search(rf'<textarea name="alt_{draft.pk}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert textarea and html_lib.unescape(textarea.group(1)).strip() == alt
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert any(str(media_services.ALT_TEXT_MAX_LENGTH) in error for error in errors)
    assert not Post.objects.filter(author=user).exists()


def test_a_too_long_alt_text_saved_by_htmx_is_refused(member_client, user):
    draft = media_services.media_upload(
        owner=user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text="A square."
    )
    response = member_client.post(
        reverse("media_update", args=[draft.pk]), {f"alt_{draft.pk}": too_long_alt()}, headers=HTMX
    )
    assert 'class="field-error"' in html(response)
    draft.refresh_from_db()
    assert draft.alt_text == "A square."


def test_an_alt_text_line_end_counts_as_one_character(member_client, user):
    """Browsers send a textarea's line ends as CRLF; the counter counts each as one, and so
    does the server: a description exactly at the limit with line ends is taken."""
    limit = media_services.ALT_TEXT_MAX_LENGTH
    draft = media_services.media_upload(
        owner=user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=""
    )
    alt = "a" * (limit // 2 - 1) + "\r\n" + "b" * (limit - limit // 2)
    response = member_client.post(
        reverse("post_create"),
        {**DEFAULTS, "body": "Look.", "media": str(draft.pk), f"alt_{draft.pk}": alt},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.alt_text) == limit and "\r" not in draft.alt_text
