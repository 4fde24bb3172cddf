"""Mastodon.py 2.3.3, as a new user of it would use it, drives msg on a live server.

The client runs in its strictest version mode ("changed": every call checks the version the
instance reports), raises on a 429 instead of sleeping, and any warning is an error. Every
entity it receives is checked against Mastodon.py's own model of that entity (clients.Recorder):
a field the model says is always there may not be missing or null.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonIllegalArgumentError,
    MastodonNotFoundError,
    MastodonUnauthorizedError,
)
from oauth2_provider.models import get_access_token_model, get_application_model

from lists.models import List
from notifications.models import Notification
from posts.models import Bookmark, Like, Poll, PollVote, Post, PostImage
from social.models import Follow, MutedWord
from tests.api.clients import (
    OOB,
    Recorder,
    authorization_code,
    close_connections_after_each_request,
    mastodon,
    png,
    submit,
)
from tests.api.conftest import make_token
from tests.factories import PASSWORD, PostFactory, UserFactory

pytestmark = [pytest.mark.live, pytest.mark.filterwarnings("error")]

SCOPES = ["read", "write", "follow", "push"]
CALLBACK = "https://client.example/callback"


@pytest.fixture(autouse=True)
def _connections_closed(monkeypatch):
    close_connections_after_each_request(monkeypatch)


@pytest.fixture
def recorder():
    """Collects missing fields over the test; the test fails at its end if there are any."""
    found = Recorder()
    yield found
    assert not found.problems, "entities lack fields Mastodon.py expects:\n" + found.report()


@pytest.fixture
def client_for(live_server, recorder):
    """Return a function: client_for(user) gives a watched Mastodon.py client with a token."""

    def build(user) -> Mastodon:
        client = mastodon(live_server.url, make_token(user))
        assert (client.mastodon_major, client.mastodon_minor, client.mastodon_patch) == (4, 7, 0)
        return recorder.watch(client)

    return build


def api_status(error: MastodonAPIError) -> int:
    return error.args[1]


# -- logging in --------------------------------------------------------------------------------


def test_authorization_code_flow_through_the_consent_page_then_revoke(live_server, recorder):
    """create_app, the consent page (oob and a real redirect), log_in with the code, revoke."""
    member = UserFactory()
    client_id, client_secret = Mastodon.create_app(
        "Acceptance client",
        scopes=SCOPES,
        redirect_uris=[OOB, CALLBACK],
        website="https://client.example",
        api_base_url=live_server.url,
    )
    app = get_application_model().objects.get(client_id=client_id)
    assert app.name == "Acceptance client"
    client = recorder.watch(
        mastodon(live_server.url, client_id=client_id, client_secret=client_secret)
    )
    # The instance is what Mastodon.py checks every call against.
    assert client.retrieve_mastodon_version(fail_hard=True).startswith("4.7.0")

    # Out of band: the consent page (after the site's login page) shows the code.
    url = client.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    code, browser, consent = authorization_code(url, member.username, PASSWORD)
    assert "Acceptance client" in consent.text
    assert "Deny" in consent.text
    token = client.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    me = client.account_verify_credentials()
    assert me.id == str(member.pk)
    assert me.username == member.username
    assert me.source.note == member.bio
    assert client.app_verify_credentials().name == "Acceptance client"
    # A code is single use.
    with pytest.raises(MastodonIllegalArgumentError):
        mastodon(live_server.url, client_id=client_id, client_secret=client_secret).log_in(
            code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True
        )

    # A real redirect URI: the code comes back in the Location header (same browser session).
    url = client.auth_request_url(
        redirect_uris=CALLBACK, scopes=SCOPES, state="xyz-state", allow_http=True
    )
    page = browser.get(url, timeout=30)
    answer = submit(browser, page, "Authorize", allow_redirects=False)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-state"]
    second = mastodon(live_server.url, client_id=client_id, client_secret=client_secret)
    second.log_in(code=query["code"][0], redirect_uri=CALLBACK, scopes=SCOPES, allow_http=True)
    assert second.account_verify_credentials().id == str(member.pk)

    # Deny: back to the client with an error, and no token.
    tokens = get_access_token_model().objects.count()
    page = browser.get(url, timeout=30)
    answer = submit(browser, page, "Deny", allow_redirects=False)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["access_denied"]
    assert get_access_token_model().objects.count() == tokens

    # Revoke: the token is refused with a 401 at once; the other token still works.
    client.revoke_access_token(allow_http=True)
    revoked = mastodon(live_server.url, token)
    with pytest.raises(MastodonUnauthorizedError):
        revoked.account_verify_credentials()
    assert second.account_verify_credentials().id == str(member.pk)


def test_password_grant(live_server, recorder):
    """log_in(username=email, password=...) as Mastodon.py (and toot) do it."""
    member = UserFactory()
    client_id, client_secret = Mastodon.create_app(
        "Password client", scopes=SCOPES, api_base_url=live_server.url
    )
    client = mastodon(live_server.url, client_id=client_id, client_secret=client_secret)
    client.log_in(username=member.email, password=PASSWORD, scopes=SCOPES, allow_http=True)
    assert recorder.watch(client).account_verify_credentials().id == str(member.pk)
    with pytest.raises(MastodonIllegalArgumentError):
        mastodon(live_server.url, client_id=client_id, client_secret=client_secret).log_in(
            username=member.email, password="wrong-password", scopes=SCOPES, allow_http=True
        )


# -- statuses ---------------------------------------------------------------------------------


def test_posting_with_every_feature(live_server, client_for):
    """Text, CW, sensitive, each visibility, reply, media, poll, quote; edit, history, source,
    context, favourite, reblog, bookmark, pin, delete; a too-long status is a 422."""
    alice, bob = UserFactory(), UserFactory()
    a, b = client_for(alice), client_for(bob)
    b.account_follow(alice.pk)

    first = a.status_post(f"Hello #acceptance @{bob.username}", language="en")
    post = Post.objects.get(pk=first.id)
    assert post.author == alice
    assert post.body == f"Hello #acceptance @{bob.username}"
    assert [t.name for t in first.tags] == ["acceptance"]
    assert [m.id for m in first.mentions] == [str(bob.pk)]
    assert first.visibility == "public"

    warned = a.status_post("Spoiler inside", spoiler_text="Film plot", sensitive=True)
    assert (warned.spoiler_text, warned.sensitive) == ("Film plot", True)
    row = Post.objects.get(pk=warned.id)
    assert (row.spoiler_text, row.sensitive) == ("Film plot", True)

    for mastodon_name, msg_name in [
        ("private", "followers"),
        ("unlisted", "unlisted"),
        ("direct", "direct"),
    ]:
        text = f"To @{bob.username}: {mastodon_name}"
        status = a.status_post(text, visibility=mastodon_name)
        assert status.visibility == mastodon_name
        assert Post.objects.get(pk=status.id).visibility == msg_name

    reply = b.status_post(f"@{alice.username} a reply", in_reply_to_id=first.id)
    assert reply.in_reply_to_id == first.id
    assert reply.in_reply_to_account_id == str(alice.pk)
    assert Post.objects.get(pk=reply.id).in_reply_to_id == post.pk

    media = a.media_post(
        png(), mime_type="image/png", description="A red square", file_name="r.png"
    )
    assert media.type == "image"
    assert media.description == "A red square"
    with_image = a.status_post("A picture", media_ids=[media.id])
    assert [m.id for m in with_image.media_attachments] == [media.id]
    image = PostImage.objects.get(pk=media.id)
    assert (image.post_id, image.alt_text) == (int(with_image.id), "A red square")
    assert requests.get(with_image.media_attachments[0].url, timeout=30).status_code == 200

    asked = a.status_post("Tea or coffee?", poll=a.make_poll(["Tea", "Coffee"], expires_in=3600))
    assert [o.title for o in asked.poll.options] == ["Tea", "Coffee"]
    assert Poll.objects.get(post_id=asked.id).options.count() == 2
    voted = b.poll_vote(asked.poll.id, [1])
    assert (voted.voted, voted.own_votes, voted.votes_count) == (True, [1], 1)
    assert PollVote.objects.get(poll__post_id=asked.id).user == bob

    quoting = b.status_post("Worth a read", quoted_status_id=first.id)
    assert Post.objects.get(pk=quoting.id).quote_of_id == post.pk
    assert quoting.quote is not None
    assert quoting.quote.quoted_status.id == first.id

    # The same Idempotency-Key twice: one status.
    once = a.status_post("Sent twice by a flaky network", idempotency_key="key-123")
    again = a.status_post("Sent twice by a flaky network", idempotency_key="key-123")
    assert once.id == again.id
    assert Post.objects.filter(body="Sent twice by a flaky network").count() == 1

    # Media descriptions can change after the upload.
    described = a.media_post(png(), mime_type="image/png", file_name="later.png")
    assert a.media_update(described.id, description="Described later").description == (
        "Described later"
    )
    assert PostImage.objects.get(pk=described.id).alt_text == "Described later"

    # Too long: a 422 (not a 400), and nothing is stored.
    count = Post.objects.count()
    with pytest.raises(MastodonAPIError) as refused:
        a.status_post("x" * (settings.MSG_MAX_POST_LENGTH + 1))
    assert api_status(refused.value) == 422
    assert Post.objects.count() == count

    # Edit, then its history and source.
    edited = a.status_update(first.id, status=f"Hello again #acceptance @{bob.username}")
    assert edited.edited_at is not None
    assert Post.objects.get(pk=first.id).body == f"Hello again #acceptance @{bob.username}"
    history = a.status_history(first.id)
    assert len(history) == 2
    assert "Hello" in history[0].content and "again" not in history[0].content
    assert "Hello again" in history[-1].content
    source = a.status_source(first.id)
    assert source.text == f"Hello again #acceptance @{bob.username}"
    assert source.spoiler_text == ""

    context = a.status_context(first.id)
    assert reply.id in [s.id for s in context.descendants]
    assert [s.id for s in b.status_context(reply.id).ancestors] == [first.id]

    # Favourite, reblog (the wrapper), bookmark, pin.
    liked = b.status_favourite(first.id)
    assert (liked.favourited, liked.favourites_count) == (True, 1)
    assert Like.objects.filter(user=bob, post_id=first.id).exists()
    assert [acct.id for acct in a.status_favourited_by(first.id)] == [str(bob.pk)]
    assert b.status_unfavourite(first.id).favourited is False
    assert not Like.objects.filter(user=bob, post_id=first.id).exists()

    wrapper = b.status_reblog(first.id)
    assert wrapper.reblog.id == first.id
    assert wrapper.id != first.id
    assert wrapper.account.id == str(bob.pk)
    assert wrapper.reblog.reblogged is True
    assert Post.objects.get(pk=wrapper.id).repost_of_id == post.pk
    assert [acct.id for acct in a.status_reblogged_by(first.id)] == [str(bob.pk)]
    unreblogged = b.status_unreblog(first.id)
    assert unreblogged.id == first.id
    assert unreblogged.reblogged is False
    assert not Post.objects.filter(pk=wrapper.id).exists()

    assert a.status_bookmark(warned.id).bookmarked is True
    assert Bookmark.objects.filter(user=alice, post_id=warned.id).exists()
    assert [s.id for s in a.bookmarks()] == [warned.id]
    assert a.status_unbookmark(warned.id).bookmarked is False
    assert list(a.bookmarks()) == []

    assert a.status_pin(first.id).pinned is True
    assert [s.id for s in b.account_statuses(alice.pk, pinned=True)] == [first.id]
    assert a.status_unpin(first.id).pinned is False
    assert list(b.account_statuses(alice.pk, pinned=True)) == []

    # Delete returns the status with its text, and the status is gone.
    gone = a.status_delete(warned.id)
    assert gone.id == warned.id
    assert gone.text == "Spoiler inside"
    assert not Post.objects.filter(pk=warned.id).exists()
    with pytest.raises(MastodonNotFoundError):
        a.status(warned.id)


# -- timelines ----------------------------------------------------------------------------------


def walk(client: Mastodon, first_page) -> list[str]:
    """Every id of a timeline, page after page with fetch_next."""
    ids: list[str] = []
    page = first_page
    pages = 0
    while page:
        ids += [item.id for item in page]
        page = client.fetch_next(page)
        pages += 1
        assert pages < 100, "fetch_next never ends"
    return ids


def test_timelines_walked_to_the_end(live_server, client_for):
    """Home, public, hashtag, account and list timelines: every post once, newest first."""
    alice, bob, carol, stranger = (UserFactory() for _ in range(4))
    a, b, s = (client_for(u) for u in (alice, bob, stranger))
    a.account_follow(bob.pk)
    a.account_follow(carol.pk)
    # 45 posts (written through the services: posting through the API is tested above).
    authors = [alice, bob, carol, stranger]
    for n in range(45):
        PostFactory(
            author=authors[n % 4], body=f"Post number {n} #walk" if n % 3 == 0 else f"Post {n}"
        )
    # A followers-only post of bob's reaches alice's home; one of the stranger's reaches nobody.
    b.status_post("For my followers", visibility="private")
    s.status_post("Stranger's followers", visibility="private")

    def newest_first(qs) -> list[str]:
        return [str(pk) for pk in qs.order_by("-pk").values_list("pk", flat=True)]

    home = walk(a, a.timeline_home(limit=9))
    assert home == newest_first(Post.objects.filter(author__in=[alice, bob, carol]))
    public = walk(a, a.timeline_public(limit=12))
    assert public == newest_first(Post.objects.filter(visibility="public"))
    local = walk(a, a.timeline_local(limit=12))
    assert local == public
    tagged = walk(a, a.timeline_hashtag("walk", limit=6))
    assert tagged == newest_first(Post.objects.filter(visibility="public", body__contains="#walk"))
    assert len(tagged) == 15
    of_bob = walk(a, a.account_statuses(bob.pk, limit=5))
    assert of_bob == newest_first(Post.objects.filter(author=bob))

    # Newer than the first page: fetch_previous finds only what came after.
    top = a.timeline_home(limit=5)
    assert a.fetch_previous(top) in (None, [])
    newer = b.status_post("Fresh news")
    assert [st.id for st in a.fetch_previous(top)] == [newer.id]

    # Lists: only the members' posts.
    friends = a.list_create("Friends")
    assert List.objects.get(pk=friends.id).title == "Friends"
    a.list_accounts_add(friends.id, [carol.pk])
    assert [acct.id for acct in a.list_accounts(friends.id)] == [str(carol.pk)]
    listed = walk(a, a.timeline_list(friends.id, limit=6))
    assert listed == newest_first(Post.objects.filter(author=carol))
    a.list_delete(friends.id)
    assert not List.objects.filter(pk=friends.id).exists()

    # Markers.
    a.markers_set(["home"], [home[0]])
    markers = a.markers_get(["home"])
    assert markers["home"].last_read_id == home[0]


# -- people, notifications, search, filters, conversations -------------------------------------


def test_follows_notifications_search_filters_and_conversations(live_server, client_for):
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    a, b = client_for(alice), client_for(bob)

    # Follow, relationships, unfollow.
    relation = b.account_follow(alice.pk)
    assert relation.following is True
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    both = b.account_relationships([alice.pk, carol.pk])
    assert [(r.id, r.following) for r in both] == [(str(alice.pk), True), (str(carol.pk), False)]
    assert [acct.id for acct in a.account_followers(alice.pk)] == [str(bob.pk)]
    assert [acct.id for acct in a.account_following(bob.pk)] == [str(alice.pk)]

    # Notifications: bob follows (above), favourites and mentions alice.
    post = a.status_post("Something to like")
    b.status_favourite(post.id)
    mention = b.status_post(f"Hi @{alice.username}")
    notes = a.notifications()
    kinds = {n.type for n in notes}
    assert {"follow", "favourite", "mention"} <= kinds
    assert len(notes) == Notification.objects.filter(recipient=alice).count()
    only = a.notifications(types=["mention"])
    assert [(n.type, n.status.id) for n in only] == [("mention", mention.id)]
    assert "mention" not in {n.type for n in a.notifications(exclude_types=["mention"])}
    single = a.notifications(id=only[0].id)
    assert single.account.id == str(bob.pk)
    a.notifications_dismiss(only[0].id)
    assert not Notification.objects.filter(pk=only[0].id).exists()
    a.notifications_clear()
    assert not Notification.objects.filter(recipient=alice).exists()
    assert list(a.notifications()) == []

    # Profile, lookup, blocks and mutes.
    updated = a.account_update_credentials(display_name="Alice A.", note="Hello there")
    assert updated.display_name == "Alice A."
    assert updated.source.note == "Hello there"
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio) == ("Alice A.", "Hello there")
    assert b.account_lookup(alice.username).id == str(alice.pk)
    assert b.account(alice.pk).display_name == "Alice A."
    assert a.account_mute(carol.pk).muting is True
    assert [acct.id for acct in a.mutes()] == [str(carol.pk)]
    assert a.account_unmute(carol.pk).muting is False
    assert a.account_block(carol.pk).blocking is True
    assert [acct.id for acct in a.blocks()] == [str(carol.pk)]
    assert a.account_unblock(carol.pk).blocking is False
    assert list(a.blocks()) == []

    # Search.
    a.status_post("Looking for the searchable marmalade #breakfast")
    found = b.search_v2(alice.username, resolve=False)
    assert str(alice.pk) in [acct.id for acct in found.accounts]
    found = b.search_v2("marmalade", result_type="statuses", resolve=False)
    assert [st.content for st in found.statuses] and "marmalade" in found.statuses[0].content
    found = b.search_v2("#breakfast", result_type="hashtags", resolve=False)
    assert "breakfast" in [tag.name for tag in found.hashtags]

    # Filters (v2) over msg's muted words.
    created = a.create_filter_v2(
        title="Spoilers",
        context=["home", "public"],
        filter_action="hide",
        keywords_attributes=[{"keyword": "spoilers", "whole_word": True}],
    )
    assert MutedWord.objects.filter(user=alice, phrase="spoilers").exists()
    assert created.id in [f.id for f in a.filters_v2()]
    a.delete_filter_v2(created.id)
    assert not MutedWord.objects.filter(user=alice).exists()

    # Conversations: a direct message.
    direct = b.status_post(f"@{alice.username} just between us", visibility="direct")
    conversations = a.conversations()
    assert direct.id in [conv.last_status.id for conv in conversations]
    conversation = next(conv for conv in conversations if conv.last_status.id == direct.id)
    assert str(bob.pk) in [acct.id for acct in conversation.accounts]
    assert a.conversations_read(conversation.id).unread is False


# -- the instance, and what Takahē failed ------------------------------------------------------


def test_instance_and_what_takahe_failed(live_server, client_for):
    """The checks Takahē 0.11 failed in this run: msg passes every one."""
    member = UserFactory()
    client = client_for(member)
    base = live_server.url
    # /api/v1/instance with and without the slash, a numeric version.
    for path in ["/api/v1/instance", "/api/v1/instance/", "/api/v2/instance", "/api/v2/instance/"]:
        answer = requests.get(base + path, timeout=30)
        assert answer.status_code == 200, path
        assert re.match(r"^4\.7\.0 \(compatible; msg [0-9.]+\)$", answer.json()["version"]), path
    v2 = client.instance_v2()
    assert v2.api_versions["mastodon"] == 6
    assert v2.configuration.statuses.max_characters == settings.MSG_MAX_POST_LENGTH
    assert client.instance_v1().uri

    status = client.status_post("A first version")
    client.status_update(status.id, status="A second version")
    assert len(client.status_history(status.id)) == 2
    client.markers_set(["home", "notifications"], [status.id, "0"])
    assert client.markers_get(["home"])["home"].last_read_id == status.id
    wrapper = client_for(UserFactory()).status_reblog(status.id)
    assert (wrapper.reblog.id, wrapper.id != status.id) == (status.id, True)
    with pytest.raises(MastodonAPIError) as refused:
        client.status_post("y" * (settings.MSG_MAX_POST_LENGTH + 1))
    assert api_status(refused.value) == 422
    # Delete answers JSON: the status with its text.
    answer = requests.delete(
        f"{base}/api/v1/statuses/{status.id}",
        headers={"Authorization": f"Bearer {make_token(member)}"},
        timeout=30,
    )
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["text"] == "A second version"

    # Unfollow: a followers-only post is unreadable at once (Takahē: 33 s later).
    author = UserFactory()
    writer = client_for(author)
    client.account_follow(author.pk)
    secret = writer.status_post("Followers only", visibility="private")
    assert client.status(secret.id).id == secret.id
    assert secret.id in [st.id for st in client.timeline_home()]
    assert client.account_unfollow(author.pk).following is False
    with pytest.raises(MastodonNotFoundError):
        client.status(secret.id)
    assert secret.id not in [st.id for st in client.timeline_home()]
    assert secret.id not in [st.id for st in client.account_statuses(author.pk)]
