"""Run a write on a connection of its own, as a second request would, for the race tests."""

import threading
from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from posts.models import Poll, Post

# A clean refusal (a 403, 400 or 404 page) is a fine outcome of a race; anything else is a 500.
REFUSALS = (PermissionDenied, ValidationError, Post.DoesNotExist, Poll.DoesNotExist)


def in_thread(
    target: Callable[[], object], errors: list[BaseException], refused: list[BaseException]
) -> threading.Thread:
    """Start target in a thread with its own connection; a refusal goes to refused, any other
    exception to errors (for the test's assertions)."""

    def run() -> None:
        try:
            target()
        except REFUSALS as error:
            refused.append(error)
        except BaseException as error:  # reported by the caller's assertions
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(*actions: Callable[[], object]) -> list[BaseException]:
    """Run the actions in threads released together by a barrier, each on its own connection;
    return what they raised but a PermissionDenied (the refusal these races expect)."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []
    refused: list[BaseException] = []
    threads = [
        in_thread(partial(_released, barrier, action), errors, refused) for action in actions
    ]
    for thread in threads:
        thread.join(timeout=60)
    return errors + [error for error in refused if not isinstance(error, PermissionDenied)]


def _released(barrier: threading.Barrier, action: Callable[[], object]) -> None:
    barrier.wait(timeout=10)
    action()
