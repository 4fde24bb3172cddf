"""Polls: the spec's rules, voting (one vote per account, open polls, visible posts only), and
the periodic job that closes polls and tells their authors and voters once."""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.tasks import notify
from posts.models import Poll, PollOption, PollVote, Post
from posts.services import polls as poll_services
from posts.services import post_create, post_like
from posts.services.polls import PollSpec, poll_check, poll_vote, polls_close_due
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.threads import in_thread
from users.services import user_update

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def spec(*options: str, expires_in: dt.timedelta = HOUR, multiple: bool = False) -> PollSpec:
    return PollSpec(options=options or ("Yes", "No"), expires_in=expires_in, multiple=multiple)


def poll_post(author=None, visibility: str = "public", **kwargs):
    """Return a new post by author carrying a poll made from spec(**kwargs)."""
    options = kwargs.pop("options", ())
    return PostFactory(
        author=author or UserFactory(), visibility=visibility, poll=spec(*options, **kwargs)
    )


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))


def poll_message(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.message_dict["poll"])


# The spec --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [("Yes", "No"), ("a", "b", "c", "d"), ("x" * 50, "  y  "), ("Tea", "Tee")],
)
def test_a_valid_poll_passes(options):
    """Two to four distinct options of up to 50 characters (after trimming) make a poll."""
    poll_check(spec(*options))


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("Only one",), "2 to 4"),
        (("a", "b", "c", "d", "e"), "2 to 4"),
        (("Yes", "   "), "empty"),
        (("Yes", "x" * 51), "50 characters"),
        (("Yes", "yes"), "different"),
        (("Same thing", " SAME   thing "), "different"),
        (("Yes", "N\x00o"), "Null"),
    ],
)
def test_a_bad_poll_is_refused_with_a_poll_error(options, words):
    """Too few or many options, an empty, long, repeated (ignoring case) or NUL option: refused."""
    with pytest.raises(ValidationError) as error:
        poll_check(spec(*options))
    assert words in poll_message(error)


@pytest.mark.parametrize(
    ("expires_in", "ok"),
    [
        (dt.timedelta(minutes=5), True),
        (dt.timedelta(days=7), True),
        (dt.timedelta(minutes=5) - dt.timedelta(seconds=1), False),
        (dt.timedelta(days=7, seconds=1), False),
        (dt.timedelta(0), False),
    ],
)
def test_a_poll_is_open_from_5_minutes_to_7_days(expires_in, ok):
    """The length of a poll lies between 5 minutes and 7 days, both included."""
    if ok:
        poll_check(spec(expires_in=expires_in))
    else:
        with pytest.raises(ValidationError) as error:
            poll_check(spec(expires_in=expires_in))
        assert "5 minutes to 7 days" in poll_message(error)


def test_post_create_attaches_the_poll_with_its_options_in_order(user):
    """The options are stored trimmed, in the order given, and the poll closes after its length."""
    before = timezone.now()
    post = post_create(
        author=user,
        body="Lunch?",
        poll=spec(" Pizza ", "Soup", "Salad", expires_in=dt.timedelta(days=1), multiple=True),
    )
    poll = Poll.objects.get(post=post)
    assert list(poll.options.values_list("title", flat=True)) == ["Pizza", "Soup", "Salad"]
    assert poll.multiple
    assert poll.closed_at is None
    assert before + dt.timedelta(days=1) <= poll.expires_at <= timezone.now() + dt.timedelta(days=1)


def test_a_refused_poll_saves_no_post(user):
    """A bad poll refuses the whole post: nothing is stored."""
    with pytest.raises(ValidationError):
        post_create(author=user, body="Lunch?", poll=spec("Pizza", "pizza"))
    assert not Post.objects.exists()
    assert not Poll.objects.exists()


# Voting ----------------------------------------------------------------------------------------


def test_a_vote_records_the_chosen_option(user):
    """A reader votes for one option of a single-choice poll."""
    post = poll_post()
    first, second = option_ids(post.poll)
    vote = poll_vote(user=user, poll=post.poll, option_ids=[second])
    assert vote.user == user
    assert list(vote.choices.values_list("pk", flat=True)) == [second]
    assert not PollOption.objects.get(pk=first).votes.exists()


def test_the_author_may_vote_in_their_own_poll(user):
    """As on Mastodon, the author may vote too."""
    post = poll_post(author=user)
    poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    assert PollVote.objects.filter(poll=post.poll, user=user).exists()


def test_a_second_vote_is_refused_and_changes_nothing(user):
    """One vote per account: the second is refused, and the first stays as it was."""
    post = poll_post()
    first, second = option_ids(post.poll)
    poll_vote(user=user, poll=post.poll, option_ids=[first])
    with pytest.raises(ValidationError) as error:
        poll_vote(user=user, poll=post.poll, option_ids=[second])
    assert "already voted" in poll_message(error)
    vote = PollVote.objects.get(poll=post.poll, user=user)
    assert list(vote.choices.values_list("pk", flat=True)) == [first]
    # The refusal rolled back to its savepoint: the transaction is still usable.
    assert PollVote.objects.count() == 1


def test_the_database_allows_one_vote_per_account(user):
    """The constraint pollvote_one_per_account holds whatever path writes the votes."""
    post = poll_post()
    PollVote.objects.create(poll=post.poll, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(poll=post.poll, user=user)


@pytest.mark.parametrize(
    ("multiple", "pick", "words"),
    [
        (False, [], "Choose an option"),
        (False, [0, 1], "only one"),
        (True, [], "Choose an option"),
    ],
)
def test_a_vote_must_choose_the_right_number_of_options(user, multiple, pick, words):
    """Single choice takes exactly one option, multiple choice at least one."""
    post = poll_post(multiple=multiple)
    ids = option_ids(post.poll)
    with pytest.raises(ValidationError) as error:
        poll_vote(user=user, poll=post.poll, option_ids=[ids[i] for i in pick])
    assert words in poll_message(error)
    assert not PollVote.objects.exists()


def test_a_multiple_choice_vote_takes_several_options(user):
    """In a multiple-choice poll, one vote may choose several options."""
    post = poll_post(options=("a", "b", "c"), multiple=True)
    ids = option_ids(post.poll)
    vote = poll_vote(user=user, poll=post.poll, option_ids=[ids[0], ids[2]])
    assert sorted(vote.choices.values_list("pk", flat=True)) == [ids[0], ids[2]]


def test_a_vote_for_another_polls_option_is_refused(user):
    """Options must belong to the poll voted in; an unknown id is refused the same way."""
    post, other = poll_post(), poll_post()
    for ids in ([option_ids(other.poll)[0]], [max(option_ids(other.poll)) + 1000]):
        with pytest.raises(ValidationError) as error:
            poll_vote(user=user, poll=post.poll, option_ids=ids)
        assert "this poll's options" in poll_message(error)
    assert not PollVote.objects.exists()


def test_an_expired_poll_takes_no_vote(user):
    """Once its time is up, a poll refuses votes even before the job closes it."""
    post = poll_post(expires_in=dt.timedelta(minutes=5))
    with time_machine.travel(later(6)), pytest.raises(ValidationError) as error:
        poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    assert "ended" in poll_message(error)
    assert not PollVote.objects.exists()


def test_a_closed_poll_takes_no_vote(user):
    """A poll the job closed refuses votes."""
    post = poll_post(expires_in=dt.timedelta(minutes=5))
    polls_close_due(now=timezone.now() + dt.timedelta(minutes=6))
    post.poll.refresh_from_db()
    with pytest.raises(ValidationError):
        poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])


def test_a_vote_checks_the_poll_as_it_stands_not_as_it_was_read(user):
    """A poll read while open (the vote page) and closed since is refused: the vote checks
    the row it locked, not the instance it was given."""
    post = poll_post(expires_in=dt.timedelta(minutes=5))
    read_while_open = Poll.objects.get(post=post)
    polls_close_due(now=timezone.now() + dt.timedelta(minutes=6))
    with pytest.raises(ValidationError) as error:
        poll_vote(user=user, poll=read_while_open, option_ids=option_ids(read_while_open)[:1])
    assert "ended" in poll_message(error)
    assert not PollVote.objects.exists()


def test_a_followers_only_poll_takes_votes_only_from_followers(user):
    """Voting needs read access: a followers-only poll is closed to others, open to followers."""
    author = UserFactory()
    post = poll_post(author=author, visibility="followers")
    with pytest.raises(PermissionDenied):
        poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    FollowFactory(follower=user, followee=author)
    poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])


@BLOCKED_EITHER_WAY
def test_a_block_either_way_refuses_the_vote(user, author_blocks):
    """Nobody votes in the poll of an account blocked either way."""
    author = UserFactory()
    post = poll_post(author=author)
    block_between(author, user, author_blocks=author_blocks)
    with pytest.raises(PermissionDenied):
        poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    assert not PollVote.objects.exists()


def test_a_deactivated_authors_poll_takes_no_vote(user):
    """A deactivated account's posts are gone, polls included."""
    author = UserFactory()
    post = poll_post(author=author)
    user_update(user=author, is_active=False)
    with pytest.raises(PermissionDenied):
        poll_vote(user=user, poll=post.poll, option_ids=option_ids(post.poll)[:1])


# Closing ---------------------------------------------------------------------------------------


def poll_notifications(**filters):
    return Notification.objects.filter(kind=Kind.POLL, **filters)


def later(minutes: int = 61) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_closing_tells_the_author_and_every_voter(commits):
    """When a poll ends, its author (of their own poll) and each voter are told, once each."""
    author, voters, bystander = UserFactory(), UserFactory.create_batch(2), UserFactory()
    post = poll_post(author=author)
    for voter in voters:
        poll_vote(user=voter, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    assert polls_close_due(now=later()) == 1
    told = set(poll_notifications(post=post, actor=author).values_list("recipient", flat=True))
    assert told == {author.pk, *(v.pk for v in voters)}
    assert not Notification.objects.filter(recipient=bystander).exists()
    post.poll.refresh_from_db()
    assert post.poll.closed_at is not None


def test_only_polls_whose_time_is_up_are_closed(commits):
    """An open poll stays open; a poll already closed is not closed again."""
    due, still_open = poll_post(), poll_post(expires_in=dt.timedelta(days=2))
    assert polls_close_due(now=later()) == 1
    due.poll.refresh_from_db()
    still_open.poll.refresh_from_db()
    assert due.poll.closed_at is not None
    assert still_open.poll.closed_at is None
    assert poll_notifications().count() == 1  # the due poll's author


def test_running_the_job_twice_in_a_row_tells_everyone_once(commits):
    """The second run finds nothing to close and tells nobody again."""
    post = poll_post()
    poll_vote(user=UserFactory(), poll=post.poll, option_ids=option_ids(post.poll)[:1])
    assert polls_close_due(now=later()) == 1
    assert poll_notifications().count() == 2
    assert polls_close_due(now=later(62)) == 0
    assert poll_notifications().count() == 2


def test_two_overlapping_runs_tell_everyone_once(commits, monkeypatch):
    """A run that listed a poll another run closed meanwhile leaves it, and tells nobody.

    Here the second run happens between the first's listing and its first close.
    """
    posts = [poll_post(), poll_post()]
    for post in posts:
        poll_vote(user=UserFactory(), poll=post.poll, option_ids=option_ids(post.poll)[:1])
    close = poll_services.poll_close
    closed_by_other_run: list[int] = []
    started = False

    def close_after_another_run(**kwargs):
        nonlocal started
        if not started:
            started = True
            closed_by_other_run.append(polls_close_due(now=later()))
        return close(**kwargs)

    monkeypatch.setattr(poll_services, "poll_close", close_after_another_run)
    assert polls_close_due(now=later()) == 0
    assert closed_by_other_run == [2]
    assert poll_notifications().count() == 4  # two authors, two voters: once each


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
@pytest.mark.django_db(transaction=True)
def test_a_vote_landing_while_the_poll_closes_is_told_or_refused(monkeypatch):
    """A vote sent in the last instant of a poll and the closing job running just after the
    expiry overlap: the vote locks the poll row and checks it as it stands, so either the
    closing waits for the vote and tells its voter, or it closed first and the vote is
    refused. Never a vote counted in a poll already closed and announced, with a voter never
    told.

    Here the job runs (in another process) while the vote holds the post, before it checks the
    poll.
    """
    author, voter = UserFactory(), UserFactory()
    post = poll_post(author=author, expires_in=dt.timedelta(days=1))
    poll = Poll.objects.get(post=post)
    real_hold = poll_services.hold
    closer_errors: list[BaseException] = []
    closer: list[threading.Thread] = []

    def hold_then_close_runs(held_post):
        real_hold(held_post)
        after_expiry = poll.expires_at + dt.timedelta(seconds=1)
        closer.append(
            in_thread(lambda: polls_close_due(after_expiry), closer_errors, closer_errors)
        )
        time.sleep(1.0)

    monkeypatch.setattr(poll_services, "hold", hold_then_close_runs)
    errors: list[BaseException] = []
    refused: list[BaseException] = []
    voting = in_thread(
        lambda: poll_vote(user=voter, poll=poll, option_ids=option_ids(poll)[:1]),
        errors,
        refused,
    )
    voting.join(timeout=20)
    for thread in closer:
        thread.join(timeout=20)
    assert errors == [] and closer_errors == []
    poll.refresh_from_db()
    assert poll.closed_at is not None
    voted = PollVote.objects.filter(poll=poll, user=voter).exists()
    told = poll_notifications(recipient=voter, post=post).exists()
    assert told or not voted, "the vote counts in the closed poll, but the voter was never told"
    assert voted or refused, "the vote neither counted nor refused"


def test_a_voter_deactivated_before_the_end_is_not_told(commits):
    """The notify task checks again: a deactivated voter is told nothing."""
    author, voter = UserFactory(), UserFactory()
    post = poll_post(author=author)
    poll_vote(user=voter, poll=post.poll, option_ids=option_ids(post.poll)[:1])
    user_update(user=voter, is_active=False)
    polls_close_due(now=later())
    assert list(poll_notifications().values_list("recipient", flat=True)) == [author.pk]


def test_the_notify_task_tells_nobody_of_a_poll_still_open(user):
    """A POLL notification holds only once the poll is closed, and only for author and voters."""
    post = poll_post(author=user)
    other = UserFactory()
    told = notify.call(
        actor_id=user.pk, kind=str(Kind.POLL), recipient_ids=[user.pk, other.pk], post_id=post.pk
    )
    assert told == 0
    Poll.objects.filter(pk=post.poll.pk).update(closed_at=timezone.now())
    told = notify.call(
        actor_id=user.pk, kind=str(Kind.POLL), recipient_ids=[user.pk, other.pk], post_id=post.pk
    )
    assert told == 1  # the author: the other account did not vote
    assert list(poll_notifications().values_list("recipient", flat=True)) == [user.pk]


def test_other_kinds_still_skip_the_actor(user):
    """Only a poll's end tells its own actor; a like of one's own post tells nobody."""
    post = PostFactory(author=user)
    post_like(user=user, post=post)
    told = notify.call(
        actor_id=user.pk, kind=str(Kind.LIKE), recipient_ids=[user.pk], post_id=post.pk
    )
    assert told == 0


def test_the_close_polls_command_closes_due_polls_and_says_how_many(commits):
    """`manage.py close_polls` runs the job and prints how many polls it closed."""
    post = poll_post(expires_in=dt.timedelta(minutes=5))
    poll_post(expires_in=dt.timedelta(days=1))
    out = StringIO()
    with time_machine.travel(later(6)):
        call_command("close_polls", stdout=out)
    assert out.getvalue().strip() == "Closed 1 poll."
    post.poll.refresh_from_db()
    assert post.poll.closed_at is not None
    out = StringIO()
    with time_machine.travel(later(7)):
        call_command("close_polls", stdout=out)
    assert out.getvalue().strip() == "Closed 0 polls."
