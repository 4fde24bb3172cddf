"""Uploaded images: avatars (users.services.profile_update) and post images (post_create).

Every image is made by Pillow in memory; MEDIA_ROOT is a fresh temporary folder per test.
"""

import os
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import MAX_PIXELS
from posts.models import Post, PostImage
from posts.services import ImageUpload, post_create
from posts.services.media import media_upload
from tests.factories import UserFactory
from users.models import CustomUser
from users.services import profile_update, user_delete

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
EXIF_MAKE = 0x010F  # the camera maker tag
EXIF_ORIENTATION = 0x0112


def image_bytes(fmt: str, size=(600, 300), *, color="teal", exif: Image.Exif | None = None):
    """Encode a plain image of size in fmt (optionally with EXIF) and return the bytes."""
    out = BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    picture = Image.new(mode, size, color)
    if exif is not None:
        picture.save(out, fmt, exif=exif.tobytes())
    else:
        picture.save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(field) -> Image.Image:
    """Open the file a FileField points at, from storage."""
    with field.storage.open(field.name) as handle:
        picture = Image.open(BytesIO(handle.read()))
        picture.load()
        return picture


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "SecretCam"
    return exif


# Avatars


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("PNG", "me.png"), ("JPEG", "me.jpg"), ("GIF", "me.gif"), ("WEBP", "me.webp")],
)
def test_avatar_is_stored_as_a_400_square(user, fmt, name):
    """A PNG, JPEG, GIF or WebP avatar of any shape is stored cropped to 400x400."""
    profile_update(user=user, display_name="", bio="", avatar=upload(image_bytes(fmt), name))
    user.refresh_from_db()
    assert user.avatar
    assert default_storage.exists(user.avatar.name)
    assert stored(user.avatar).size == (400, 400)


def test_a_small_avatar_is_scaled_up_to_400(user):
    """A tiny avatar is still stored at 400x400, so every avatar is the same size."""
    profile_update(
        user=user, display_name="", bio="", avatar=upload(image_bytes("PNG", (20, 30)), "a.png")
    )
    assert stored(user.avatar).size == (400, 400)


def test_avatar_exif_is_stripped(user):
    """A JPEG with EXIF (camera details) is stored without any EXIF."""
    data = image_bytes("JPEG", exif=camera_exif())
    assert Image.open(BytesIO(data)).getexif()[EXIF_MAKE] == "SecretCam", "fixture has EXIF"
    profile_update(user=user, display_name="", bio="", avatar=upload(data, "cam.jpg"))
    saved = stored(user.avatar)
    assert dict(saved.getexif()) == {}
    assert "exif" not in saved.info
    with user.avatar.storage.open(user.avatar.name) as handle:
        assert b"SecretCam" not in handle.read()


def test_a_text_file_named_png_is_refused_and_the_old_avatar_stays(user):
    """A non-image upload raises a ValidationError on avatar; the previous avatar is kept."""
    profile_update(
        user=user, display_name="Ann", bio="", avatar=upload(image_bytes("PNG"), "a.png")
    )
    user.refresh_from_db()
    before = user.avatar.name

    fake = upload(b"this is plain text, not a picture\n" * 10, "evil.png")
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name="Changed", bio="", avatar=fake)

    messages = excinfo.value.message_dict["avatar"]
    assert any("not an image" in m for m in messages)
    saved = CustomUser.objects.get(pk=user.pk)
    assert saved.avatar.name == before
    assert saved.display_name == "Ann"
    assert default_storage.exists(before)


def test_an_avatar_over_5_mb_is_refused(user):
    """A file over the 5 MB avatar limit is refused before it is decoded."""
    too_big = upload(b"\0" * (5 * MB + 1), "huge.png")
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name="", bio="", avatar=too_big)
    assert "5 MB" in excinfo.value.message_dict["avatar"][0]
    assert not CustomUser.objects.get(pk=user.pk).avatar


def test_remove_avatar_clears_it(user):
    """remove_avatar empties the avatar field."""
    profile_update(user=user, display_name="", bio="", avatar=upload(image_bytes("PNG"), "a.png"))
    profile_update(user=user, display_name="", bio="", remove_avatar=True)
    assert not CustomUser.objects.get(pk=user.pk).avatar


def test_replacing_the_avatar_deletes_the_old_file(user, django_capture_on_commit_callbacks):
    """After a new avatar is committed, the old file is removed from storage."""
    profile_update(user=user, display_name="", bio="", avatar=upload(image_bytes("PNG"), "a.png"))
    old = CustomUser.objects.get(pk=user.pk).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            user=user, display_name="", bio="", avatar=upload(image_bytes("JPEG"), "b.jpg")
        )
    assert not default_storage.exists(old)
    assert default_storage.exists(CustomUser.objects.get(pk=user.pk).avatar.name)


@pytest.mark.parametrize(
    ("field", "display_name", "bio"),
    [("display_name", "x" * 51, ""), ("bio", "", "x" * 501)],
)
def test_profile_text_over_its_limit_is_refused(user, field, display_name, bio):
    """A display name over 50 or a bio over 500 characters is refused and not saved."""
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name=display_name, bio=bio)
    assert field in excinfo.value.message_dict
    saved = CustomUser.objects.get(pk=user.pk)
    assert (saved.display_name, saved.bio) == ("", "")


def test_profile_text_at_its_limit_is_accepted(user):
    """A 50-character display name and a 500-character bio are accepted."""
    profile_update(user=user, display_name="d" * 50, bio="b" * 500)
    saved = CustomUser.objects.get(pk=user.pk)
    assert (len(saved.display_name), len(saved.bio)) == (50, 500)


# Post images


def image_upload(size=(600, 300), *, fmt="PNG", alt="a teal rectangle", **kwargs) -> ImageUpload:
    ext = {"PNG": "png", "JPEG": "jpg"}[fmt]
    return ImageUpload(file=upload(image_bytes(fmt, size, **kwargs), f"photo.{ext}"), alt_text=alt)


def test_post_image_is_stored_with_a_thumbnail(user):
    """A large image is stored bounded to 1600 px and with a thumbnail bounded to 480 px."""
    post = post_create(author=user, body="look", images=[image_upload((3200, 1000))])
    attachment = post.images.get()
    full, thumb = stored(attachment.image), stored(attachment.thumbnail)
    assert max(full.size) <= 1600
    assert max(thumb.size) <= 480
    assert full.size == (1600, 500), "the aspect ratio is kept"
    assert thumb.size == (480, 150)
    assert (attachment.width, attachment.height) == full.size
    assert attachment.alt_text == "a teal rectangle"


def test_a_small_post_image_is_not_enlarged(user):
    """An image smaller than both limits keeps its size for the image and the thumbnail."""
    post = post_create(author=user, body="tiny", images=[image_upload((100, 80))])
    attachment = post.images.get()
    assert stored(attachment.image).size == (100, 80)
    assert stored(attachment.thumbnail).size == (100, 80)


def test_post_image_exif_is_stripped_and_orientation_applied(user):
    """EXIF is dropped, after turning the picture upright as its orientation tag says."""
    exif = camera_exif()
    exif[EXIF_ORIENTATION] = 6  # rotate 90 degrees clockwise to display
    post = post_create(
        author=user, body="sideways", images=[image_upload((200, 100), fmt="JPEG", exif=exif)]
    )
    full = stored(post.images.get().image)
    assert full.size == (100, 200)
    assert dict(full.getexif()) == {}


def test_four_post_images_are_accepted_in_order(user):
    """Up to four images are stored, in the order given."""
    uploads = [image_upload(alt=f"picture {i}") for i in range(4)]
    post = post_create(author=user, body="four", images=uploads)
    assert [(i.position, i.alt_text) for i in post.images.all()] == [
        (i, f"picture {i}") for i in range(4)
    ]


def _no_post_and_no_files() -> None:
    """Assert that no post, no image row and no file in MEDIA_ROOT was left behind."""
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()
    root = default_storage.path("")
    leftovers = [f for _, _, files in os.walk(root) for f in files] if os.path.isdir(root) else []
    assert leftovers == []


def test_five_post_images_are_refused_and_nothing_is_saved(user):
    """A fifth image refuses the whole post: no Post row, no image files."""
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="five", images=[image_upload() for _ in range(5)])
    assert "images" in excinfo.value.message_dict
    _no_post_and_no_files()


@pytest.mark.parametrize("alt", ["", "   \n"])
def test_a_post_image_without_alt_text_is_refused(user, alt):
    """Every image needs a description; without one the post is not saved."""
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="no alt", images=[image_upload(), image_upload(alt=alt)])
    assert "images" in excinfo.value.message_dict
    _no_post_and_no_files()


def test_a_post_image_over_10_mb_is_refused(user):
    """A file over the 10 MB image limit is refused and the post is not saved."""
    huge = ImageUpload(file=upload(b"\0" * (10 * MB + 1), "huge.png"), alt_text="big")
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="big", images=[huge])
    assert "10 MB" in excinfo.value.message_dict["images"][0]
    _no_post_and_no_files()


def test_a_post_with_a_bad_second_image_saves_nothing(user):
    """When one image is not an image, the others are not stored either."""
    fake = ImageUpload(file=upload(b"not an image", "fake.png"), alt_text="fake")
    with pytest.raises(ValidationError):
        post_create(author=user, body="mixed", images=[image_upload(), fake])
    _no_post_and_no_files()


def test_a_small_file_that_decodes_to_a_huge_image_is_refused():
    """A decompression bomb (a few KB, over MAX_PIXELS pixels) is refused before decoding."""
    side = int(MAX_PIXELS**0.5) + 100
    out = BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")  # 1-bit, compresses to a few KB
    upload = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
    assert upload.size < 1_000_000
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        profile_update(user=user, display_name="", bio="", avatar=upload)
    assert "million pixels" in str(error.value)


def test_deleting_an_account_deletes_its_unattached_drafts_and_their_files(commits):
    """An image uploaded but never posted (a draft) goes with its account, its files too: no
    file is left served at its /media/ URL with no row naming it (which delete_stale_media
    could not find either). Another account's draft stays."""
    member, other = UserFactory(), UserFactory()
    draft = media_upload(owner=member, file=upload(image_bytes("PNG"), "a.png"), alt_text="a")
    kept = media_upload(owner=other, file=upload(image_bytes("PNG"), "b.png"), alt_text="b")
    files = [draft.image.name, draft.thumbnail.name]
    assert all(default_storage.exists(name) for name in files)

    user_delete(user=member)

    assert not PostImage.objects.filter(pk=draft.pk).exists()
    assert [name for name in files if default_storage.exists(name)] == []
    assert PostImage.objects.filter(pk=kept.pk).exists()
    assert default_storage.exists(kept.image.name) and default_storage.exists(kept.thumbnail.name)
