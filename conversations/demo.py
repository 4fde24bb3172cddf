"""What `manage.py seed_demo` adds for direct messages (settings.MSG_SEED_DEMO_STEPS names it:
the command lives in timelines, below conversations, so it cannot import this)."""

from conversations.services import conversation_mark_read, message_send
from users.models import CustomUser


def seed_messages(*, users: list[CustomUser]) -> None:
    """Give the demo login a read conversation, an unread one and a group conversation."""
    me, *others = users
    if len(others) < 3:
        return
    first = message_send(
        author=others[0], body="Are you coming to the meetup on Thursday?", recipients=[me]
    )
    mine = message_send(author=me, body="Yes! I'll bring the slides.", in_reply_to=first)
    conversation_mark_read(user=me, thread=first.pk, up_to=mine.pk)
    group = message_send(
        author=me, body="Shall we review the talk together?", recipients=others[1:3]
    )
    message_send(author=others[1], body="Happy to. Tomorrow at ten?", in_reply_to=group)
    message_send(author=others[2], body="Could you read my draft first?", recipients=[me])
