"""Quote posts: who may quote what, telling the quoted author, and their detaching it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from notifications.models import Kind
from notifications.services import notification_create, notification_delete
from posts.models import OPEN_VISIBILITIES, Post
from posts.services.access import hold, post_is_visible_to
from social.models import Follow
from users.models import CustomUser, QuotePolicy


def quote_refusal(*, user: CustomUser, post: Post) -> str | None:
    """Return why user may not quote post (a repost stands for its original), or None.

    The post must be visible to user, public or unlisted, and its author's quote policy must
    let user quote it (everyone; their followers; nobody but the author themself).
    """
    original = post.repost_of if post.repost_of_id is not None else post
    assert original is not None
    if not post_is_visible_to(post=original, user=user):
        return gettext("You cannot quote this post.")
    if original.visibility not in OPEN_VISIBILITIES:
        return gettext("Only public and unlisted posts can be quoted.")
    author = original.author
    if author.pk == user.pk:
        return None
    if author.quote_policy == QuotePolicy.NOBODY:
        return gettext("@%(name)s does not allow quotes of their posts.") % {
            "name": author.username
        }
    follows = Follow.objects.filter(follower=user, followee=author)
    if author.quote_policy == QuotePolicy.FOLLOWERS and not follows.exists():
        return gettext("Only @%(name)s's followers can quote their posts.") % {
            "name": author.username
        }
    return None


def check_quotable(*, user: CustomUser, post: Post) -> Post:
    """Return the post a quote of post points at (a repost's original), or raise
    PermissionDenied; hold it until commit, so its deletion waits for the quote."""
    refusal = quote_refusal(user=user, post=post)
    if refusal is not None:
        raise PermissionDenied(refusal)
    original = post.repost_of if post.repost_of_id is not None else post
    assert original is not None
    hold(original)
    return original


def quote_created(post: Post) -> None:
    """Tell the quoted author (post_create calls this for a new quote)."""
    if post.quote_of is not None:
        notification_create(
            recipient=post.quote_of.author, actor=post.author, kind=Kind.QUOTE, post=post
        )


@transaction.atomic
def quote_detach(*, user: CustomUser, quote: Post) -> Post:
    """Detach user's post from quote: the quote then shows "Post unavailable" in its place.

    Only the quoted post's author may; the notification the quote sent them goes too.
    """
    quoted = quote.quote_of
    if quoted is None or quoted.author_id != user.pk:
        raise PermissionDenied(gettext("Only the author of the quoted post can detach it."))
    Post.objects.filter(pk=quote.pk).update(quote_of=None)
    quote.quote_of = None
    notification_delete(recipient=user, actor=quote.author, kind=Kind.QUOTE, post=quote)
    return quote
