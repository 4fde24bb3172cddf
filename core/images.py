"""Check, clean and resize uploaded images with Pillow (avatars and post images).

An upload is decoded once, no bigger than the result needs: JPEG is scaled down by libjpeg
while it decodes (draft), every format is then box-reduced a band of rows at a time, and only
the small copy is resampled, turned upright and re-encoded. Every Pillow failure on a bad file
becomes the same ValidationError, never a server error.
"""

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# What an upload input accepts (its `accept` attribute) and how forms name it.
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
ACCEPTED_NAMES = "JPEG, PNG, WebP, GIF"
# The one message for a file that is not an image, on every upload form (avatar, post images).
NOT_AN_IMAGE = _("That file is not an image we can read. Choose a JPEG, PNG, WebP or GIF file.")
# 16 MP covers every phone camera, and caps a decode at 64 MB (4 bytes a pixel).
MAX_PIXELS = 16_000_000
# Pillow's own guard; it refuses at twice this, before our check can word the refusal.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# A progressive JPEG has about 10 scans; libjpeg decodes each over the whole picture whatever
# size is asked for, so a file of thousands of tiny scans costs minutes of CPU.
MAX_JPEG_SCANS = 100

# How many source pixels one band of the reduction holds (4 MB in RGBA).
_BAND_PIXELS = 1 << 20
_LANCZOS = Image.Resampling.LANCZOS
# EXIF orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image (no EXIF) ready to save, with its size."""

    content: ContentFile
    name: str
    width: int
    height: int


# What an upload is called inside the messages below ("That image is ...").
_WHAT = {
    "image": pgettext_lazy("an upload, inside a sentence", "image"),
    "avatar": pgettext_lazy("an upload, inside a sentence", "avatar"),
}


def _called(what: str) -> str:
    """Return what an upload is called in the active language."""
    return str(_WHAT.get(what, what))


def _too_many_pixels(what: str, size: tuple[int, int] | None = None) -> ValidationError:
    limit = MAX_PIXELS // 1_000_000
    if size is None:
        message = gettext(
            "That %(what)s has too many pixels; the limit is %(limit)d million pixels."
        )
        return ValidationError(message % {"what": _called(what), "limit": limit})
    message = gettext(
        "That %(what)s is %(width)d x %(height)d pixels; the limit is %(limit)d million pixels."
    )
    return ValidationError(
        message % {"what": _called(what), "width": size[0], "height": size[1], "limit": limit}
    )


@contextmanager
def _pillow(what: str) -> Iterator[None]:
    """Turn whatever Pillow raises on a bad file into the friendly ValidationError."""
    try:
        with warnings.catch_warnings():
            # Pillow warns of large images on open; MAX_PIXELS refuses them itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    except ValidationError:
        raise
    except Image.DecompressionBombError as e:
        raise _too_many_pixels(what) from e
    except Exception as e:
        # Fuzzed files make Pillow raise IndexError, ValueError, struct.error, EOFError,
        # OSError, SyntaxError, TypeError...: each is a file we cannot read, not a server fault.
        raise ValidationError(NOT_AN_IMAGE) from e


def open_upload(upload: UploadedFile, *, max_bytes: int, what: str = "image") -> Image.Image:
    """Return the upload opened but not decoded, after checking its bytes, format and pixels."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            gettext("That %(what)s is %(size).1f MB; the limit is %(limit)d MB.")
            % {
                "what": _called(what),
                "size": upload.size / 1_048_576,
                "limit": max_bytes // 1_048_576,
            }
        )
    with _pillow(what):
        upload.seek(0)
        probe = Image.open(upload)  # reads the header only
        if probe.format not in ALLOWED_FORMATS:
            raise ValidationError(
                gettext("%(format)s images are not supported. Use JPEG, PNG, WebP or GIF.")
                % {"format": probe.format}
                if probe.format
                else gettext("That kind of image is not supported. Use JPEG, PNG, WebP or GIF.")
            )
        if probe.width * probe.height > MAX_PIXELS:
            raise _too_many_pixels(what, probe.size)
        if probe.format == "JPEG" and _jpeg_scans(upload) > MAX_JPEG_SCANS:
            raise ValidationError(
                gettext(
                    "That %(what)s is saved in too many passes to decode. Save it again as a "
                    "plain JPEG."
                )
                % {"what": _called(what)}
            )
        probe.verify()
        upload.seek(0)
        image = Image.open(upload)
    return image


def _jpeg_scans(upload: UploadedFile) -> int:
    """Count the start-of-scan markers in a JPEG upload (an over-count: bytes inside metadata
    may look like one too, which only harms a file that is odd already)."""
    upload.seek(0)
    count, tail = 0, b""
    for chunk in upload.chunks():
        data = tail + chunk
        count += data.count(b"\xff\xda")
        tail = data[-1:]  # a marker split across two chunks
    upload.seek(0)
    return count


def _orientation(image: Image.Image) -> Image.Transpose | None:
    """Return the transpose the image's EXIF orientation asks for, if any."""
    # Broken metadata does not spoil the pixels, and it is dropped anyway: show them as stored,
    # without Pillow's "Corrupt EXIF data" warning in the logs.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:
        return None


def _working_mode(image: Image.Image) -> str:
    """Return the mode to resample in: RGBa (premultiplied) with transparency, else L or RGB."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        return "RGBa"
    if image.mode in ("1", "L", "F") or image.mode.startswith("I"):
        return "L"
    return "RGB"


def _convert(image: Image.Image, mode: str) -> Image.Image:
    """Convert to L, RGB or RGBa, mapping 16-bit grey onto 8 bits rather than clipping it."""
    if image.mode == mode:
        return image
    if image.mode.startswith("I"):
        image = image.convert("I").point(lambda v: v * (1 / 256))
    if mode == "RGBa" and image.mode != "RGBA":
        image = image.convert("RGBA")
    return image.convert(mode)


def _decode(
    image: Image.Image, at_least: tuple[int, int]
) -> tuple[Image.Image, Image.Transpose | None]:
    """Decode image no bigger than needed for at_least pixels; return it with its upright turn.

    Each side is reduced by the largest whole factor that keeps it at least at_least, in L,
    RGB or RGBa mode. Reduction and conversion run a band of rows at a time, because Pillow's
    reduce and resize first copy a whole RGBA image; the decoded image is the only full-size
    buffer, and it is closed before this returns.
    """
    image.draft(None, at_least)  # JPEG only: libjpeg scales by 1/2, 1/4 or 1/8 as it decodes
    image.load()
    turn = _orientation(image)  # after load: a PNG may keep its EXIF after the pixels
    mode = _working_mode(image)
    width, height = image.size
    # Each side by its own factor: with one factor for both, a 1 x 16,000,000 picture was not
    # reduced at all, and resampling its 16 million rows took seconds.
    fx, fy = max(1, width // at_least[0]), max(1, height // at_least[1])
    if fx == fy == 1:
        small = _convert(image, mode)
    else:
        small = Image.new(mode, (math.ceil(width / fx), math.ceil(height / fy)))
        rows = max(1, _BAND_PIXELS // (width * fy)) * fy
        for top in range(0, height, rows):
            band = image.crop((0, top, width, min(top + rows, height)))
            small.paste(_convert(band, mode).reduce((fx, fy)), (0, top // fy))
    if small is not image:
        image.close()
    return small, turn


def _finish(image: Image.Image, turn: Image.Transpose | None) -> Image.Image:
    """Undo the premultiplied alpha and turn the (small) image upright."""
    if image.mode == "RGBa":
        image = image.convert("RGBA")
    return image.transpose(turn) if turn is not None else image


def _encode(image: Image.Image, stem: str) -> CleanImage:
    """Re-encode without metadata: JPEG for opaque images, PNG when there is transparency."""
    out = BytesIO()
    if image.mode in ("RGBA", "RGBa", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        image.info = {}  # a JPEG comment or PNG text would otherwise be written back out
        # zlib's default level: optimize=True took up to 8x as long for files within 2% in size.
        image.save(out, "PNG")
        ext = "png"
    else:
        image = image.convert("RGB")
        image.info = {}
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    name = f"{stem}.{ext}"
    return CleanImage(ContentFile(out.getvalue(), name=name), name, *image.size)


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def square(upload: UploadedFile, *, max_bytes: int, size: int, stem: str, what: str) -> CleanImage:
    """Check the upload, crop it to the centre square and resize to size x size, upright and
    without EXIF; raise a ValidationError that says why it cannot."""
    image = open_upload(upload, max_bytes=max_bytes, what=what)
    with _pillow(what):
        # Shrink until the short side is size; a centre crop commutes with the upright turn.
        scale = min(1.0, size / min(image.size))
        small, turn = _decode(image, _scaled(image.size, scale))
        fitted = ImageOps.fit(small, (size, size), _LANCZOS)
        return _encode(_finish(fitted, turn), stem)


def bounded(
    upload: UploadedFile, *, max_bytes: int, longest: int, thumbnail: int, stem: str
) -> tuple[CleanImage, CleanImage]:
    """Check the upload and return it shrunk so its longest side is at most longest, with a
    thumbnail of at most thumbnail made from that copy; both upright and without EXIF."""
    image = open_upload(upload, max_bytes=max_bytes)
    with _pillow("image"):
        target = _scaled(image.size, min(1.0, longest / max(image.size)))
        small, turn = _decode(image, target)
        if small.size != target:
            small = small.resize(target, _LANCZOS)
        full = _finish(small, turn)
        thumb = full.copy()
        thumb.thumbnail((thumbnail, thumbnail), _LANCZOS)
        return _encode(full, stem), _encode(thumb, f"{stem}-thumb")
