"""Polls: creating one with a post, voting, and closing them (the periodic job)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.text import clean_text
from notifications.models import Kind
from notifications.services import notifications_create_many
from posts.models import Poll, PollOption, PollVote, Post
from posts.services.access import hold, require_visible
from users.models import CustomUser

MIN_OPTIONS = 2
MAX_OPTIONS = 4
OPTION_MAX_LENGTH = 50
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(days=7)


@dataclass(frozen=True)
class PollSpec:
    """What the author asked for: 2 to 4 options, how long it stays open, single or multiple."""

    options: Sequence[str]
    expires_in: timedelta
    multiple: bool = False


def _titles(spec: PollSpec) -> list[str]:
    """Return the options with inner whitespace collapsed and outer whitespace trimmed."""
    return [" ".join(str(option).split()) for option in spec.options]


def poll_check(spec: PollSpec) -> None:
    """Raise ValidationError({"poll": ...}) unless spec is a valid poll."""
    titles = _titles(spec)
    if not MIN_OPTIONS <= len(titles) <= MAX_OPTIONS:
        raise ValidationError(
            {
                "poll": gettext("A poll has %(min)d to %(max)d options; this one has %(count)d.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS, "count": len(titles)}
            }
        )
    for title in titles:
        clean_text(
            title,
            field="poll",
            max_length=OPTION_MAX_LENGTH,
            empty=gettext("A poll option cannot be empty."),
            too_long=gettext(
                "Poll options are limited to {limit} characters; “{text:.20}…” has {length}."
            ),
        )
    if len({title.casefold() for title in titles}) != len(titles):
        raise ValidationError({"poll": gettext("Poll options must be different from each other.")})
    if not MIN_DURATION <= spec.expires_in <= MAX_DURATION:
        raise ValidationError({"poll": gettext("A poll stays open from 5 minutes to 7 days.")})


def poll_create(*, post: Post, spec: PollSpec) -> Poll:
    """Attach a poll to a post being created (post_create calls this)."""
    poll_check(spec)
    poll = Poll.objects.create(
        post=post, multiple=spec.multiple, expires_at=timezone.now() + spec.expires_in
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, position=position, title=title)
        for position, title in enumerate(_titles(spec))
    )
    return poll


@transaction.atomic
def poll_vote(*, user: CustomUser, poll: Poll, option_ids: Sequence[int]) -> PollVote:
    """Vote in a poll on a post user may see: one option, or one or more when it allows
    several; once per account, while it is open. The author may vote too."""
    post = poll.post
    require_visible(post, user)
    hold(post)
    # The poll row, locked after its post (the order post_delete takes them in) and checked as
    # it stands now: a run of poll_close waits for this vote and tells this voter, or closed it
    # first and the vote is refused.
    locked = Poll.objects.select_for_update(no_key=True).filter(pk=poll.pk).first()
    if locked is None:
        raise Poll.DoesNotExist("This poll was just deleted.")
    if locked.closed_at is not None or locked.expired:
        raise ValidationError({"poll": gettext("This poll has ended.")})
    ids = set(option_ids)
    if not ids:
        raise ValidationError({"poll": gettext("Choose an option to vote.")})
    if not poll.multiple and len(ids) != 1:
        raise ValidationError({"poll": gettext("Choose only one option in this poll.")})
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if len(options) != len(ids):
        raise ValidationError({"poll": gettext("Choose among this poll's options.")})
    try:
        # The constraint pollvote_one_per_account settles two votes sent at once.
        with transaction.atomic():
            vote = PollVote.objects.create(poll=poll, user=user)
    except IntegrityError as error:
        raise ValidationError({"poll": gettext("You have already voted in this poll.")}) from error
    PollVote.choices.through.objects.bulk_create(
        PollVote.choices.through(pollvote=vote, polloption=option) for option in options
    )
    return vote


@transaction.atomic
def poll_close(*, poll: Poll, now: datetime) -> bool:
    """Close poll and tell its author and voters, unless it is closed already; return whether
    this call closed it.

    The conditional update decides: when two runs overlap, only the one whose update took the
    row notifies, so everybody is told once. The update waits for a vote in flight (poll_vote
    locks the poll row), so its voter is counted and told.
    """
    if not Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(closed_at=now):
        return False
    voters = CustomUser.objects.filter(
        pk__in=PollVote.objects.filter(poll=poll).values("user")
    ).only("pk")
    author = poll.post.author
    notifications_create_many(
        recipients=[author, *voters], actor=author, kind=Kind.POLL, post=poll.post
    )
    return True


def polls_close_due(now: datetime | None = None) -> int:
    """Close every poll whose time is up and tell its author and voters; return how many this
    run closed (the periodic job: `manage.py close_polls`)."""
    now = now or timezone.now()
    due = (
        Poll.objects.filter(closed_at__isnull=True, expires_at__lte=now)
        .select_related("post__author")
        .order_by("expires_at", "pk")
    )
    # Each poll in its own transaction: one that fails leaves the others closed and told.
    return sum(poll_close(poll=poll, now=now) for poll in list(due))
