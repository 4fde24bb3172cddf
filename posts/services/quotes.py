"""Quote posts: who may quote what, and the quoted author detaching their post.

STUB: the quotes helper fills this in.
"""

from posts.models import Post
from users.models import CustomUser


def check_quotable(*, user: CustomUser, post: Post) -> None:
    """Raise PermissionDenied unless user may quote post."""
    raise NotImplementedError


def quote_created(post: Post) -> None:
    """Tell the quoted author (post_create calls this for a new quote)."""
    raise NotImplementedError
