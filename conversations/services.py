"""Writes for direct messages: sending one (a direct post) and remembering what was read."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from conversations.models import ConversationRead
from posts.models import Post, Visibility
from posts.services import post_create
from posts.text import parse
from users.models import CustomUser


@transaction.atomic
def message_send(
    *,
    author: CustomUser,
    body: str,
    recipients: Sequence[CustomUser] = (),
    in_reply_to: Post | None = None,
) -> Post:
    """Send a direct message to recipients, or reply within a conversation (in_reply_to).

    The message is a direct post that mentions its recipients (and anyone else its text
    mentions, as in Mastodon): posts.services.post_create
    refuses anyone blocked either way, and a reply reaches the conversation's participants.
    """
    if in_reply_to is None and not recipients:
        raise ValidationError({"recipients": _("Choose at least one person to write to.")})
    # Whoever the text already mentions is addressed by it; the rest are named up front.
    mentioned = {name.lower() for name in parse(body).mentions}
    named = " ".join(
        f"@{user.username}" for user in recipients if user.username.lower() not in mentioned
    )
    text = f"{named} {body}".strip() if named else body
    return post_create(
        author=author, body=text, in_reply_to=in_reply_to, visibility=Visibility.DIRECT
    )


def conversation_mark_read(*, user: CustomUser, thread: int, up_to: int) -> None:
    """Remember that user has read conversation thread up to message up_to (never backwards)."""
    marks = ConversationRead.objects.filter(user=user, root_id=thread)
    if marks.update(last_read_id=Greatest(F("last_read_id"), up_to)):
        return
    try:
        with transaction.atomic():
            ConversationRead.objects.create(user=user, root_id=thread, last_read_id=up_to)
    except IntegrityError:
        # Another tab marked it at the same moment.
        marks.update(last_read_id=Greatest(F("last_read_id"), up_to))
