"""Reading positions a client saves (Mastodon's markers): where a member stopped reading their
home timeline and their notifications."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import Marker
from notifications.services import notifications_mark_read_up_to
from users.models import CustomUser


@transaction.atomic
def marker_save(*, user: CustomUser, timeline: str, last_read_id: int) -> Marker:
    """Save where user stopped reading timeline ("home" or "notifications"); return the marker.

    Each save counts one more version, also when two saves race (the count is incremented
    in SQL, and a first save that loses the race to create the row updates it instead). The
    notifications marker also marks user's notifications up to it read, so the web's badge
    agrees with the client.
    """
    if timeline not in Marker.Timeline.values:
        raise ValidationError({"timeline": f"Unknown timeline: {timeline}"})
    mine = Marker.objects.filter(user=user, timeline=timeline)
    fields = {"last_read_id": last_read_id, "updated_at": timezone.now()}
    if not mine.update(version=F("version") + 1, **fields):
        try:
            with transaction.atomic():
                Marker.objects.create(user=user, timeline=timeline, **fields)
        except IntegrityError:
            # Another client created it at the same moment: this save is the next version.
            mine.update(version=F("version") + 1, **fields)
    if timeline == Marker.Timeline.NOTIFICATIONS:
        notifications_mark_read_up_to(user=user, up_to=last_read_id)
    return mine.get()


@transaction.atomic
def markers_save(*, user: CustomUser, positions: Mapping[str, int]) -> list[Marker]:
    """Save several reading positions at once (timeline -> last_read_id): all or none."""
    return [
        marker_save(user=user, timeline=timeline, last_read_id=last_read_id)
        for timeline, last_read_id in positions.items()
    ]
