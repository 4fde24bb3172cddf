"""Uploads found in review to cost too much or to keep metadata: each failed on the code
before the fix."""

import struct
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from posts.models import Post
from posts.services import ImageUpload, post_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post_image(data: bytes, name: str) -> list[ImageUpload]:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return [ImageUpload(file=upload, alt_text="a picture")]


def try_post(data: bytes, name: str) -> ValidationError | None:
    """Post one image; return the refusal, if any."""
    try:
        post_create(author=UserFactory(), body="look", images=post_image(data, name))
    except ValidationError as error:
        return error
    return None


def jpeg_segments(data: bytes) -> list[bytes]:
    """Split a baseline/progressive JPEG into its marker segments (SOS with its entropy data)."""
    segments, i = [], 2
    while i < len(data):
        marker = data[i + 1]
        if marker == 0xD9:
            segments.append(data[i : i + 2])
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        end = i + 2 + length
        if marker == 0xDA:
            while not (
                data[end] == 0xFF and data[end + 1] != 0 and not 0xD0 <= data[end + 1] <= 0xD7
            ):
                end += 1
        segments.append(data[i:end])
        i = end
    return segments


def progressive_jpeg_with_extra_scans(extra: int) -> bytes:
    """A 16 MP grey progressive JPEG whose last (Huffman table + AC scan) pair is repeated."""
    out = BytesIO()
    Image.new("L", (4000, 4000), 128).save(out, "JPEG", progressive=True, quality=90)
    segments = jpeg_segments(out.getvalue())
    *body, dht, sos, eoi = segments
    return b"\xff\xd8" + b"".join(body) + dht + sos + (dht + sos) * extra + eoi


def test_a_jpeg_with_hundreds_of_scans_is_refused_before_decoding():
    """A progressive JPEG made of many repeated scans is refused, and nothing is stored.

    libjpeg decodes every scan over the whole picture, whatever draft() asks for, and repeated
    scans are only warnings: each extra scan cost ~53 bytes of file and ~12 ms of CPU on 16 MP,
    so the 10 MB limit allowed hours of one worker's CPU. A normal progressive JPEG (about 10
    scans) still goes through.
    """
    error = try_post(progressive_jpeg_with_extra_scans(250), "scans.jpg")
    assert error is not None
    assert "too many passes" in " ".join(error.messages)
    assert not Post.objects.exists()
    assert try_post(progressive_jpeg_with_extra_scans(0), "normal.jpg") is None


def test_an_extreme_aspect_ratio_is_box_reduced_before_resampling(monkeypatch):
    """A 1 x 16,000,000 PNG is reduced along its long side before any resampling.

    One reduction factor for both sides was 1 when one side was already tiny, so Lanczos ran
    down 16 million rows (seconds of CPU for a 31 KB file). Each side now has its own factor:
    nothing is resampled from more than a few times the target's pixels.
    """
    resized_from: list[int] = []
    resize = Image.Image.resize

    def spy(self, size, *args, **kwargs):
        resized_from.append(self.width * self.height)
        return resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    out = BytesIO()
    Image.new("L", (1, 16_000_000)).save(out, "PNG")
    assert try_post(out.getvalue(), "tall.png") is None
    assert Post.objects.filter(images__isnull=False).exists()
    assert resized_from, "the picture was resized"
    # The stored copy is 1 x 1600: a box reduction leaves under twice that to resample.
    assert max(resized_from) < 2 * 1600, resized_from


def test_jpeg_comment_survives_into_the_stored_image():
    """Metadata left in stored files: a JPEG COM segment is copied into every stored copy.

    Pillow keeps the source's "comment" in image.info through convert/resize/copy, and its JPEG
    encoder writes im.info["comment"] back out. The module promises re-encoding "without
    metadata"; cameras and editors put serial numbers, names or locations in comments.

    Expected: the stored image and thumbnail carry no text from the upload.
    Actual: both contain the uploader's comment.
    Fix: core/images.py _encode: save from a copy with info cleared (image.info = {}),
    or pass comment=b"" explicitly.
    """
    out = BytesIO()
    Image.new("RGB", (300, 200), "red").save(out, "JPEG", comment=b"Owner: Jane Doe, 48.85N 2.35E")
    author = UserFactory()
    post = post_create(author=author, body="look", images=post_image(out.getvalue(), "c.jpg"))
    attachment = post.images.get()
    leaks = []
    for field in (attachment.image, attachment.thumbnail):
        with field.storage.open(field.name) as handle:
            if b"Jane Doe" in handle.read():
                leaks.append(field.name)
    assert not leaks, f"the upload's JPEG comment is stored in {leaks}"
