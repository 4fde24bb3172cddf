"""Mastodon's Relationship entity: how the reader stands with other accounts.

Built from the rows of social.selectors.relationships (the flags the profile page shows, in
one query for any number of accounts). msg has no follow requests, private notes, featured
accounts or per-follow settings, so those fields are constant: a follow shows the account's
reposts and never notifies of its posts, and a mute always covers notifications too.
"""

from collections.abc import Iterable
from typing import Any

from social.selectors import relationships as relationship_rows
from users.models import CustomUser


def relationship(row: CustomUser) -> dict[str, Any]:
    """Return the Relationship entity of an account row annotated with the relation flags."""
    following = bool(row.following)  # type: ignore[attr-defined]
    muting = bool(row.muting)  # type: ignore[attr-defined]
    return {
        "id": str(row.pk),
        "following": following,
        "showing_reblogs": following,
        "notifying": False,
        "languages": None,
        "followed_by": bool(row.follows_you),  # type: ignore[attr-defined]
        "blocking": bool(row.blocking),  # type: ignore[attr-defined]
        "blocked_by": bool(row.blocked_by),  # type: ignore[attr-defined]
        "muting": muting,
        "muting_notifications": muting,
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


def relationships(viewer: CustomUser, ids: Iterable[int]) -> list[dict[str, Any]]:
    """Return viewer's Relationship with each active account among ids, in the order asked
    (unknown and deactivated ones left out), in one query."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = {row.pk: row for row in relationship_rows(viewer, wanted)}
    return [relationship(rows[pk]) for pk in wanted if pk in rows]
