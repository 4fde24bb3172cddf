"""Reads of direct messages, shared by the HTML pages and the API.

A direct message is a post with visibility "direct", seen only by its author and the accounts
it mentions (posts.selectors.visible_to). A conversation is a chain of direct replies: its key is
its first message (Post.conversation, or the message itself when it starts the conversation; a
direct reply to a public post starts one of its own). The list shows
each conversation once, by its newest message that the reader may see.
"""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce

from conversations.models import ConversationRead
from posts.models import Post, Visibility
from posts.selectors import cards, visible_to
from users.models import CustomUser

THREAD = Coalesce(F("conversation_id"), F("id"), output_field=IntegerField())


def direct_messages(viewer: CustomUser) -> QuerySet[Post]:
    """Direct posts viewer may see (sent by them or addressed to them)."""
    return visible_to(viewer, include_mutes=False).filter(visibility=Visibility.DIRECT)


def _unread(viewer: CustomUser) -> Q:
    """Whether a conversation's newest message (the row) is unread by viewer."""
    seen = ConversationRead.objects.filter(
        user=viewer, root_id=OuterRef("thread"), last_read_id__gte=OuterRef("pk")
    )
    return ~Q(author=viewer) & ~Q(Exists(seen))


def _newest_per_thread(viewer: CustomUser) -> QuerySet[Post]:
    newest = (
        direct_messages(viewer)
        .annotate(thread=THREAD)
        .order_by()
        .values("thread")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    return Post.objects.filter(pk__in=newest).annotate(thread=THREAD)


def conversations(viewer: CustomUser) -> QuerySet[Post]:
    """Each conversation of viewer once, as its newest message (a card), newest activity first.

    Every row carries `thread` (the conversation's id), `unread`, and `mentions` prefetched,
    so that the participants are its author and mentions but viewer.
    """
    participants = Prefetch("mentions", queryset=CustomUser.objects.order_by("username"))
    qs = _newest_per_thread(viewer).annotate(
        unread=ExpressionWrapper(_unread(viewer), output_field=BooleanField())
    )
    return cards(qs, viewer).prefetch_related(participants)


def unread_conversations(viewer: CustomUser) -> QuerySet[Post]:
    """Return the conversations with a message viewer has not read (count() for the badge)."""
    return _newest_per_thread(viewer).filter(_unread(viewer))


def conversation(viewer: CustomUser, thread: int) -> QuerySet[Post]:
    """Return the messages of one conversation viewer may see, oldest first, as cards."""
    first = Q(pk=thread, conversation__isnull=True)
    qs = direct_messages(viewer).filter(first | Q(conversation_id=thread))
    participants = Prefetch("mentions", queryset=CustomUser.objects.order_by("username"))
    return cards(qs, viewer).prefetch_related(participants).order_by("id")


def read_up_to(viewer: CustomUser, thread: int) -> int | None:
    """Return the newest message of conversation thread that viewer has read, if any."""
    marks = ConversationRead.objects.filter(user=viewer, root_id=thread)
    return marks.values_list("last_read_id", flat=True).first()


def conversation_key(viewer: CustomUser, message: int) -> int | None:
    """Return the key (first message) of the conversation holding message, if viewer may see
    it: any message's address leads to its whole conversation."""
    row = direct_messages(viewer).filter(pk=message).values_list("conversation_id", "pk").first()
    return None if row is None else row[0] or row[1]


def conversation_row(viewer: CustomUser, thread: int) -> QuerySet[Post]:
    """Return conversation thread as conversations() lists it (its newest message viewer may
    see, with `thread` and `unread`): none if viewer is not in it."""
    key = Q(conversation_id=thread) | Q(conversation__isnull=True, pk=thread)
    return conversations(viewer).filter(key)
