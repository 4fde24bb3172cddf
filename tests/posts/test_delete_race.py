"""A like (or comment, repost, bookmark, quote, vote) that lands while the author deletes the
post."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from posts import services
from posts.models import Like, Poll, PollVote, Post
from posts.services import polls as poll_services
from posts.services import quotes as quote_services
from posts.services.polls import PollSpec
from tests.factories import PostFactory, UserFactory
from tests.threads import in_thread

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises the two writers"
)


def _delete_elsewhere(post_id: int) -> None:
    """Delete the post from another connection, committed (the author's delete request)."""

    def run() -> None:
        try:
            post = Post.objects.get(pk=post_id)
            services.post_delete(user=post.author, post=post)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["like", "repost", "bookmark"])
def test_acting_on_a_post_deleted_meanwhile_is_not_a_500(action, monkeypatch):
    """Expected: a post deleted between the view's visibility check and the write gets the
    404 "There is nothing here" page (a comment already gets a 400 from full_clean()).
    Before the fix, on PostgreSQL: the write
    inserts a row pointing at the deleted post, the deferred foreign key fails at COMMIT with
    IntegrityError, which nothing handles: HTTP 500.

    The patch only holds the request at the point where the author's delete can commit;
    two real requests hit the same window.
    """
    liker, author = UserFactory(), UserFactory()
    post = PostFactory(author=author)
    require_visible = services.require_visible

    def check_then_lose_the_race(target, user):
        require_visible(target, user)
        if target.pk == post.pk:
            _delete_elsewhere(post.pk)

    monkeypatch.setattr(services, "require_visible", check_then_lose_the_race)
    client = Client(raise_request_exception=False)
    client.force_login(liker)
    url = f"/@{author.username}/{post.pk}/"
    response = client.post(f"{url}{action}/")
    assert not Post.objects.filter(pk=post.pk).exists()
    assert response.status_code != 500, f"status {response.status_code}"


def _poll_post(author) -> Post:
    spec = PollSpec(options=["yes", "no"], expires_in=timedelta(days=1))
    return services.post_create(author=author, body="Vote!", poll=spec)


# Where each write takes its hold (posts.services.access.hold), to pause it there.
HOLDERS = {"quote": quote_services, "vote": poll_services, "comment": services, "like": services}


def _write(action: str, user, post_id: int) -> None:
    """The write of the race, as its view calls it, on a fresh read of the post."""
    post = Post.objects.get(pk=post_id)
    if action == "quote":
        services.post_create(author=user, body="Look", quote_of=post)
    elif action == "vote":
        poll = Poll.objects.get(post_id=post_id)
        poll_services.poll_vote(user=user, poll=poll, option_ids=[poll.options.first().pk])
    elif action == "comment":
        services.post_create(author=user, body="Hi", in_reply_to=post)
    else:
        services.post_like(user=user, post=post)


def _nothing_left_of(post_id: int) -> None:
    assert not Post.objects.filter(pk=post_id).exists()
    assert not Post.objects.filter(quote_of_id=post_id).exists()
    assert not Post.objects.filter(in_reply_to_id=post_id).exists()
    assert not PollVote.objects.exists()
    assert not Like.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", HOLDERS)
def test_a_deletion_waits_for_a_write_holding_the_post_and_takes_it_along(action, monkeypatch):
    """A quote, vote, comment or like holds the post (access.hold) until it commits; the
    author's deletion, sent meanwhile, locks the post before it collects what hangs off it, so
    it waits for the write and then takes it along (the quote detached, the vote, comment or
    like deleted). No foreign key left pointing at the deleted post (an IntegrityError at the
    deleter's commit) and no deadlock: no 500, and the post is gone.
    """
    author, other = UserFactory(), UserFactory()
    original = _poll_post(author)
    module = HOLDERS[action]
    real_hold = module.hold
    held, go = threading.Event(), threading.Event()

    def hold_then_wait(post):
        real_hold(post)
        held.set()
        go.wait(timeout=10)

    monkeypatch.setattr(module, "hold", hold_then_wait)
    errors: list[BaseException] = []
    refused: list[BaseException] = []
    writer = in_thread(lambda: _write(action, other, original.pk), errors, refused)
    assert held.wait(timeout=10)
    deleter = in_thread(
        lambda: services.post_delete(user=author, post=Post.objects.get(pk=original.pk)),
        errors,
        refused,
    )
    time.sleep(1.0)  # the deleter now waits on the held post
    go.set()
    writer.join(timeout=20)
    deleter.join(timeout=20)
    assert errors == [], f"{type(errors[0]).__name__}: {errors[0]}"
    assert refused == []  # the write came first: it is done, then deleted with the post
    _nothing_left_of(original.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", HOLDERS)
def test_a_write_reaching_a_post_being_deleted_waits_then_is_a_404(action, monkeypatch):
    """Once the deletion has locked the post (and is collecting what hangs off it), a quote,
    vote, comment or like of it waits for the deletion to commit, then finds the post gone:
    Post.DoesNotExist, which the views answer with a 404, and nothing written."""
    author, other = UserFactory(), UserFactory()
    original = _poll_post(author)
    real_forget = services._forget_after_commit
    locked, go = threading.Event(), threading.Event()

    def forget_after_a_while(ids):
        locked.set()
        go.wait(timeout=10)
        real_forget(ids)

    monkeypatch.setattr(services, "_forget_after_commit", forget_after_a_while)
    errors: list[BaseException] = []
    refused: list[BaseException] = []
    deleter = in_thread(
        lambda: services.post_delete(user=author, post=Post.objects.get(pk=original.pk)),
        errors,
        refused,
    )
    assert locked.wait(timeout=10)
    # Let the deletion go on once the write below is waiting for the post.
    threading.Timer(1.0, go.set).start()
    with pytest.raises(Post.DoesNotExist):
        _write(action, other, original.pk)
    deleter.join(timeout=20)
    assert errors == [] and refused == []
    _nothing_left_of(original.pk)


@pytest.mark.django_db(transaction=True)
def test_an_account_deletion_and_a_comment_deletion_in_one_thread_do_not_deadlock(monkeypatch):
    """Every deletion locks the heads of the threads it touches first, in id order: with u's
    post P, o's comment X on P and u's comment C on X, deleting u's account (P and C) and o
    deleting X at the same time both start at P, so one waits for the other and both succeed."""
    u, o = UserFactory(), UserFactory()
    p = services.post_create(author=u, body="P")
    x = services.post_create(author=o, body="X", in_reply_to=p)
    services.post_create(author=u, body="C", in_reply_to=x)
    real_lock = services._lock
    first_lock, go = threading.Event(), threading.Event()
    account_thread: list[threading.Thread] = []

    def lock(posts):
        ids = real_lock(posts)
        if threading.current_thread() in account_thread and not first_lock.is_set():
            first_lock.set()
            go.wait(timeout=10)
        return ids

    monkeypatch.setattr(services, "_lock", lock)
    errors: list[BaseException] = []
    refused: list[BaseException] = []

    def run_account():
        account_thread.append(threading.current_thread())
        services.posts_delete_by_author(author=u)

    deleter = in_thread(run_account, errors, refused)
    assert first_lock.wait(timeout=10)
    comment = in_thread(
        lambda: services.post_delete(user=o, post=Post.objects.get(pk=x.pk)),
        errors,
        refused,
    )
    time.sleep(1.0)  # o's deletion is under way while the account deletion holds its first lock
    go.set()
    deleter.join(timeout=30)
    comment.join(timeout=30)
    assert errors == [], f"{type(errors[0]).__name__}: {errors[0]}"
    assert not Post.objects.filter(pk=p.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_deletions_that_null_each_others_quotes_do_not_deadlock(monkeypatch):
    """A deletion also updates posts outside its threads (Post.quote_of is SET_NULL), and locks
    the heads of their threads with its own, in id order. u wrote U1; o's post O quotes U1;
    u's later post U2 quotes O. u deletes the account (U1 and U2, nulling O's quote) while o
    deletes O (nulling U2's quote): both lock U1, O, U2's heads in one order, so one waits for
    the other and both succeed."""
    u, o = UserFactory(), UserFactory()
    u1 = services.post_create(author=u, body="U1")
    o_post = services.post_create(author=o, body="O", quote_of=u1)
    u2 = services.post_create(author=u, body="U2", quote_of=o_post)
    real = services._thread_locked
    locked = {"account": threading.Event(), "post": threading.Event()}
    names: dict[threading.Thread, str] = {}

    def thread_locked(posts, **kwargs):
        ids = real(posts, **kwargs)
        me = names.get(threading.current_thread())
        if me:
            locked[me].set()
            other = "post" if me == "account" else "account"
            locked[other].wait(timeout=10)  # were both to hold their locks, both delete now
        return ids

    monkeypatch.setattr(services, "_thread_locked", thread_locked)
    errors: list[BaseException] = []
    refused: list[BaseException] = []

    def account():
        names[threading.current_thread()] = "account"
        services.posts_delete_by_author(author=u)

    def post():
        names[threading.current_thread()] = "post"
        services.post_delete(user=o, post=Post.objects.get(pk=o_post.pk))

    threads = [in_thread(account, errors, refused), in_thread(post, errors, refused)]
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], f"{type(errors[0]).__name__}: {errors[0]}"
    assert not Post.objects.filter(pk__in=[u1.pk, o_post.pk, u2.pk]).exists()
