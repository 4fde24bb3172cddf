"""Markers: where a member stopped reading their home timeline and their notifications.

Saving the notifications marker also marks msg's notifications up to it read, so the web's
badge agrees with the client (api.services.markers).
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Form, Query, Router, Schema
from pydantic import Field

from api import schemas
from api.auth import Scoped, user_of
from api.entities import iso
from api.models import Marker
from api.selectors import markers
from api.services.markers import markers_save

router = Router(tags=["markers"])

TIMELINES = tuple(Marker.Timeline.values)


class Which(Schema):
    timeline: list[str] = Field([], description="home and/or notifications")


class Positions(Schema):
    home: str | None = Field(None, alias="home[last_read_id]")
    notifications: str | None = Field(None, alias="notifications[last_read_id]")


def _entity(marker: Marker) -> dict:
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


@router.get(
    "/v1/markers",
    auth=Scoped("read:statuses"),
    response={200: dict[str, schemas.Marker], 401: schemas.Error, 403: schemas.Error},
    summary="Reading positions",
)
def marker_list(request: HttpRequest, which: Query[Which]) -> dict:
    """Return your saved reading positions for the timelines asked for (those saved only;
    none asked for: none, as Mastodon)."""
    wanted = [t for t in which.timeline if t in TIMELINES]
    return {m.timeline: _entity(m) for m in markers(user_of(request), wanted)}


@router.post(
    "/v1/markers",
    auth=Scoped("write:statuses"),
    response={
        200: dict[str, schemas.Marker],
        401: schemas.Error,
        403: schemas.Error,
        422: schemas.Error,
    },
    summary="Save reading positions",
)
def marker_create(request: HttpRequest, form: Form[Positions]) -> dict:
    """Save where you stopped reading (home[last_read_id], notifications[last_read_id])."""
    user = user_of(request)
    given = {"home": form.home, "notifications": form.notifications}
    positions: dict[str, int] = {}
    for timeline, value in given.items():
        if value is None:
            continue
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise ValidationError({timeline: "last_read_id must be an id"})
        positions[timeline] = int(text)
    if not positions:
        raise ValidationError(
            {"timeline": "Give home[last_read_id] or notifications[last_read_id]"}
        )
    return {m.timeline: _entity(m) for m in markers_save(user=user, positions=positions)}
