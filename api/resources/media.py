"""Media: /api/v2/media and /api/v1/media, the same drafts as the web compose form.

An upload is checked, resized and stored at once by posts.services.media.media_upload (msg
processes images synchronously, so v2 answers 200 with the url, never 202); a status then
attaches it by id. The description (alt text) may wait on a draft, but a status attaches no
image without one. A file that is not an image msg can read, a huge one or a broken one is
a 422 with the web form's message.
"""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities
from api.errors import RECORD_NOT_FOUND
from posts.models import PostImage
from posts.selectors import media_describable, media_drafts
from posts.services.media import media_delete, media_update, media_upload
from users.models import CustomUser

router = Router(tags=["media"])

# What every route may answer besides its entity: no or a bad token (401), a scope it lacks
# (403), a missing or hidden record (404), refused input (422), all as {"error": "..."}.
ERRORS: dict[int, Any] = {code: schemas.Error for code in (401, 403, 404, 422)}

IN_USE = "Validation failed: This image is attached to a post: it goes with the post."


class UploadForm(Schema):
    description: str = Field("", description="The alt text (required before it is posted)")
    focus: str | None = Field(None, description="Accepted; msg crops no thumbnails")


def _upload(request: HttpRequest, file: UploadedFile, form: UploadForm) -> dict[str, Any]:
    user = user_of(request)
    draft = media_upload(owner=user, file=file, alt_text=form.description)
    return Entities(request, user).media(draft)


@router.post(
    "/v2/media",
    auth=Scoped("write:media"),
    response={200: schemas.MediaAttachment, **ERRORS},
)
def media_create(
    request: HttpRequest, file: File[UploadedFile], form: Form[UploadForm]
) -> dict[str, Any]:
    """Upload an image (JPEG, PNG, WebP or GIF) to attach to a status by its id."""
    return _upload(request, file, form)


@router.post(
    "/v1/media",
    auth=Scoped("write:media"),
    response={200: schemas.MediaAttachment, **ERRORS},
)
def media_create_v1(
    request: HttpRequest, file: File[UploadedFile], form: Form[UploadForm]
) -> dict[str, Any]:
    """Upload an image (the v1 route: the same as /api/v2/media)."""
    return _upload(request, file, form)


def _image(user: CustomUser, media_id: str) -> PostImage:
    """Return one of user's drafts or an image of a post of theirs, or raise a 404."""
    text = media_id.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise HttpError(404, RECORD_NOT_FOUND)
    image = media_describable(user).filter(pk=int(text)).first()
    if image is None:
        raise HttpError(404, RECORD_NOT_FOUND)
    return image


@router.get(
    "/v1/media/{media_id}",
    auth=Scoped("write:media"),
    response={200: schemas.MediaAttachment, **ERRORS},
)
def media_get(request: HttpRequest, media_id: str) -> dict[str, Any]:
    """Return one of your uploads (a draft, or an image of a post of yours)."""
    user = user_of(request)
    return Entities(request, user).media(_image(user, media_id))


class UpdateForm(Schema):
    description: str | None = Field(None, description="The new alt text")
    focus: str | None = Field(None, description="Accepted; msg crops no thumbnails")


@router.put(
    "/v1/media/{media_id}",
    auth=Scoped("write:media"),
    response={200: schemas.MediaAttachment, **ERRORS},
)
def media_put(request: HttpRequest, media_id: str, form: Form[UpdateForm]) -> dict[str, Any]:
    """Change the description of one of your uploads; for an image already posted, the post
    keeps its earlier version in its edit history, as on the web."""
    user = user_of(request)
    image = _image(user, media_id)
    if form.description is not None:
        image = media_update(owner=user, media=image, alt_text=form.description)
    return Entities(request, user).media(image)


@router.delete(
    "/v1/media/{media_id}",
    auth=Scoped("write:media"),
    response={200: schemas.Empty, **ERRORS},
)
def media_remove(request: HttpRequest, media_id: str) -> dict[str, Any]:
    """Delete one of your uploads that no status has attached."""
    user = user_of(request)
    image = _image(user, media_id)
    if image.post_id is not None:
        raise HttpError(422, IN_USE)
    draft = media_drafts(user, [image.pk]).first()
    if draft is None:  # attached since it was read
        raise HttpError(422, IN_USE)
    media_delete(owner=user, media=draft)
    return {}
