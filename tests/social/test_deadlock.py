"""Found in review: _lock_pair (users/services.py) takes FOR UPDATE on both users' rows. On
PostgreSQL FOR UPDATE conflicts with the FOR KEY SHARE lock that every row pointing at a user
takes when its (deferred) foreign-key check runs at commit, e.g. a Like and its Notification.
A like committing while the liked author's block is waiting for the liker's row (held, say, by
the liker's own login updating last_login) deadlocks: the like holds the liker's row and wants
the author's, the block holds the author's and wants the liker's. Before the fix the block took
no exclusive row lock and the two could not deadlock."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from posts.models import Like
from posts.services import post_like
from social.models import Block
from social.services import block_create
from tests.factories import PostFactory, UserFactory
from tests.threads import in_thread
from users.models import CustomUser


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (IMMEDIATE transactions): no row locks, no deadlock",
)
@pytest.mark.django_db(transaction=True)
def test_a_like_racing_the_authors_block_does_not_deadlock():
    """Expected: a like, a block of the liker by the post's author and the liker's login that
    overlap are serialised; all three complete.

    Actual (PostgreSQL pass): "deadlock detected"; PostgreSQL aborts the like or the block (a
    500 for that user). SQLite serialises writers with IMMEDIATE transactions, so this test
    runs (and fails) only in the PostgreSQL pass. Fix: lock with
    select_for_update(no_key=True) (FOR NO KEY UPDATE does not conflict with FOR KEY SHARE;
    two _lock_pair calls still exclude each other), or lock a row no foreign key points at.
    """
    author = UserFactory()  # lower id: block_create locks the author's row first
    liker = UserFactory()
    post = PostFactory(author=author, body="hello")
    errors: list[BaseException] = []
    login_locked, liked, go_commit, end_login = (threading.Event() for _ in range(4))

    def login() -> None:  # what django.contrib.auth.login does: update last_login
        with transaction.atomic():
            CustomUser.objects.filter(pk=liker.pk).update(last_login=timezone.now())
            login_locked.set()
            end_login.wait(timeout=20)

    def like() -> None:  # the request's transaction commits just after the service returns
        with transaction.atomic():
            post_like(user=liker, post=post)
            liked.set()
            go_commit.wait(timeout=20)

    def block() -> None:
        block_create(blocker=author, blocked=liker)

    threads = [in_thread(login, errors, errors)]
    login_locked.wait(timeout=20)
    threads.append(in_thread(like, errors, errors))
    liked.wait(timeout=20)
    threads.append(in_thread(block, errors, errors))
    time.sleep(0.5)  # the block holds the author's row and waits for the liker's
    go_commit.set()
    time.sleep(0.5)  # the like's commit-time key checks: the liker's row, then the author's
    end_login.set()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [], f"overlapping like/block/login failed: {errors!r}"
    assert Block.objects.filter(blocker=author, blocked=liker).exists()
    assert Like.objects.filter(user=liker, post=post).exists()
