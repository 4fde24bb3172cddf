"""Run a write on a connection of its own, as a second request would, for the race tests."""

import threading
from collections.abc import Callable

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
