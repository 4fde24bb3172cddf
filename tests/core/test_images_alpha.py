"""Transparency survives an upload (core.images through posts.services.media_upload): a PNG,
GIF or WebP with an alpha channel or a transparent colour is stored as PNG with its alpha, full
size and thumbnail, never flattened to a JPEG on black; an opaque picture is still a JPEG."""

from io import BytesIO

import pytest
from PIL import Image

from posts.models import PostImage
from posts.services import media as services
from tests.core.test_images import upload

pytestmark = pytest.mark.django_db

OPAQUE = (200, 30, 60)


def picture(size: tuple[int, int], mode: str) -> Image.Image:
    """Return an opaque red picture of size whose top-left quarter is fully transparent."""
    rgba = Image.new("RGBA", size, (*OPAQUE, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    if mode == "RGBA":
        return rgba
    if mode == "LA":
        return rgba.convert("LA")
    raise AssertionError(mode)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def palette_with_transparent_index(size: tuple[int, int]) -> Image.Image:
    """Return a P-mode picture whose colour 0 is transparent (tRNS), top-left quarter in it."""
    image = Image.new("P", size, 1)
    image.putpalette([0, 0, 0, *OPAQUE] + [0] * (256 - 2) * 3)
    image.paste(0, (0, 0, size[0] // 2, size[1] // 2))
    image.info["transparency"] = 0
    return image


def rgb_with_colour_key(size: tuple[int, int]) -> Image.Image:
    """Return an RGB picture whose black is transparent (a PNG tRNS colour key)."""
    image = Image.new("RGB", size, OPAQUE)
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    return image


def stored(field) -> Image.Image:
    with field.storage.open(field.name) as handle:
        image = Image.open(BytesIO(handle.read()))
        image.load()
    return image


def assert_keeps_alpha(image: Image.Image, name: str, colour: tuple[int, int, int]) -> None:
    """The stored file is a PNG with a transparent top-left and an opaque bottom-right of the
    uploaded colour."""
    assert name.endswith(".png"), name
    assert image.format == "PNG"
    assert "A" in image.getbands(), image.mode
    alpha = image.getchannel("A")
    width, height = image.size
    assert alpha.getpixel((0, 0)) == 0, "the transparent corner became opaque"
    assert alpha.getpixel((width - 1, height - 1)) == 255
    red, green, blue, _ = image.convert("RGBA").getpixel((width - 1, height - 1))
    assert (red, green, blue) == colour


CASES = {
    "png-rgba": lambda size: encode(picture(size, "RGBA"), "PNG"),
    "png-grey-alpha": lambda size: encode(picture(size, "LA"), "PNG"),
    "png-palette-trns": lambda size: encode(palette_with_transparent_index(size), "PNG"),
    "png-rgb-colour-key": lambda size: encode(
        rgb_with_colour_key(size), "PNG", transparency=(0, 0, 0)
    ),
    "gif-transparent": lambda size: encode(palette_with_transparent_index(size), "GIF"),
    "webp-alpha": lambda size: encode(picture(size, "RGBA"), "WEBP", lossless=True),
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
# Small (stored as is) and larger than the longest side (reduced a band at a time, then
# resampled): both paths keep the alpha.
@pytest.mark.parametrize("size", [(64, 48), (3400, 1800)], ids=["small", "reduced"])
def test_a_transparent_upload_is_stored_as_png_with_its_alpha(user, make, size):
    """The full image and its thumbnail both keep the transparent pixels."""
    data = make(size)
    with Image.open(BytesIO(data)) as source:
        red, green, blue, _ = source.convert("RGBA").getpixel((size[0] - 1, size[1] - 1))  # type: ignore[misc]
        colour = (red, green, blue)
    draft = services.media_upload(owner=user, file=upload(data), alt_text="red")
    draft = PostImage.objects.get(pk=draft.pk)
    full, thumb = stored(draft.image), stored(draft.thumbnail)
    assert_keeps_alpha(full, draft.image.name, colour)
    assert_keeps_alpha(thumb, draft.thumbnail.name, colour)
    assert max(full.size) <= services.IMAGE_LONGEST_SIDE
    assert max(thumb.size) <= services.THUMBNAIL_LONGEST_SIDE


def test_an_opaque_png_is_still_stored_as_jpeg(user):
    """Without transparency a picture is a JPEG (smaller), full size and thumbnail."""
    data = encode(Image.new("RGB", (64, 48), OPAQUE), "PNG")
    draft = services.media_upload(owner=user, file=upload(data), alt_text="red")
    assert draft.image.name.endswith(".jpg") and draft.thumbnail.name.endswith(".jpg")
    assert stored(draft.image).format == "JPEG"
