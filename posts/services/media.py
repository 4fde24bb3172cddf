"""Media uploaded before the post: drafts owned by their uploader, attached by id.

STUB: the media helper fills this in.
"""

from collections.abc import Sequence

from posts.models import Post, PostImage
from users.models import CustomUser


def drafts_to_attach(*, owner: CustomUser, ids: Sequence[int], extra: int = 0) -> list[PostImage]:
    """Return owner's unattached drafts with these ids in that order, or raise ValidationError
    ({"media": ...}) if one is missing, not theirs, already attached, or there are too many
    (counting `extra` images uploaded with the post itself)."""
    if not ids:
        return []
    raise NotImplementedError


def attach(post: Post, drafts: Sequence[PostImage], *, start: int = 0) -> None:
    """Attach drafts to post at positions start, start+1, ..."""
    if not drafts:
        return
    raise NotImplementedError
