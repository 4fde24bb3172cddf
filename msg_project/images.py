"""Check, clean and resize uploaded images with Pillow (avatars and post images)."""

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Refuse decompression bombs well before they eat memory.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image (no EXIF) ready to save, with its size."""

    content: ContentFile
    name: str
    width: int
    height: int


def open_upload(upload: UploadedFile, *, max_bytes: int, what: str = "image") -> Image.Image:
    """Return the upload as a verified Pillow image, or raise a ValidationError that says why."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"That {what} is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes // 1_048_576} MB."
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns of large images on open; the size check below refuses them itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(upload)
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError(
                f"That {what} is {probe.width} x {probe.height} pixels; the limit is "
                f"{MAX_PIXELS // 1_000_000} million pixels."
            )
        probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise ValidationError(
            f"That file is not an image we can read. Upload a JPEG, PNG, WebP or GIF {what}."
        ) from e
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(
            f"{image.format or 'That'} images are not supported. Use JPEG, PNG, WebP or GIF."
        )
    return image


def _encode(image: Image.Image, stem: str) -> CleanImage:
    """Re-encode without metadata: JPEG for opaque images, PNG when there is transparency."""
    out = BytesIO()
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        ext = "png"
    else:
        image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    name = f"{stem}.{ext}"
    return CleanImage(ContentFile(out.getvalue(), name=name), name, *image.size)


def square(image: Image.Image, *, size: int, stem: str) -> CleanImage:
    """Crop to the centre square and resize to size x size, upright and without EXIF."""
    image = ImageOps.exif_transpose(image)
    return _encode(ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS), stem)


def bounded(image: Image.Image, *, longest: int, stem: str) -> CleanImage:
    """Shrink so the longest side is at most `longest`, upright and without EXIF."""
    image = ImageOps.exif_transpose(image)
    image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return _encode(image, stem)
