"""Direct messages: who sees them, the conversation list with its unread marks, a conversation
with its reply form, the nav badge, and the query counts of both pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conversations import selectors
from conversations.services import conversation_mark_read, message_send
from msg_project.context_processors import Badges
from posts.models import Post, Visibility
from posts.services import post_create
from social.services import block_create, follow_create
from tests.factories import UserFactory
from timelines import selectors as timelines

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    return UserFactory(username="ada")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


@pytest.fixture
def eve():
    return UserFactory(username="eve")


def visible(viewer, post) -> bool:
    return selectors.direct_messages(viewer).filter(pk=post.pk).exists()


def test_a_message_is_seen_by_its_author_and_recipients_only(ada, bob, eve):
    follow_create(follower=eve, followee=ada)  # a follower of the sender sees nothing
    message = message_send(author=ada, body="hi", recipients=[bob])
    assert message.visibility == Visibility.DIRECT
    assert message.body == "@bob hi"
    assert visible(ada, message) and visible(bob, message)
    assert not visible(eve, message)


def test_a_reply_reaches_every_participant_without_naming_them(ada, bob, eve):
    first = message_send(author=ada, body="hello both", recipients=[bob, eve])
    reply = message_send(author=bob, body="hi!", in_reply_to=first)
    assert reply.visibility == Visibility.DIRECT
    assert reply.root_id == first.pk
    assert {u.username for u in reply.mentions.all()} == {"ada", "eve"}
    for person in (ada, bob, eve):
        assert visible(person, reply)


def test_nobody_can_message_someone_who_blocked_them(ada, bob):
    block_create(blocker=bob, blocked=ada)
    with pytest.raises(PermissionDenied):
        message_send(author=ada, body="hi", recipients=[bob])
    assert not Post.objects.filter(author=ada).exists()


def test_nor_someone_they_blocked(ada, bob):
    block_create(blocker=ada, blocked=bob)
    with pytest.raises(PermissionDenied):
        message_send(author=ada, body="hi", recipients=[bob])


def test_a_blocker_leaves_a_group_conversation_silently(ada, bob, eve):
    first = message_send(author=ada, body="group", recipients=[bob, eve])
    block_create(blocker=eve, blocked=bob)
    reply = message_send(author=bob, body="still here", in_reply_to=first)
    assert not visible(eve, reply)
    assert visible(ada, reply)


def test_a_message_needs_a_recipient(ada):
    with pytest.raises(ValidationError):
        message_send(author=ada, body="to nobody")


def test_a_direct_post_must_mention_someone_to_reach_anyone(ada, bob):
    post = post_create(author=ada, body="nobody named", visibility=Visibility.DIRECT)
    assert visible(ada, post) and not visible(bob, post)


def test_direct_messages_are_never_listed_in_timelines(ada, bob):
    follow_create(follower=bob, followee=ada)
    follow_create(follower=ada, followee=bob)
    message = post_create(author=ada, body="secret #hush @bob", visibility=Visibility.DIRECT)
    for viewer in (ada, bob):
        assert message not in timelines.home(viewer)
        assert message not in timelines.profile(viewer, ada)
        assert message not in timelines.profile(viewer, ada, with_comments=True)
        assert message not in timelines.explore(viewer)
        tag = message.tags.get()
        assert message not in timelines.tag(viewer, tag)


def test_conversations_list_newest_activity_first_once_each(ada, bob, eve):
    old = message_send(author=ada, body="old", recipients=[bob])
    newer = message_send(author=eve, body="newer", recipients=[bob])
    reply = message_send(author=ada, body="reply to old", in_reply_to=old)
    rows = list(selectors.conversations(bob))
    assert [row.pk for row in rows] == [reply.pk, newer.pk]
    assert [row.thread for row in rows] == [old.pk, newer.pk]


def test_unread_until_opened_and_own_messages_are_read(ada, bob):
    message = message_send(author=ada, body="hi", recipients=[bob])
    assert selectors.conversations(bob).get().unread
    assert not selectors.conversations(ada).get().unread
    assert selectors.unread_conversations(bob).count() == 1
    conversation_mark_read(user=bob, thread=message.pk, up_to=message.pk)
    assert not selectors.conversations(bob).get().unread
    answer = message_send(author=ada, body="again", in_reply_to=message)
    assert selectors.unread_conversations(bob).count() == 1
    conversation_mark_read(user=bob, thread=message.pk, up_to=message.pk)  # an older tab
    assert selectors.unread_conversations(bob).count() == 1
    conversation_mark_read(user=bob, thread=message.pk, up_to=answer.pk)
    assert selectors.unread_conversations(bob).count() == 0


def test_the_nav_badge_counts_unread_conversations_in_the_same_query(
    ada, bob, eve, commits, django_assert_num_queries
):
    message_send(author=ada, body="one", recipients=[bob])
    message_send(author=ada, body="two", recipients=[bob, eve])
    badges = Badges(bob)
    with django_assert_num_queries(1):
        assert badges.counts == (2, 2)  # two mention notifications, two conversations


def test_messages_page_lists_conversations_with_unread_mark(client, ada, bob):
    message_send(author=ada, body="hello there", recipients=[bob])
    client.force_login(bob)
    response = client.get(reverse("conversations"))
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<article class="conversation unread">(.*?)</article>', html, re.S)
    assert row is not None  # the row itself is marked, not only the nav badge
    assert "hello there" in row.group(1) and "@ada" in row.group(1)
    assert 'id="nav-messages"' in html


def test_messages_page_empty_state(client, ada):
    client.force_login(ada)
    assert "No messages yet" in client.get(reverse("conversations")).content.decode()


def test_opening_a_conversation_marks_it_read(client, ada, bob):
    message = message_send(author=ada, body="quokkas are small", recipients=[bob])
    client.force_login(bob)
    response = client.get(reverse("conversation", args=[message.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="post-{message.pk}"' in html and "quokkas are small" in html
    assert selectors.unread_conversations(bob).count() == 0


def test_a_stranger_gets_a_404(client, ada, bob, eve):
    message = message_send(author=ada, body="hi", recipients=[bob])
    client.force_login(eve)
    assert client.get(reverse("conversation", args=[message.pk])).status_code == 404
    response = client.post(reverse("conversation", args=[message.pk]), {"body": "let me in"})
    assert response.status_code == 404
    assert not Post.objects.filter(author=eve).exists()


def test_a_public_post_is_not_a_conversation(client, ada):
    post = post_create(author=ada, body="public")
    client.force_login(ada)
    assert client.get(reverse("conversation", args=[post.pk])).status_code == 404


def test_replying_plain_and_with_htmx(client, ada, bob):
    message = message_send(author=ada, body="hi", recipients=[bob])
    client.force_login(bob)
    url = reverse("conversation", args=[message.pk])
    response = client.post(url, {"body": "plain reply"})
    assert response.status_code == 302
    reply = Post.objects.get(body__endswith="plain reply")
    assert response["Location"].endswith(f"#post-{reply.pk}")
    assert reply.visibility == Visibility.DIRECT and reply.root_id == message.pk
    response = client.post(url, {"body": "htmx reply"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "htmx reply" in response.content.decode()
    assert 'hx-swap-oob="beforeend:#messages"' in response.content.decode()


def test_an_empty_reply_is_refused_and_keeps_nothing(client, ada, bob):
    message = message_send(author=ada, body="hi", recipients=[bob])
    client.force_login(bob)
    url = reverse("conversation", args=[message.pk])
    assert client.post(url, {"body": "  "}).status_code == 400
    response = client.post(url, {"body": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert Post.objects.count() == 1


def test_a_new_message_form(client, ada, bob):
    client.force_login(ada)
    page = client.get(reverse("conversation_new") + "?to=bob")
    assert page.status_code == 200 and 'value="@bob"' in page.content.decode()
    response = client.post(reverse("conversation_new"), {"to": "@Bob, ", "body": "hello"})
    message = Post.objects.get(author=ada)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversation", args=[message.pk])
    assert list(message.mentions.all()) == [bob]


@pytest.mark.parametrize(
    ("to", "error"),
    [
        ("", "This field is required"),
        ("@nobody", "No account is called @nobody"),
        ("@ada", "only to yourself"),
        ("@", "at least one person"),
    ],
)
def test_new_message_errors(client, ada, to, error):
    client.force_login(ada)
    response = client.post(reverse("conversation_new"), {"to": to, "body": "hello"})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Post.objects.exists()


def test_a_new_message_to_a_blocker_is_refused_on_the_form(client, ada, bob):
    block_create(blocker=bob, blocked=ada)
    client.force_login(ada)
    response = client.post(reverse("conversation_new"), {"to": "bob", "body": "hello"})
    assert response.status_code == 400
    assert "You cannot send a message to @bob" in response.content.decode()
    assert not Post.objects.exists()


LIST_QUERIES = 6
# The conversation key of the address (a later message redirects to its first), then the page.
CONVERSATION_QUERIES = 11


@pytest.mark.parametrize("n", [1, 40])
def test_messages_page_query_count_is_flat(client, ada, django_assert_num_queries, n):
    people = UserFactory.create_batch(n)
    for person in people:
        message_send(author=person, body="hi", recipients=[ada])
    client.force_login(ada)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("conversations"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 40])
def test_conversation_query_count_is_flat(client, ada, bob, django_assert_num_queries, n):
    message = message_send(author=ada, body="start", recipients=[bob])
    for i in range(n):
        message_send(author=bob if i % 2 else ada, body=f"m{i}", in_reply_to=message)
    client.force_login(bob)
    with django_assert_num_queries(CONVERSATION_QUERIES):
        response = client.get(reverse("conversation", args=[message.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "mail me at alice@bob.example",  # an address that contains "@bob"
        "ask @bobby about it",  # another account whose name starts with "bob"
        "hi @BOB",  # named in the text already, in another case
    ],
)
def test_a_new_message_reaches_the_person_in_the_to_field(client, ada, bob, body):
    """Whoever the To field names receives the message, whatever the text holds."""
    UserFactory(username="bobby")
    client.force_login(ada)
    response = client.post(reverse("conversation_new"), {"to": "bob", "body": body})
    assert response.status_code == 302
    message = Post.objects.get(author=ada)
    assert visible(bob, message)
    assert message.body.count("@bob ") + message.body.count("@BOB") == 1


def test_a_conversation_address_with_a_huge_id_is_a_404(ada, bob):
    """An id longer than any 64-bit key is a 404 (the id converter takes at most 18 digits),
    never an overflow in the SQLite driver: GET, htmx and POST alike."""
    message_send(author=bob, body="hello", recipients=[ada])
    client = Client(raise_request_exception=False)
    client.force_login(ada)
    for url in (f"/messages/{2**63}/", "/messages/999999999999999999999/"):
        answers = [
            client.get(url).status_code,
            client.get(url, headers={"HX-Request": "true"}).status_code,
            client.post(url, {"body": "a reply"}).status_code,
        ]
        assert answers == [404, 404, 404]


def test_a_to_parameter_no_username_could_be_is_ignored(ada):
    """?to= is what a profile's Message link fills in: a value no account could have (a NUL,
    which PostgreSQL cannot even compare) leaves the field empty instead of failing."""
    client = Client(raise_request_exception=False)
    client.force_login(ada)
    response = client.get("/messages/new/?to=a%00b")
    assert response.status_code == 200
    assert 'value="@a' not in response.content.decode()


def test_a_long_conversation_opens_on_its_newest_messages_and_is_read(client, settings, ada, bob):
    """A conversation longer than a page opens on its newest page (oldest first within it),
    so the message that made it unread is shown and the conversation is read; "Show earlier
    messages" goes back, in place with htmx or as a plain link."""
    settings.MSG_COMMENTS_PAGE_SIZE = 3
    message = message_send(author=bob, body="message 0", recipients=[ada])
    for n in range(1, 6):
        message = message_send(
            author=bob if n % 2 == 0 else ada, body=f"message {n}", in_reply_to=message
        )
    newest = message_send(author=bob, body="the newest one", in_reply_to=message)
    client.force_login(ada)
    url = reverse("conversation", args=[newest.root_id])
    page = client.get(url).content.decode()
    assert "the newest one" in page and "message 0" not in page
    assert page.index("message 4") < page.index("message 5") < page.index("the newest one")
    assert selectors.unread_conversations(ada).count() == 0
    earlier = re.search(r'href="\?max_id=(\d+)"', page)
    assert earlier is not None
    older = client.get(f"{url}?max_id={earlier.group(1)}", headers={"HX-Request": "true"})
    html = older.content.decode()
    assert "message 1" in html and "message 3" in html and "the newest one" not in html
    assert "<html" not in html  # only the partial
    oldest = client.get(f"{url}?max_id={newest.root_id + 2}").content.decode()
    assert "message 0" in oldest and "Back to the newest messages" in oldest


def test_direct_replies_under_one_public_post_are_separate_conversations(client):
    """A direct reply to a public post starts a conversation of its own (Post.conversation),
    so two of them under the same post are never mixed: answering one reaches its people."""
    p, b, c, d = (UserFactory() for _ in range(4))
    public = post_create(author=p, body="a public post")
    from_b = post_create(
        author=b, body=f"@{c.username} from b", in_reply_to=public, visibility=Visibility.DIRECT
    )
    from_d = post_create(
        author=d, body=f"@{c.username} from d", in_reply_to=public, visibility=Visibility.DIRECT
    )
    assert sorted(row.thread for row in selectors.conversations(c)) == [from_b.pk, from_d.pk]
    client.force_login(c)
    page = client.get(reverse("conversation", args=[from_b.pk])).content.decode()
    assert "from b" in page and "from d" not in page
    client.post(reverse("conversation", args=[from_b.pk]), {"body": "answer to b"})
    answer = Post.objects.get(author=c)
    assert answer.conversation_id == from_b.pk
    assert set(answer.mentions.values_list("username", flat=True)) == {b.username}


@pytest.mark.parametrize("sends_seen", [True, False])
def test_an_htmx_reply_shows_messages_that_came_since_the_page_loaded(client, ada, bob, sends_seen):
    """The htmx answer to a reply appends every message that arrived since the page showed its
    newest (the form's `seen`, else what the reader last read), so marking the conversation
    read never hides a message its reader did not see."""
    first = message_send(author=bob, body="hello", recipients=[ada])
    client.force_login(ada)
    url = reverse("conversation", args=[first.pk])
    page = client.get(url).content.decode()
    assert f'name="seen" value="{first.pk}"' in page
    message_send(author=bob, body="LATE NEWS", in_reply_to=first)  # after the page loaded
    data = {"body": "ok", **({"seen": str(first.pk)} if sends_seen else {})}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("LATE NEWS") < html.index("ok</")
    assert "hello" not in html  # what the page already showed is not appended twice
