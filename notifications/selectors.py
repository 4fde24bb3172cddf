"""Reads for notifications, shared by the page, the nav badge and the API."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from notifications.models import Notification
from posts.selectors import muted_phrase, visible_to
from social.models import FilterContext
from social.selectors import hidden_author_ids
from users.models import CustomUser


def for_user(user: CustomUser) -> QuerySet[Notification]:
    """user's notifications, newest first: none from blocked, muted or deactivated accounts, and
    none about a post user may no longer see (a followers-only post after an unfollow, say)."""
    # EXISTS per notification (a primary-key probe), not post IN (every visible post): the
    # latter had the database list every post the reader may see, on every page view.
    visible = visible_to(user, include_mutes=False).filter(pk=OuterRef("post_id"))
    qs = Notification.objects.filter(recipient=user).filter(Q(post__isnull=True) | Exists(visible))
    for hidden in hidden_author_ids(user):
        qs = qs.exclude(actor__in=hidden)
    return qs.filter(actor__is_active=True).select_related("actor", "post__author")


def for_page(user: CustomUser) -> QuerySet[Notification]:
    """for_user, each with `filtered`: the phrase of user's muted word (for notifications) that
    its post matches, or None; the page collapses those."""
    return for_user(user).annotate(
        filtered=muted_phrase(user, FilterContext.NOTIFICATIONS, prefix="post__")
    )


def unread_notifications(user: CustomUser) -> QuerySet[Notification]:
    """user's unread notifications (count() them for the nav badge)."""
    return for_user(user).filter(read_at__isnull=True)


def unread_count(user: CustomUser) -> int:
    return unread_notifications(user).count()
