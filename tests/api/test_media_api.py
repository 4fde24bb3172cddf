"""Media: uploads are the compose form's drafts (posts.services.media), described, attached by
id, updated and deleted through the same services."""

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from core.images import NOT_AN_IMAGE
from posts.models import Post, PostEdit, PostImage
from posts.services import media as media_services
from posts.services import post_create
from tests.core.test_images import UNDECODABLE, encode, media_files, quadrants, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def png_file(size=(64, 48), name="picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, encode(quadrants(size), "PNG"), content_type="image/png")


def draft(owner, alt="described") -> PostImage:
    return media_services.media_upload(
        owner=owner, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=alt
    )


# Uploading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_upload_is_a_draft_with_its_address(api, version):
    response = api.post(
        f"/api/{version}/media",
        {"file": png_file((2000, 1000)), "description": "four squares", "focus": "0.1,-0.2"},
    )
    assert response.status_code == 200, response.content  # processed at once, never a 202
    body = response.json()
    image = PostImage.objects.get()
    assert (image.owner, image.post, image.alt_text) == (api.user, None, "four squares")
    assert body["id"] == str(image.pk)
    assert body["type"] == "image"
    assert body["url"] == f"http://testserver{image.image.url}"
    assert body["preview_url"] == f"http://testserver{image.thumbnail.url}"
    assert body["description"] == "four squares"
    assert body["meta"]["original"]["width"] == media_services.IMAGE_LONGEST_SIDE
    assert body["meta"]["original"]["height"] == 800


def test_an_upload_may_wait_for_its_description(api):
    body = api.post("/api/v2/media", {"file": png_file()}).json()
    assert body["description"] is None
    assert PostImage.objects.get().alt_text == ""


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_a_broken_image_is_a_422_with_the_web_forms_message(api, make):
    response = api.post("/api/v2/media", {"file": upload(make())})
    assert response.status_code == 422
    assert str(NOT_AN_IMAGE) in response.json()["error"]
    assert not PostImage.objects.exists()
    assert media_files() == set()


def test_a_file_that_is_no_image_is_a_422(api):
    text = SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain")
    response = api.post("/api/v2/media", {"file": text})
    assert response.status_code == 422
    assert str(NOT_AN_IMAGE) in response.json()["error"]
    assert not PostImage.objects.exists()


def test_an_image_of_too_many_pixels_is_a_422(api):
    data = encode(Image.new("1", (6_000, 6_000)), "PNG")
    response = api.post("/api/v2/media", {"file": upload(data)})
    assert response.status_code == 422
    assert "16 million pixels" in response.json()["error"]
    assert media_files() == set()


def test_a_file_too_large_is_a_422(api, monkeypatch):
    monkeypatch.setattr(media_services, "IMAGE_MAX_BYTES", 1_048_576)
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 1_100_000, content_type="image/png")
    response = api.post("/api/v2/media", {"file": big})
    assert response.status_code == 422
    assert "the limit is 1 MB" in response.json()["error"]
    assert not PostImage.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"description": "no file"}, None),
        (urlencode({"file": "not a file"}), FORM),
        (json.dumps({"file": "not a file"}), "application/json"),
    ],
    ids=["multipart without a file", "form", "json"],
)
def test_an_upload_without_a_file_is_a_422(api, data, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = api.post("/api/v2/media", data, **kwargs)
    assert response.status_code == 422
    assert "error" in response.json()
    assert not PostImage.objects.exists()


def test_a_description_too_long_is_a_422(api):
    long = "a" * (media_services.ALT_TEXT_MAX_LENGTH + 1)
    response = api.post("/api/v2/media", {"file": png_file(), "description": long})
    assert response.status_code == 422
    assert not PostImage.objects.exists()
    assert media_files() == set()


def test_uploading_needs_write_media(api_for):
    response = api_for(scope="read write:statuses").post("/api/v2/media", {"file": png_file()})
    assert response.status_code == 403
    assert not PostImage.objects.exists()


# Reading, describing, deleting -----------------------------------------------------------------


def test_ones_own_uploads_are_readable_drafts_and_posted_alike(api, other_user):
    mine = draft(api.user)
    posted = draft(api.user, "posted")
    post_create(author=api.user, body="pic", media_ids=[posted.pk])
    theirs = draft(other_user)
    assert api.get(f"/api/v1/media/{mine.pk}").json()["id"] == str(mine.pk)
    assert api.get(f"/api/v1/media/{posted.pk}").json()["description"] == "posted"
    response = api.get(f"/api/v1/media/{theirs.pk}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    assert api.get("/api/v1/media/abc").status_code == 404


@pytest.mark.parametrize("encoding", ["form", "json", "multipart"])
def test_a_draft_described_later(api, encoding):
    image = draft(api.user, alt="")
    url = f"/api/v1/media/{image.pk}"
    if encoding == "form":
        response = api.put(url, urlencode({"description": "now described"}), content_type=FORM)
    elif encoding == "json":
        response = api.put(
            url, json.dumps({"description": "now described"}), content_type="application/json"
        )
    else:
        data = encode_multipart(BOUNDARY, {"description": "now described"})
        response = api.put(url, data, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "now described"
    image.refresh_from_db()
    assert image.alt_text == "now described"


def test_the_whole_flow_upload_refused_describe_post(api):
    """Mastodon.py's order: upload, post (refused: no description), describe, post."""
    uploaded = api.post("/api/v2/media", {"file": png_file()}).json()
    data = urlencode({"status": "look", "media_ids[]": [uploaded["id"]]}, doseq=True)
    refused = api.post("/api/v1/statuses", data, content_type=FORM)
    assert refused.status_code == 422
    assert "description" in refused.json()["error"]
    api.put(
        f"/api/v1/media/{uploaded['id']}",
        urlencode({"description": "a picture"}),
        content_type=FORM,
    )
    posted = api.post("/api/v1/statuses", data, content_type=FORM)
    assert posted.status_code == 200, posted.content
    attachment = posted.json()["media_attachments"][0]
    assert (attachment["id"], attachment["description"]) == (uploaded["id"], "a picture")


def test_describing_a_posted_image_keeps_the_earlier_version(api):
    image = draft(api.user, alt="before")
    post = post_create(author=api.user, body="pic", media_ids=[image.pk])
    response = api.put(
        f"/api/v1/media/{image.pk}", urlencode({"description": "after"}), content_type=FORM
    )
    assert response.json()["description"] == "after"
    assert PostEdit.objects.get(post=post).images[0]["alt_text"] == "before"
    assert api.get(f"/api/v1/statuses/{post.pk}").json()["edited_at"] is not None


def test_a_posted_image_keeps_a_description(api):
    image = draft(api.user, alt="before")
    post_create(author=api.user, body="pic", media_ids=[image.pk])
    response = api.put(
        f"/api/v1/media/{image.pk}", urlencode({"description": ""}), content_type=FORM
    )
    assert response.status_code == 422
    image.refresh_from_db()
    assert image.alt_text == "before"


def test_someone_elses_upload_cannot_be_described(api, other_user):
    theirs = draft(other_user, alt="theirs")
    response = api.put(
        f"/api/v1/media/{theirs.pk}", urlencode({"description": "mine"}), content_type=FORM
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.alt_text == "theirs"


def test_a_put_with_only_a_focus_changes_nothing(api):
    image = draft(api.user, alt="kept")
    response = api.put(f"/api/v1/media/{image.pk}", urlencode({"focus": "0,0"}), content_type=FORM)
    assert response.json()["description"] == "kept"


def test_a_draft_is_deleted_with_its_files(api, django_capture_on_commit_callbacks):
    image = draft(api.user)
    assert len(media_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/media/{image.pk}")
    assert response.status_code == 200
    assert response.json() == {}
    assert not PostImage.objects.exists()
    assert media_files() == set()
    assert api.delete(f"/api/v1/media/{image.pk}").status_code == 404


def test_a_posted_image_cannot_be_deleted_alone(api):
    image = draft(api.user)
    post = post_create(author=api.user, body="pic", media_ids=[image.pk])
    response = api.delete(f"/api/v1/media/{image.pk}")
    assert response.status_code == 422
    assert list(Post.objects.get(pk=post.pk).images.all()) == [image]


def test_someone_elses_draft_cannot_be_deleted(api, other_user):
    theirs = draft(other_user)
    assert api.delete(f"/api/v1/media/{theirs.pk}").status_code == 404
    assert PostImage.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_every_media_route_needs_write_media(api_for, method):
    owner = UserFactory()
    image = draft(owner)
    client = api_for(owner, scope="read write:statuses")
    assert getattr(client, method)(f"/api/v1/media/{image.pk}").status_code == 403
    assert PostImage.objects.filter(pk=image.pk).exists()


# The token; the upload's draft count, savepoint, the row, release; no read back.
def test_the_query_count_of_an_upload(api, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert api.post("/api/v2/media", {"file": png_file()}).status_code == 200
