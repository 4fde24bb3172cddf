"""Polls: creating one with a post, voting, and closing them (the periodic job).

STUB: the polls helper fills this in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from posts.models import Poll, Post


@dataclass(frozen=True)
class PollSpec:
    """What the author asked for: 2 to 4 options, how long it stays open, single or multiple."""

    options: Sequence[str]
    expires_in: timedelta
    multiple: bool = False


def poll_check(spec: PollSpec) -> None:
    """Raise ValidationError({"poll": ...}) unless spec is a valid poll."""
    raise NotImplementedError


def poll_create(*, post: Post, spec: PollSpec) -> Poll:
    """Attach a poll to a post being created (post_create calls this)."""
    raise NotImplementedError
