"""Mastodon.py 2.3.3 reads the instance, NodeInfo, search, hashtags, trends and the startup
endpoints from a live server, in its strictest version mode, with no field missing."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.api.clients import Recorder, mastodon
from tests.api.conftest import make_token
from tests.factories import PostFactory, SuperUserFactory, UserFactory

pytestmark = [pytest.mark.live, pytest.mark.filterwarnings("error")]


@pytest.fixture
def recorder():
    found = Recorder()
    yield found
    assert not found.problems, "entities lack fields Mastodon.py expects:\n" + found.report()


def test_a_visitor_reads_the_instance_documents(live_server, recorder, settings):
    settings.MSG_PUBLIC_PAGES = False
    SuperUserFactory()
    PostFactory(body="hello #world")
    client = recorder.watch(mastodon(live_server.url))
    assert (client.mastodon_major, client.mastodon_minor, client.mastodon_patch) == (4, 7, 0)
    assert client.mastodon_api_version == 6
    v1 = client.instance_v1()
    v2 = client.instance_v2()
    assert v1.stats.status_count == 1
    assert v2.configuration.statuses.max_characters == settings.MSG_MAX_POST_LENGTH
    assert client.instance_nodeinfo().usage.localPosts == 1
    assert client.instance_rules() == []
    assert len(client.instance_activity()) == 12
    assert client.instance_peers() == []
    assert client.instance_extended_description().content
    assert client.instance_translation_languages() == {}
    assert client.instance_domain_blocks() == []
    assert [locale.code for locale in client.instance_languages()] == ["en", "de"]
    assert client.custom_emojis() == []


def test_a_member_searches_and_discovers(live_server, recorder):
    alice = UserFactory(username="alice_api")
    reader = UserFactory()
    post = PostFactory(author=alice, body="searching for #zebras today")
    client = recorder.watch(mastodon(live_server.url, make_token(reader)))
    found = client.search("zebras")
    assert [str(s.id) for s in found.statuses] == [str(post.pk)]
    assert [t.name for t in found.hashtags] == ["zebras"]
    assert [
        a.acct for a in client.search("alice_api@" + live_server.url.split("//")[1]).accounts
    ] == ["alice_api"]
    url = f"{live_server.url}{post.get_absolute_url()}"
    assert [str(s.id) for s in client.search(url, resolve=True).statuses] == [str(post.pk)]
    assert [t.name for t in client.trending_tags()] == ["zebras"]
    assert client.tag("zebras").name == "zebras"
    assert client.tag_unfollow("zebras").following is False
    with pytest.raises(MastodonAPIError):
        client.tag_follow("zebras")
    assert client.followed_tags() == []
    assert client.featured_tags() == []
    assert client.featured_tag_suggestions() == []
    assert client.preferences()["posting:default:visibility"] == "public"
    assert client.announcements() == []
    assert client.domain_blocks() == []
    assert client.scheduled_statuses() == []
    assert {a.acct for a in client.directory()} == {"alice_api", reader.username}
    with pytest.raises(MastodonNotFoundError):
        client.push_subscription()
