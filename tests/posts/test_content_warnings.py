"""Content warnings and sensitive media: the warning's rules in post_create and post_edit, the
card that hides the body and images behind a native <details>, the blurred sensitive images,
and timelines that cost no more queries for it."""

import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from posts.models import Post, PostEdit
from posts.services import SPOILER_MAX_LENGTH, ImageUpload, post_create, post_edit, post_repost
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.pages import html
from tests.posts.test_queries import HOME_QUERIES

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (20, 10), "olive").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def upload(alt: str = "an olive box") -> ImageUpload:
    return ImageUpload(
        file=SimpleUploadedFile("box.png", PNG, content_type="image/png"), alt_text=alt
    )


def warned_region(page: str, warning: str) -> str:
    """Return what the content-warning <details> whose summary shows warning holds."""
    match = re.search(
        r'<details class="content-warning"><summary><span class="cw-text">'
        + re.escape(warning)
        + r"</span>.*?</summary>(.*?)</details>",
        page,
        re.DOTALL,
    )
    assert match, f"no content warning {warning!r} on the page"
    return match.group(1)


# The rules, in post_create and post_edit


def test_a_content_warning_of_100_characters_is_kept_with_spaces_collapsed(user):
    text = "w" * (SPOILER_MAX_LENGTH - 2) + " x"
    post = post_create(author=user, body="hello", spoiler_text=f"  {text.replace(' ', '   ')} ")
    assert Post.objects.get(pk=post.pk).spoiler_text == text


@pytest.mark.parametrize("text", ["w" * (SPOILER_MAX_LENGTH + 1), "bad\x00word"])
def test_post_create_refuses_a_long_or_nul_warning_and_saves_nothing(user, text):
    with pytest.raises(ValidationError) as raised:
        post_create(author=user, body="hello", spoiler_text=text)
    assert "spoiler_text" in raised.value.message_dict
    assert not Post.objects.exists()


@pytest.mark.parametrize("text", ["w" * (SPOILER_MAX_LENGTH + 1), "bad\x00word"])
def test_post_edit_refuses_a_long_or_nul_warning_and_changes_nothing(user, text):
    post = post_create(author=user, body="hello", spoiler_text="old warning")
    with pytest.raises(ValidationError) as raised:
        post_edit(user=user, post=post, body="changed", spoiler_text=text)
    assert "spoiler_text" in raised.value.message_dict
    saved = Post.objects.get(pk=post.pk)
    assert (saved.body, saved.spoiler_text, saved.edited_at) == ("hello", "old warning", None)
    assert not PostEdit.objects.exists()


def test_post_edit_can_remove_a_warning_and_the_sensitive_mark(user):
    post = post_create(author=user, body="hi", spoiler_text="cw", sensitive=True, images=[upload()])
    post_edit(user=user, post=post, body="hi", spoiler_text="", sensitive=False)
    saved = Post.objects.get(pk=post.pk)
    assert (saved.spoiler_text, saved.sensitive) == ("", False)


def test_post_edit_without_a_warning_argument_keeps_the_warning(user):
    post = post_create(author=user, body="hi", spoiler_text="cw", sensitive=True)
    post_edit(user=user, post=post, body="hi again")
    saved = Post.objects.get(pk=post.pk)
    assert (saved.body, saved.spoiler_text, saved.sensitive) == ("hi again", "cw", True)


def test_the_edit_page_refuses_a_long_warning_with_a_form_error(member_client, user):
    post = post_create(author=user, body="hello")
    url = reverse("post_edit", kwargs={"username": user.username, "pk": post.pk})
    response = member_client.post(
        url, {"body": "hello", "spoiler_text": "w" * (SPOILER_MAX_LENGTH + 1)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["spoiler_text"]
    assert Post.objects.get(pk=post.pk).spoiler_text == ""


def test_the_edit_page_refuses_a_nul_in_the_warning(member_client, user):
    post = post_create(author=user, body="hello")
    url = reverse("post_edit", kwargs={"username": user.username, "pk": post.pk})
    response = member_client.post(url, {"body": "hello", "spoiler_text": "bad\x00"})
    assert response.status_code == 400
    assert Post.objects.get(pk=post.pk).spoiler_text == ""


# The card


def test_a_warned_post_hides_its_body_and_images_behind_details(member_client, user):
    post = post_create(
        author=user, body="the hidden words", spoiler_text="eye strain", images=[upload()]
    )
    page = html(member_client.get(reverse("home")))
    inside = warned_region(page, "eye strain")
    assert "the hidden words" in inside
    assert 'alt="an olive box"' in inside
    assert f'id="post-{post.pk}"' in page
    # The actions bar stays outside, so a reader can like without opening it.
    assert "actions-bar" not in inside
    assert page.count("the hidden words") == 1


def test_a_post_without_a_warning_has_no_details(member_client, user):
    post_create(author=user, body="plain words")
    page = html(member_client.get(reverse("home")))
    assert "plain words" in page
    assert 'class="content-warning"' not in page


def test_the_warning_is_escaped(member_client, user):
    post_create(author=user, body="x", spoiler_text="<script>alert(1)</script>")
    page = html(member_client.get(reverse("home")))
    assert "<script>alert(1)</script>" not in page
    warned_region(page, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_a_sensitive_posts_images_are_blurred_behind_a_checkbox(member_client, user):
    post_create(author=user, body="look", sensitive=True, images=[upload()])
    page = html(member_client.get(reverse("home")))
    match = re.search(
        r'<div class="sensitive-media"><label class="sensitive-reveal">'
        r'<input type="checkbox" class="sensitive-toggle"> Show sensitive media</label>'
        r"(.*?)</div>\s*</div>",
        page,
        re.DOTALL,
    )
    assert match
    assert 'alt="an olive box"' in match.group(1)


def test_images_not_marked_sensitive_are_not_blurred(member_client, user):
    post_create(author=user, body="look", images=[upload()])
    post_create(author=user, body="no images", sensitive=True)
    page = html(member_client.get(reverse("home")))
    assert 'alt="an olive box"' in page
    assert "sensitive-media" not in page


def test_the_post_page_hides_the_body_behind_the_warning_too(member_client, user, other_user):
    post = post_create(
        author=other_user,
        body="the hidden words",
        spoiler_text="spoilers",
        sensitive=True,
        images=[upload()],
    )
    FollowFactory(follower=user, followee=other_user)
    page = html(member_client.get(post.get_absolute_url()))
    inside = warned_region(page, "spoilers")
    assert "the hidden words" in inside
    assert 'class="sensitive-media"' in inside
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title
    assert "spoilers" in title.group(1)
    assert "the hidden words" not in title.group(1)


def test_a_repost_of_a_warned_post_shows_the_originals_warning(member_client, user, other_user):
    post = post_create(author=other_user, body="the hidden words", spoiler_text="spoilers")
    FollowFactory(follower=user, followee=UserFactory())
    reposter = FollowFactory(follower=user).followee
    post_repost(user=reposter, post=post)
    page = html(member_client.get(reverse("home")))
    assert "the hidden words" in warned_region(page, "spoilers")


def test_a_notification_hides_a_warned_posts_text_too(member_client, user, other_user, commits):
    post_create(author=other_user, body=f"hey @{user.username} the ending", spoiler_text="film")
    page = html(member_client.get(reverse("notifications")))
    assert "the ending" in warned_region(page, "film")


def test_the_css_blurs_sensitive_images_without_script(client):
    """The blur and the reveal are plain CSS (no inline script or style in the card)."""
    response = client.get("/static/css/msg.css")
    css = b"".join(response.streaming_content).decode()
    assert re.search(
        r"\.sensitive-media:not\(:has\(\.sensitive-toggle:checked\)\) img \{ filter: blur", css
    )


# Query counts: a warning and a sensitive mark cost nothing


@pytest.mark.parametrize("n", [1, 40])
def test_home_with_warned_and_sensitive_posts_costs_the_pinned_queries(
    member_client, user, settings, django_assert_num_queries, n
):
    """Home costs the same pinned number of queries for 1 warned post as for 40."""
    settings.MSG_PAGE_SIZE = 50
    for i in range(n):
        author = FollowFactory(follower=user).followee
        PostFactory(
            author=author,
            body=f"hidden {i}",
            spoiler_text=f"warning {i}",
            sensitive=True,
            images=[upload()],
        )
    with django_assert_num_queries(HOME_QUERIES):
        response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert html(response).count('<details class="content-warning">') == n
    assert html(response).count('class="sensitive-media"') == n
