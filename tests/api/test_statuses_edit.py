"""PUT and DELETE /api/v1/statuses/:id: editing through post_edit, deleting through
post_delete, with bodies form-encoded, as JSON and multipart."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from posts.models import Post, PostEdit, PostImage, Visibility
from posts.services import media, post_create
from posts.services.polls import PollSpec
from social.services import block_create
from tests.api.conftest import ApiClient, make_token
from tests.core.test_images import encode, quadrants, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def put_form(client, url, data):
    return client.put(url, urlencode(data, doseq=True), content_type=FORM)


def put_json(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


def with_image(author, alt="an image", body="pic") -> tuple[Post, PostImage]:
    image = media.media_upload(
        owner=author, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=alt
    )
    return post_create(author=author, body=body, media_ids=[image.pk]), image


def with_poll(author) -> Post:
    spec = PollSpec(options=["yes", "no"], expires_in=timedelta(hours=1))
    return post_create(author=author, body="poll", poll=spec)


# Editing ---------------------------------------------------------------------------------------


def test_an_edit_sent_form_encoded(api):
    post = post_create(author=api.user, body="before")
    response = put_form(
        api, f"/api/v1/statuses/{post.pk}", {"status": "after", "spoiler_text": "cw"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["content"] == "<p>after</p>"
    assert body["spoiler_text"] == "cw"
    assert body["edited_at"] is not None
    post.refresh_from_db()
    assert (post.body, post.spoiler_text) == ("after", "cw")
    assert PostEdit.objects.get(post=post).body == "before"


def test_an_edit_sent_as_json(api):
    post = post_create(author=api.user, body="before")
    response = put_json(api, f"/api/v1/statuses/{post.pk}", {"status": "after", "sensitive": True})
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.body, post.sensitive) == ("after", True)


def test_an_edit_sent_as_multipart(api):
    post = post_create(author=api.user, body="before")
    data = encode_multipart(BOUNDARY, {"status": "after"})
    response = api.put(f"/api/v1/statuses/{post.pk}", data, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.body == "after"


def test_what_an_edit_leaves_out_stays(api):
    post = post_create(author=api.user, body="keep me", spoiler_text="cw")
    response = put_form(api, f"/api/v1/statuses/{post.pk}", {"sensitive": "true"})
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.body, post.spoiler_text, post.sensitive) == ("keep me", "cw", True)


def test_an_edit_that_changes_nothing_is_no_edit(api):
    post = post_create(author=api.user, body="same")
    response = put_form(api, f"/api/v1/statuses/{post.pk}", {"status": "same"})
    assert response.json()["edited_at"] is None
    assert not PostEdit.objects.exists()


@pytest.mark.parametrize("data", [{"status": ""}, {"status": "x", "spoiler_text": "w" * 101}])
def test_a_bad_edit_is_a_422_and_changes_nothing(api, data):
    post = post_create(author=api.user, body="before")
    response = put_form(api, f"/api/v1/statuses/{post.pk}", data)
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed")
    post.refresh_from_db()
    assert post.body == "before"
    assert not PostEdit.objects.exists()


def test_someone_elses_status_cannot_be_edited(api, other_user):
    post = post_create(author=other_user, body="theirs")
    response = put_form(api, f"/api/v1/statuses/{post.pk}", {"status": "mine now"})
    assert response.status_code == 404  # as Mastodon: not yours is not found
    post.refresh_from_db()
    assert post.body == "theirs"


def test_a_direct_edit_may_not_name_someone_blocked(api, other_user):
    post = post_create(author=api.user, body="hello", visibility=Visibility.DIRECT)
    block_create(blocker=other_user, blocked=api.user)
    response = put_form(
        api, f"/api/v1/statuses/{post.pk}", {"status": f"hello @{other_user.username}"}
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.body == "hello"


def test_the_images_sent_back_unchanged_are_fine(api):
    post, image = with_image(api.user)
    response = put_form(
        api, f"/api/v1/statuses/{post.pk}", {"status": "new text", "media_ids[]": [image.pk]}
    )
    assert response.status_code == 200, response.content
    assert [a["id"] for a in response.json()["media_attachments"]] == [str(image.pk)]


@pytest.mark.parametrize("change", ["add", "remove"])
def test_images_cannot_be_added_or_removed_in_an_edit(api, change):
    post, image = with_image(api.user)
    ids: list[int | str]
    if change == "add":
        extra = media.media_upload(
            owner=api.user, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text="more"
        )
        ids = [image.pk, extra.pk]
    else:
        ids = [""]  # how a form sends an empty list
    response = put_form(api, f"/api/v1/statuses/{post.pk}", {"status": "x", "media_ids[]": ids})
    assert response.status_code == 422
    assert "cannot add or remove images" in response.json()["error"]
    post.refresh_from_db()
    assert post.body == "pic"
    assert list(post.images.all()) == [image]


def test_alt_text_edited_with_media_attributes_as_json(api):
    post, image = with_image(api.user, alt="old")
    response = put_json(
        api,
        f"/api/v1/statuses/{post.pk}",
        {
            "status": "pic",
            "media_ids": [str(image.pk)],
            "media_attributes": [{"id": str(image.pk), "description": "new", "focus": "0,0"}],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["media_attachments"][0]["description"] == "new"
    image.refresh_from_db()
    assert image.alt_text == "new"
    assert PostEdit.objects.get(post=post).images[0]["alt_text"] == "old"


@pytest.mark.parametrize("index", ["", "0"], ids=["repeated", "indexed"])
def test_alt_text_edited_with_media_attributes_form_encoded(api, index):
    post, image = with_image(api.user, alt="old")
    data = {
        f"media_attributes[{index}][id]": image.pk,
        f"media_attributes[{index}][description]": "new",
    }
    response = put_form(api, f"/api/v1/statuses/{post.pk}", data)
    assert response.status_code == 200, response.content
    image.refresh_from_db()
    assert image.alt_text == "new"


@pytest.mark.parametrize("description", ["", "   "])
def test_an_attached_image_keeps_a_description(api, description):
    post, image = with_image(api.user, alt="old")
    response = put_json(
        api,
        f"/api/v1/statuses/{post.pk}",
        {"media_attributes": [{"id": str(image.pk), "description": description}]},
    )
    assert response.status_code == 422
    image.refresh_from_db()
    assert image.alt_text == "old"


def test_media_attributes_of_an_image_of_another_post_are_refused(api):
    post, _ = with_image(api.user)
    _, image = with_image(api.user, alt="other")
    response = put_json(
        api,
        f"/api/v1/statuses/{post.pk}",
        {"media_attributes": [{"id": str(image.pk), "description": "hijack"}]},
    )
    assert response.status_code == 422
    image.refresh_from_db()
    assert image.alt_text == "other"


def test_the_poll_sent_back_unchanged_is_fine(api):
    post = with_poll(api.user)
    response = put_json(
        api,
        f"/api/v1/statuses/{post.pk}",
        {"status": "poll!", "poll": {"options": ["yes", "no"], "expires_in": 3600}},
    )
    assert response.status_code == 200, response.content
    assert [o["title"] for o in response.json()["poll"]["options"]] == ["yes", "no"]


@pytest.mark.parametrize(
    "poll",
    [
        {"options": ["yes", "no", "maybe"], "expires_in": 3600},
        {"options": ["yes", "no"], "expires_in": 3600, "multiple": True},
    ],
)
def test_a_poll_cannot_be_changed(api, poll):
    post = with_poll(api.user)
    response = put_json(api, f"/api/v1/statuses/{post.pk}", {"status": "changed", "poll": poll})
    assert response.status_code == 422
    assert response.json() == {"error": "msg cannot change a poll once it is posted"}
    post.refresh_from_db()
    assert post.body == "poll"


def test_a_poll_cannot_be_added_in_an_edit(api):
    post = post_create(author=api.user, body="no poll")
    response = put_form(
        api,
        f"/api/v1/statuses/{post.pk}",
        {"status": "x", "poll[options][]": ["a", "b"], "poll[expires_in]": "600"},
    )
    assert response.status_code == 422


def test_editing_needs_write_statuses(api_for):
    author = UserFactory()
    post = post_create(author=author, body="before")
    response = put_form(
        api_for(author, scope="read write:media"), f"/api/v1/statuses/{post.pk}", {"status": "x"}
    )
    assert response.status_code == 403


# Deleting --------------------------------------------------------------------------------------


def test_a_deleted_status_comes_back_with_its_source(api):
    post, image = with_image(api.user, body="**raw** text")
    response = api.delete(f"/api/v1/statuses/{post.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(post.pk)
    assert body["text"] == "**raw** text"
    assert [a["id"] for a in body["media_attachments"]] == [str(image.pk)]
    assert not Post.objects.filter(pk=post.pk).exists()
    assert api.get(f"/api/v1/statuses/{post.pk}").status_code == 404


def test_a_deleted_poll_comes_back_with_its_options(api):
    post = with_poll(api.user)
    body = api.delete(f"/api/v1/statuses/{post.pk}").json()
    assert [o["title"] for o in body["poll"]["options"]] == ["yes", "no"]


def test_a_delete_with_a_form_body(api):
    post = post_create(author=api.user, body="bye")
    response = api.delete(
        f"/api/v1/statuses/{post.pk}", urlencode({"delete_media": "1"}), content_type=FORM
    )
    assert response.status_code == 200
    assert not Post.objects.filter(pk=post.pk).exists()


def test_someone_elses_status_cannot_be_deleted(api, other_user):
    post = post_create(author=other_user, body="theirs")
    response = api.delete(f"/api/v1/statuses/{post.pk}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_thread_author_deletes_a_reply_to_their_post_as_on_the_web(api, other_user):
    post = post_create(author=api.user, body="mine")
    comment = post_create(author=other_user, body="rude", in_reply_to=post)
    assert api.delete(f"/api/v1/statuses/{comment.pk}").status_code == 200
    assert not Post.objects.filter(pk=comment.pk).exists()


def test_deleting_twice_is_a_404(api):
    post = post_create(author=api.user, body="bye")
    assert api.delete(f"/api/v1/statuses/{post.pk}").status_code == 200
    assert api.delete(f"/api/v1/statuses/{post.pk}").status_code == 404


def test_deleting_needs_write_statuses(other_user):
    post = post_create(author=other_user, body="mine")
    client = ApiClient(make_token(other_user, scope="read write:favourites"))
    assert client.delete(f"/api/v1/statuses/{post.pk}").status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()
