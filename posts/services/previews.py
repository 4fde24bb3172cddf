"""Link previews: queue the fetch of the first link's card when a post is saved.

STUB: the link-preview helper fills this in.
"""

from posts.models import Post


def preview_queue(post: Post) -> None:
    """On commit, queue fetching the preview card of the first link in post's body."""
