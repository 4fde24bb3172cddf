"""Bad and heavy uploads (core.images through post_create, profile_update and the forms).

A file Pillow cannot decode is a form error and stores nothing; a picture at the pixel limit is
decoded once, no bigger than needed, and turned upright after it is shrunk.
tests/users/test_media.py holds the everyday behaviour (sizes, EXIF stripping, limits).
"""

import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageOps

from core.images import MAX_PIXELS
from posts.models import Post
from posts.services import ImageUpload, post_create
from tests.factories import UserFactory
from users.models import CustomUser
from users.services import profile_update

pytestmark = pytest.mark.django_db

EXIF_ORIENTATION = 0x0112
UNREADABLE = "not an image we can read"


def upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored(field) -> Image.Image:
    """Open the file a FileField points at, from storage."""
    with field.storage.open(field.name) as handle:
        picture = Image.open(BytesIO(handle.read()))
        picture.load()
        return picture


def media_files() -> set[str]:
    """Every file under MEDIA_ROOT."""
    root = Path(default_storage.path(""))
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def quadrants(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A picture whose four quarters differ, so any turn or mirror shows."""
    picture = Image.new(mode, size, "red")
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.rectangle((w // 2, 0, w, h // 2), fill="lime")
    draw.rectangle((0, h // 2, w // 2, h), fill="blue")
    draw.rectangle((w // 2, h // 2, w, h), fill="yellow")
    return picture


def encode(picture: Image.Image, fmt: str, *, orientation: int | None = None, **kwargs) -> bytes:
    out = BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        kwargs["exif"] = exif.tobytes()
    picture.save(out, fmt, **kwargs)
    return out.getvalue()


def post_image(data: bytes, name: str = "picture.png") -> list[ImageUpload]:
    return [ImageUpload(file=upload(data, name), alt_text="a picture")]


# Files Pillow opens but cannot decode. Each made a 500 before (the exception it raised).


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_without_pixels() -> bytes:
    """The 45-byte PNG of the report: signature, a 10x10 RGB header, no IDAT, IEND (IndexError)."""
    header = struct.pack(">IIBBBBB", 10, 10, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")
    assert len(data) == 45
    return data


def png_with_short_header() -> bytes:
    """A PNG whose IHDR chunk claims zero bytes (ValueError: Truncated IHDR chunk)."""
    data = bytearray(encode(quadrants((64, 48)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[8:12] = bytes(4)
    return bytes(data)


def gif_with_empty_frame() -> bytes:
    """A GIF whose first frame is 0 pixels wide (ValueError: tile cannot extend outside image)."""
    data = bytearray(encode(quadrants((64, 48)).quantize(16), "GIF"))
    position = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while data[position] == 0x21:  # skip extension blocks up to the image descriptor
        position += 2
        while data[position]:
            position += data[position] + 1
        position += 1
    assert data[position] == 0x2C
    data[position + 5 : position + 7] = bytes(2)
    return bytes(data)


def jpeg_with_mistyped_exif() -> bytes:
    """A JPEG whose EXIF holds text under a numeric tag (struct.error when turned upright)."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    exif[0x0131] = "an editor"  # Software, ASCII
    data = encode(quadrants((64, 48)), "JPEG", exif=exif.tobytes())
    software = struct.pack(">HH", 0x0131, 2)
    assert data.count(software) == 1
    return data.replace(software, struct.pack(">HH", 0x0122, 2))  # GrayResponseUnit, SHORT


UNDECODABLE = {
    "png-without-pixels": png_without_pixels,
    "png-with-short-header": png_with_short_header,
    "gif-with-empty-frame": gif_with_empty_frame,
}


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_an_undecodable_avatar_is_a_validation_error(user, make):
    """A file that opens but cannot be decoded is refused as unreadable; nothing is stored."""
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name="Changed", bio="", avatar=upload(make()))
    assert any(UNREADABLE in m for m in excinfo.value.message_dict["avatar"])
    saved = CustomUser.objects.get(pk=user.pk)
    assert (saved.display_name, saved.avatar.name) == ("", "")
    assert media_files() == set()


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_an_undecodable_post_image_is_a_validation_error(user, make):
    """A post with a file that opens but cannot be decoded is refused; nothing is stored."""
    good = ImageUpload(file=upload(encode(quadrants((64, 48)), "PNG")), alt_text="good")
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="bad", images=[good, *post_image(make())])
    assert any(UNREADABLE in m for m in excinfo.value.message_dict["images"])
    assert not Post.objects.exists()
    assert media_files() == set()


def test_broken_exif_does_not_refuse_the_picture(user):
    """Mistyped EXIF is metadata, not pixels: the picture is stored upright, without EXIF."""
    post = post_create(author=user, body="ok", images=post_image(jpeg_with_mistyped_exif()))
    full = stored(post.images.get().image)
    assert full.size == (48, 64), "the orientation tag is still read"
    assert dict(full.getexif()) == {}
    profile_update(user=user, display_name="", bio="", avatar=upload(jpeg_with_mistyped_exif()))
    assert stored(CustomUser.objects.get(pk=user.pk).avatar).size == (400, 400)


def test_the_avatar_form_shows_an_error_for_an_undecodable_png(member_client, user):
    """POST /settings/profile/ with the 45-byte PNG answers with the form and its error."""
    response = member_client.post(
        "/settings/profile/",
        {"display_name": "New", "bio": "", "avatar": upload(png_without_pixels(), "a.png")},
    )
    assert response.status_code in (200, 400)
    assert UNREADABLE in response.content.decode()
    assert CustomUser.objects.get(pk=user.pk).display_name == ""
    assert media_files() == set()


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_the_compose_form_shows_an_error_for_an_undecodable_image(member_client, make):
    """POST /compose/ with an undecodable image answers 400 with the form; no post is made."""
    response = member_client.post(
        "/compose/",
        {
            "body": "look",
            "visibility": "public",
            "image_1": upload(make(), "picture.png"),
            "alt_1": "a picture",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    # Django's ImageField refuses some itself (it opens and verifies); the service the rest.
    assert UNREADABLE in page or "Upload a valid image" in page
    assert not Post.objects.exists()
    assert media_files() == set()


# Fuzzing: small valid files, cut and corrupted.


def _samples() -> dict[str, bytes]:
    picture = quadrants((64, 48))
    return {
        "JPEG": encode(picture, "JPEG", orientation=6),
        "PNG": encode(picture.convert("RGBA"), "PNG", orientation=6),
        "GIF": encode(picture.quantize(16), "GIF"),
        "WEBP": encode(picture, "WEBP", orientation=6),
    }


SAMPLES = _samples()

# (what, where, value): where is taken modulo the length, so small values hit the headers.
MUTATION = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 4096), st.just(b"")),
    st.tuples(st.just("set"), st.integers(0, 4096), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("insert"), st.integers(0, 4096), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 4096), st.binary(min_size=1, max_size=16)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, bytes]]) -> bytes:
    """Apply each mutation in turn: cut the file, overwrite, insert or delete bytes."""
    out = bytearray(data)
    for what, where, value in mutations:
        at = where % max(1, len(out))
        if what == "cut":
            del out[max(1, at) :]
        elif what == "set":
            out[at : at + len(value)] = value
        elif what == "insert":
            out[at:at] = value
        else:
            del out[at : at + len(value)]
    return bytes(out)


@given(fmt=st.sampled_from(sorted(SAMPLES)), mutations=st.lists(MUTATION, min_size=1, max_size=4))
@example(fmt="GIF", mutations=[("set", 30, b"\x00")])  # the first frame's width low byte
@example(fmt="PNG", mutations=[("set", 11, b"\x00")])  # the IHDR chunk's length
@example(fmt="PNG", mutations=[("cut", 33, b"")])  # header only
@hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_a_corrupted_file_is_stored_or_refused_never_a_crash(user, fmt, mutations):
    """Each corrupted file either goes through both services or is a ValidationError that
    leaves no post, no avatar change and no file behind."""
    data = mutate(SAMPLES[fmt], mutations)
    files, posts = media_files(), Post.objects.count()
    try:
        post = post_create(author=user, body="fuzz", images=post_image(data))
    except ValidationError as error:
        assert "images" in error.message_dict
        assert (media_files(), Post.objects.count()) == (files, posts)
    else:
        assert max(stored(post.images.get().image).size) <= 1600

    files, before = media_files(), CustomUser.objects.get(pk=user.pk).avatar.name
    try:
        profile_update(user=user, display_name="", bio="", avatar=upload(data))
    except ValidationError as error:
        assert "avatar" in error.message_dict
        assert media_files() == files
        assert CustomUser.objects.get(pk=user.pk).avatar.name == before
    else:
        assert stored(CustomUser.objects.get(pk=user.pk).avatar).size == (400, 400)


# The pixel limit


def test_one_pixel_over_the_limit_is_refused_before_decoding(user):
    """A picture of MAX_PIXELS + 1 pixels (16 MP) is refused with the size in the message."""
    width, height = 24_961, 641
    assert width * height == MAX_PIXELS + 1 == 16_000_001
    data = encode(Image.new("1", (width, height)), "PNG")
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="big", images=post_image(data))
    assert excinfo.value.message_dict["images"] == [
        "That image is 24961 x 641 pixels; the limit is 16 million pixels."
    ]
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name="", bio="", avatar=upload(data))
    assert "16 million pixels" in excinfo.value.message_dict["avatar"][0]
    assert media_files() == set()


def test_a_picture_far_over_the_limit_gets_the_same_message(user):
    """Past twice the limit Pillow refuses on open; the message still names the limit."""
    data = encode(Image.new("1", (6_000, 6_000)), "PNG")  # 36 MP
    with pytest.raises(ValidationError) as excinfo:
        profile_update(user=user, display_name="", bio="", avatar=upload(data))
    assert "16 million pixels" in excinfo.value.message_dict["avatar"][0]


def test_a_picture_at_the_limit_is_accepted(user):
    """A 4000 x 4000 picture (exactly MAX_PIXELS) is stored, shrunk to 1600 and 480."""
    assert MAX_PIXELS == 4_000 * 4_000
    data = encode(quadrants((4_000, 4_000), "L"), "PNG")
    attachment = post_create(author=user, body="ok", images=post_image(data)).images.get()
    assert stored(attachment.image).size == (1600, 1600)
    assert stored(attachment.thumbnail).size == (480, 480)


# Peak memory: one decode, shrunk before anything else is done to it


def _status_bytes(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB$", text, re.MULTILINE)
    assert match, field
    return int(match[1]) * 1024


def print_post_create_peak(path: str) -> None:
    """Print how far the resident memory rises while post_create stores the picture at path.

    Runs in a fresh interpreter (see the test below): Pillow allocates with malloc, which
    tracemalloc does not see, so the kernel's high-water mark (VmHWM) is the measure.
    """
    from django.core.management import call_command  # run in the child only

    call_command("migrate", verbosity=0)
    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        author = UserFactory()
        uploads = post_image(data)
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        before = _status_bytes("VmRSS")
        post_create(author=author, body="big", images=uploads)
        print(_status_bytes("VmHWM") - before)


@pytest.mark.skipif(
    not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's VmHWM reset"
)
def test_a_picture_at_the_limit_is_decoded_once_and_shrunk_before_it_is_turned(tmp_path):
    """post_create on a 16 MP RGBA PNG with EXIF orientation 6 peaks under two full decodes.

    The old code decoded the picture, turned the whole of it, and resampled it twice (and
    Pillow copies an RGBA image whole before resampling it): four full-size buffers.
    """
    width = height = 4_000
    picture = quadrants((width, height), "RGBA")
    path = tmp_path / "big.png"
    path.write_bytes(encode(picture, "PNG", orientation=6))
    del picture
    one_decode = 4 * width * height  # RGBA, the widest mode a PNG decodes to
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, django; django.setup(); "
            "from tests.core.test_images import print_post_create_peak; "
            "print_post_create_peak(sys.argv[1])",
            str(path),
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "msg_project.test_settings",
            "DATABASE_URL": "sqlite://:memory:",
            # Large blocks come from mmap and go back to the system when freed, so the
            # high-water mark counts live memory, not what malloc kept around.
            "MALLOC_MMAP_THRESHOLD_": str(1024 * 1024),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    peak = int(child.stdout.split()[-1])
    assert peak > one_decode / 2, "the measure sees the decode"
    assert peak < 2 * one_decode


# Orientation is applied after shrinking, to the image, its thumbnail and the avatar


def expected(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Pillow's reference: the whole picture turned upright, then shrunk to size."""
    reference = ImageOps.exif_transpose(Image.open(BytesIO(data))).convert("RGB")
    return reference.resize(size, Image.Resampling.LANCZOS)


def assert_same_quarters(picture: Image.Image, reference: Image.Image) -> None:
    """Each quarter of picture has the colour of the same quarter of reference."""
    assert picture.size == reference.size
    picture = picture.convert("RGB")
    w, h = picture.size
    for x, y in [
        (w // 4, h // 4),
        (3 * w // 4, h // 4),
        (w // 4, 3 * h // 4),
        (3 * w // 4, 3 * h // 4),
    ]:
        got, want = picture.getpixel((x, y)), reference.getpixel((x, y))
        assert all(abs(a - b) < 40 for a, b in zip(got, want, strict=True)), (x, y, got, want)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    ("fmt", "size", "full", "thumb"),
    [
        ("PNG", (600, 300), (300, 600), (240, 480)),
        ("JPEG", (600, 300), (300, 600), (240, 480)),
        ("JPEG", (3_300, 1_650), (800, 1_600), (240, 480)),  # decoded at half size (draft)
        ("WEBP", (2_000, 1_000), (800, 1_600), (240, 480)),
    ],
)
def test_orientation_is_applied_to_the_image_and_its_thumbnail(
    user, fmt, size, full, thumb, orientation
):
    """Each EXIF orientation gives the picture Pillow's exif_transpose gives, shrunk."""
    data = encode(quadrants(size), fmt, orientation=orientation)
    if orientation < 5:  # no quarter turn: the stored shape is the original's
        full, thumb = full[::-1], thumb[::-1]
    attachment = post_create(author=user, body="turned", images=post_image(data)).images.get()
    assert_same_quarters(stored(attachment.image), expected(data, full))
    assert_same_quarters(stored(attachment.thumbnail), expected(data, thumb))
    assert (attachment.width, attachment.height) == full


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(("fmt", "size"), [("PNG", (600, 300)), ("JPEG", (3_300, 1_650))])
def test_orientation_is_applied_to_the_avatar(user, fmt, size, orientation):
    """The avatar is the upright picture's centre square."""
    data = encode(quadrants(size), fmt, orientation=orientation)
    profile_update(user=user, display_name="", bio="", avatar=upload(data))
    reference = ImageOps.fit(
        ImageOps.exif_transpose(Image.open(BytesIO(data))).convert("RGB"), (400, 400)
    )
    assert_same_quarters(stored(CustomUser.objects.get(pk=user.pk).avatar), reference)


# Odd pixel modes


def test_16_bit_grey_is_scaled_to_8_bits_not_clipped(user):
    """A 16-bit greyscale PNG keeps its tones: mid-grey stays mid-grey, not white."""
    data = encode(Image.new("I;16", (64, 48), 32_768), "PNG")
    assert Image.open(BytesIO(data)).mode == "I;16"
    attachment = post_create(author=user, body="grey", images=post_image(data)).images.get()
    assert abs(stored(attachment.image).convert("L").getpixel((32, 24)) - 128) < 4


@pytest.mark.parametrize(
    ("mode", "fmt", "transparent"),
    [
        ("1", "PNG", False),
        ("L", "PNG", False),
        ("LA", "PNG", True),
        ("P", "PNG", True),
        ("P", "GIF", True),
        ("RGBA", "WEBP", True),
        ("CMYK", "JPEG", False),
    ],
)
def test_odd_modes_are_stored_in_rgb_or_with_their_transparency(user, mode, fmt, transparent):
    """Every mode Pillow decodes these formats to is stored as RGB, or RGBA if transparent,
    as a post image and as an avatar."""
    picture = quadrants((64, 48), "RGBA")
    picture.putpixel((0, 0), (0, 0, 0, 0))
    picture = picture.convert(mode) if mode != "P" else picture.quantize(8)
    kwargs = {"transparency": picture.getpixel((0, 0))} if mode == "P" else {}
    data = encode(picture, fmt, **kwargs)
    attachment = post_create(author=user, body="mode", images=post_image(data)).images.get()
    full = stored(attachment.image)
    assert full.size == (64, 48)
    assert full.mode == ("RGBA" if transparent else "RGB")
    if transparent:
        alpha = full.getchannel("A")
        assert (alpha.getpixel((0, 0)), alpha.getpixel((32, 24))) == (0, 255)
    profile_update(user=user, display_name="", bio="", avatar=upload(data))
    avatar = stored(CustomUser.objects.get(pk=user.pk).avatar)
    assert (avatar.size, avatar.mode) == ((400, 400), full.mode)
