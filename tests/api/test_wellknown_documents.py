"""WebFinger, host-meta and NodeInfo: open to anyone, JSON errors, never a 500."""

import tomllib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from posts.models import Visibility
from tests.factories import PostFactory, UserFactory
from users.adapter import AccountAdapter
from users.services import user_update

pytestmark = pytest.mark.django_db

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"


def finger(client, resource: str | None, **extra):
    params = {} if resource is None else {"resource": resource}
    return client.get("/.well-known/webfinger", params, **extra)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def test_webfinger_describes_an_account(client, settings, alice):
    settings.MSG_PUBLIC_PAGES = False
    response = finger(client, "acct:alice@testserver")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jrd+json")
    profile = f"http://testserver{alice.get_absolute_url()}"
    assert response.json() == {
        "subject": "acct:alice@testserver",
        "aliases": [profile],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile}
        ],
    }


@pytest.mark.parametrize(
    "resource",
    [
        "acct:ALICE@testserver",
        "acct:@alice@TestServer",
        "http://testserver/@alice/",
        "acct:alice%40testserver",
    ],
)
def test_webfinger_reads_every_spelling_of_the_account(client, alice, resource):
    response = finger(client, resource)
    assert response.status_code == 200, response.content
    assert response.json()["subject"].startswith("acct:alice@")


def test_webfinger_knows_the_site_address_too(client, settings, alice):
    settings.SITE_URL = "https://msg.example"
    response = finger(client, "acct:alice@msg.example")
    assert response.status_code == 200
    assert response.json()["subject"] == "acct:alice@msg.example"


@pytest.mark.parametrize(
    "resource",
    [
        "acct:nobody@testserver",
        "acct:alice@elsewhere.example",
        "http://elsewhere.example/@alice/",
        "http://testserver/@alice/1/",
        "http://testserver/about/",
        "acct:al ice@testserver",
        "acct:%00@testserver",
        "acct:alic\u017f@testserver",
    ],
)
def test_webfinger_404s_for_what_is_not_an_account_here(client, alice, resource):
    response = finger(client, resource)
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_webfinger_forgets_a_deactivated_account(client, alice):
    user_update(user=alice, is_active=False)
    assert finger(client, "acct:alice@testserver").status_code == 404


@pytest.mark.parametrize(
    "resource",
    [
        None,
        "",
        "   ",
        "alice",
        "acct:alice",
        "mailto:alice@testserver",
        "http://[::1",
        "acct:\x00@x",
        "\x00",
    ],
)
def test_webfinger_400s_for_a_missing_or_malformed_resource(client, alice, resource):
    response = finger(client, resource)
    assert response.status_code == 400
    assert "error" in response.json()


def test_webfinger_costs_one_query(client, alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert finger(client, "acct:alice@testserver").status_code == 200


def test_webfinger_refuses_writes(client, alice):
    assert client.post("/.well-known/webfinger?resource=acct:alice@testserver").status_code == 405
    assert client.head("/.well-known/webfinger?resource=acct:alice@testserver").status_code == 200


def test_cross_origin_readers_may_read_them(client, alice):
    for path in ["/.well-known/webfinger?resource=acct:alice@testserver", "/nodeinfo/2.0"]:
        response = client.get(path, HTTP_ORIGIN="https://elk.example")
        assert response["Access-Control-Allow-Origin"] == "*"


def test_host_meta_points_at_webfinger(client):
    response = client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xrd+xml")
    template = "http://testserver/.well-known/webfinger?resource={uri}"
    assert f'template="{template}"' in response.content.decode()
    as_json = client.get("/.well-known/host-meta", {"format": "json"}).json()
    assert as_json == {"links": [{"rel": "lrdd", "template": template}]}


def test_nodeinfo_links_to_the_document(client, settings):
    settings.MSG_PUBLIC_PAGES = False
    response = client.get("/.well-known/nodeinfo")
    assert response.status_code == 200
    assert response.json() == {
        "links": [{"rel": NODEINFO_SCHEMA, "href": "http://testserver/nodeinfo/2.0"}]
    }


def test_nodeinfo_describes_the_server(client, settings):
    settings.MSG_PUBLIC_PAGES = False
    response = client.get("/nodeinfo/2.0")
    assert response.status_code == 200
    assert f'profile="{NODEINFO_SCHEMA}#"' in response["Content-Type"]
    body = response.json()
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
        version = tomllib.load(file)["project"]["version"]
    assert body["version"] == "2.0"
    assert body["software"] == {"name": "msg", "version": version}
    assert body["protocols"] == []
    assert body["services"] == {"inbound": [], "outbound": []}
    assert body["metadata"]["nodeName"] == settings.MSG_SITE_TITLE
    assert body["openRegistrations"] is True


def test_nodeinfo_counts(client):
    now = timezone.now()
    active, lapsed, idle, gone = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    with time_machine.travel(now - timedelta(days=90)):
        client.force_login(lapsed)
    client.force_login(active)
    client.force_login(gone)
    client.logout()
    PostFactory(author=active)
    PostFactory(author=idle, visibility=Visibility.UNLISTED)
    PostFactory(author=idle, body=f"@{active.username} hi", visibility=Visibility.DIRECT)
    PostFactory(author=gone)
    user_update(user=gone, is_active=False)
    usage = client.get("/nodeinfo/2.0").json()["usage"]
    assert usage == {
        "users": {"total": 3, "activeMonth": 1, "activeHalfyear": 2},
        "localPosts": 2,
    }


def test_nodeinfo_agrees_with_the_instance(client, anon_api):
    PostFactory()
    PostFactory()
    nodeinfo = client.get("/nodeinfo/2.0").json()["usage"]
    stats = anon_api.get("/api/v1/instance").json()["stats"]
    assert nodeinfo["localPosts"] == stats["status_count"] == 2
    assert nodeinfo["users"]["total"] == stats["user_count"] == 2


def test_nodeinfo_says_when_sign_up_is_closed(client, monkeypatch):
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)
    assert client.get("/nodeinfo/2.0").json()["openRegistrations"] is False


def test_nodeinfo_query_count(client, django_assert_num_queries):
    PostFactory()
    with django_assert_num_queries(2):  # the accounts, the posts
        assert client.get("/nodeinfo/2.0").status_code == 200
    with django_assert_num_queries(0):  # cached with the instance's counts
        assert client.get("/nodeinfo/2.0").status_code == 200


def test_documents_use_the_configured_title(client, settings):
    settings.MSG_SITE_TITLE = "Our corner"
    assert client.get("/nodeinfo/2.0").json()["metadata"]["nodeName"] == "Our corner"
