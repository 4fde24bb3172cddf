"""A block made by either side, for the tests that it refuses an action both ways."""

import pytest

from social.services import block_create
from users.models import CustomUser

# Parametrize a test over who blocks: the post's author, or the account acting on the post.
BLOCKED_EITHER_WAY = pytest.mark.parametrize(
    "author_blocks", [True, False], ids=["the author blocks", "the author is blocked"]
)


def block_between(author: CustomUser, other: CustomUser, *, author_blocks: bool) -> None:
    """Make the author block the other account, or the other account block the author."""
    if author_blocks:
        block_create(blocker=author, blocked=other)
    else:
        block_create(blocker=other, blocked=author)
