"""Your own account through the API: verify_credentials and update_credentials (form, JSON and
multipart bodies, the avatar through the same checks as the settings page), avatar removal."""

from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from users.models import CustomUser, QuotePolicy
from users.services import AVATAR_SIZE, profile_update

pytestmark = pytest.mark.django_db

URL = "/api/v1/accounts/update_credentials"
FORM = "application/x-www-form-urlencoded"


def png(width: int = 60, height: int = 40, color: str = "red") -> SimpleUploadedFile:
    """A real PNG image, made with Pillow."""
    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def patch_form(client, data: dict, method: str = "patch"):
    return getattr(client, method)(URL, urlencode(data, doseq=True), content_type=FORM)


def patch_multipart(client, data: dict):
    return client.patch(URL, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)


def reloaded(user) -> CustomUser:
    return CustomUser.objects.get(pk=user.pk)


def test_verify_credentials_has_the_source(api):
    profile_update(user=api.user, display_name="Ada", bio="hello")
    body = api.get("/api/v1/accounts/verify_credentials").json()
    assert body["source"]["note"] == api.user.bio
    assert body["source"]["fields"] == []
    assert body["source"]["quote_policy"] == "public"  # QuotePolicy.EVERYONE


def test_a_form_body_changes_the_name_and_bio(api):
    response = patch_form(api, {"display_name": "Ada L.", "note": "Counting engines"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Ada L."
    assert body["source"]["note"] == "Counting engines"
    assert body["note"] == "<p>Counting engines</p>"
    user = reloaded(api.user)
    assert (user.display_name, user.bio) == ("Ada L.", "Counting engines")


def test_put_is_served_too(api):
    response = patch_form(api, {"display_name": "Via PUT"}, method="put")
    assert response.status_code == 200, response.content
    assert reloaded(api.user).display_name == "Via PUT"


def test_a_json_body_changes_the_profile(api):
    response = api.patch(
        URL,
        {"note": "From JSON", "locked": False, "source": {"privacy": "public", "language": "de"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    user = reloaded(api.user)
    assert user.bio == "From JSON"
    assert user.language == "de"
    assert response.json()["source"]["language"] == "de"


def test_fields_left_out_stay_as_they_were(api):
    patch_form(api, {"display_name": "Kept", "note": "Kept bio"})
    response = patch_form(api, {"note": "New bio"})
    assert response.status_code == 200
    user = reloaded(api.user)
    assert (user.display_name, user.bio) == ("Kept", "New bio")


def test_a_multipart_avatar_is_stored_square(api):
    response = patch_multipart(api, {"avatar": png(120, 80), "display_name": "With face"})
    assert response.status_code == 200, response.content
    user = reloaded(api.user)
    assert user.avatar
    assert user.display_name == "With face"
    with Image.open(user.avatar.path) as stored:
        assert stored.size[0] == stored.size[1] <= AVATAR_SIZE
    body = response.json()
    assert body["avatar"] == "http://testserver" + user.avatar.url


def test_a_file_that_is_not_an_image_is_a_422_and_changes_nothing(api):
    bogus = SimpleUploadedFile("me.png", b"not a picture at all", content_type="image/png")
    response = patch_multipart(api, {"avatar": bogus, "display_name": "Should not stick"})
    assert response.status_code == 422
    assert "image" in response.json()["error"]
    user = reloaded(api.user)
    assert not user.avatar
    assert user.display_name != "Should not stick"


def test_a_bad_display_name_is_a_422_and_changes_nothing(api):
    response = patch_form(api, {"display_name": "x" * 51, "source[language]": "de"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed")
    user = reloaded(api.user)
    assert user.display_name != "x" * 51
    assert user.language == ""  # the language of the same request was rolled back


def test_locked_false_is_accepted_and_locked_true_refused(api):
    assert patch_form(api, {"locked": "false", "note": "open"}).status_code == 200
    response = patch_form(api, {"locked": "true", "note": "locked"})
    assert response.status_code == 422
    assert "locked" in response.json()["error"]
    assert reloaded(api.user).bio == "open"


def test_empty_profile_fields_are_accepted_and_filled_ones_refused(api):
    empty = {"fields_attributes[0][name]": "", "fields_attributes[0][value]": "", "note": "a"}
    assert patch_form(api, empty).status_code == 200
    filled = {"fields_attributes[0][name]": "Site", "fields_attributes[0][value]": "x.org"}
    response = patch_form(api, {**filled, "note": "b"})
    assert response.status_code == 422
    assert "fields" in response.json()["error"]
    as_json = api.patch(
        URL,
        {"fields_attributes": [{"name": "Site", "value": "x.org"}]},
        content_type="application/json",
    )
    assert as_json.status_code == 422
    assert reloaded(api.user).bio == "a"


def test_a_header_image_is_refused(api):
    response = patch_multipart(api, {"header": png()})
    assert response.status_code == 422
    assert "header" in response.json()["error"]


def test_flags_msg_does_not_store_are_accepted(api):
    data = {
        "bot": "0",
        "discoverable": "1",
        "indexable": "true",
        "hide_collections": "",
        "source[privacy]": "private",
        "source[sensitive]": "true",
        "note": "flags",
    }
    response = patch_form(api, data)
    assert response.status_code == 200, response.content
    assert response.json()["source"]["privacy"] == "public"


def test_a_language_msg_has_maps_onto_its_pages_and_others_are_left_out(api):
    assert patch_form(api, {"source[language]": "de-AT"}).status_code == 200
    assert reloaded(api.user).language == "de"
    assert patch_form(api, {"source[language]": "fr"}).status_code == 200
    assert reloaded(api.user).language == "de"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("nobody", QuotePolicy.NOBODY), ("followers", QuotePolicy.FOLLOWERS)],
)
def test_the_quote_policy_maps_onto_msgs(api, sent, stored):
    response = patch_form(api, {"source[quote_policy]": sent})
    assert response.status_code == 200
    assert reloaded(api.user).quote_policy == stored
    assert response.json()["source"]["quote_policy"] == sent


def test_an_unknown_quote_policy_is_a_422(api):
    response = patch_form(api, {"source[quote_policy]": "friends"})
    assert response.status_code == 422
    assert reloaded(api.user).quote_policy == QuotePolicy.EVERYONE


def test_update_needs_the_write_accounts_scope(api_for):
    reader = api_for(scope="read")
    assert patch_form(reader, {"note": "no"}).status_code == 403
    writer = api_for(scope="write:accounts")
    assert patch_form(writer, {"note": "yes"}).status_code == 200
    assert reloaded(writer.user).bio == "yes"


def test_update_needs_a_token(anon_api):
    assert patch_form(anon_api, {"note": "no"}).status_code == 401


def test_the_avatar_can_be_removed(api):
    patch_multipart(api, {"avatar": png()})
    assert reloaded(api.user).avatar
    response = api.delete("/api/v1/profile/avatar")
    assert response.status_code == 200
    assert not reloaded(api.user).avatar
    assert response.json()["avatar"].endswith("/static/img/avatar.png")


def test_removing_the_header_answers_the_account(api):
    response = api.delete("/api/v1/profile/header")
    assert response.status_code == 200
    assert response.json()["id"] == str(api.user.pk)
