"""The protocol details every route shares: bodies, rate limits, CORS (api.middleware,
api.parsing, api.ratelimit)."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import encode_multipart

from api.middleware import BadBody, parse_body
from api.parsing import MastodonParser

pytestmark = pytest.mark.django_db

factory = RequestFactory()


def parsed(request, list_fields=()):
    parse_body(request)
    return MastodonParser().parse_querydict(request.POST, list(list_fields), request)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_form_body_is_read_for_every_method(method):
    body = "status=hi&media_ids[]=1&media_ids[]=2&poll[options][]=a&poll[options][]=b&sensitive=1"
    request = getattr(factory, method)(
        "/api/v1/statuses", body, content_type="application/x-www-form-urlencoded"
    )
    assert parsed(request) == {
        "status": "hi",
        "media_ids": ["1", "2"],
        "poll[options]": ["a", "b"],
        "sensitive": "1",
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_json_body_is_read_as_the_same_keys(method):
    body = {
        "status": "hi",
        "media_ids": [1, 2],
        "poll": {"options": ["a", "b"], "expires_in": 300, "multiple": True},
        "in_reply_to_id": None,
        "sensitive": False,
    }
    request = getattr(factory, method)(
        "/api/v1/statuses", json.dumps(body), content_type="application/json"
    )
    assert parsed(request) == {
        "status": "hi",
        "media_ids": ["1", "2"],
        "poll[options]": ["a", "b"],
        "poll[expires_in]": "300",
        "poll[multiple]": "true",
        "sensitive": "false",
    }


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_multipart_body_is_read_for_every_method(method):
    upload = SimpleUploadedFile("a.txt", b"abc", content_type="text/plain")
    boundary = "BoUnDaRy"
    body = encode_multipart(boundary, {"description": "x", "file": upload, "tags[]": ["a", "b"]})
    request = getattr(factory, method)(
        "/api/v1/media", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert parsed(request) == {"description": "x", "tags": ["a", "b"]}
    assert request.FILES["file"].read() == b"abc"


def test_a_list_field_sent_once_without_brackets_is_a_list():
    request = factory.get("/api/v1/accounts/relationships?id=5")
    assert MastodonParser().parse_querydict(request.GET, ["id"], request) == {"id": ["5"]}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("\xff\xfe", "application/json"),
    ],
)
def test_a_broken_json_body_is_refused(body, content_type):
    request = factory.post("/api/v1/statuses", body, content_type=content_type)
    with pytest.raises(BadBody):
        parse_body(request)


def test_a_broken_body_is_a_json_400_not_a_500(api):
    response = api.post("/api/v1/apps", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_a_broken_multipart_body_is_a_json_400(api):
    response = api.post(
        "/api/v1/media",
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.fixture
def limited(settings):
    settings.MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK = False
    settings.MSG_API_RATE_LIMIT_ANON = (3, 300)
    settings.MSG_API_RATE_LIMIT_USER = (5, 300)
    return settings


def test_visitors_are_limited_per_address(limited, anon_api):
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, 1, tzinfo=UTC), tick=False):
        answers = [anon_api.get("/api/v1/accounts/verify_credentials") for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[0]["X-RateLimit-Limit"] == "3"
    assert answers[0]["X-RateLimit-Reset"] == "2026-12-01T12:05:00.000Z"
    assert answers[3].json() == {"error": "Too many requests"}
    assert answers[3]["Retry-After"] == "299"


def test_the_window_opens_again_at_its_edge(limited, anon_api):
    with time_machine.travel(datetime(2026, 12, 1, 12, 4, 59, tzinfo=UTC), tick=False):
        for _ in range(3):
            anon_api.get("/api/v1/accounts/verify_credentials")
        assert anon_api.get("/api/v1/accounts/verify_credentials").status_code == 429
    with time_machine.travel(datetime(2026, 12, 1, 12, 5, 0, tzinfo=UTC), tick=False):
        assert anon_api.get("/api/v1/accounts/verify_credentials").status_code == 401


def test_members_are_limited_per_account_not_per_address(limited, api, api_for):
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, 1, tzinfo=UTC), tick=False):
        codes = [api.get("/api/v1/accounts/verify_credentials").status_code for _ in range(6)]
        # Another member from the same address has a budget of their own.
        other = api_for().get("/api/v1/accounts/verify_credentials")
    assert codes == [200] * 5 + [429]
    assert other.status_code == 200


def test_loopback_is_exempt_when_the_setting_says_so(limited, anon_api):
    limited.MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK = True
    answers = [
        anon_api.get("/api/v1/accounts/verify_credentials", REMOTE_ADDR="127.0.0.1")
        for _ in range(5)
    ]
    assert {a.status_code for a in answers} == {401}
    assert "X-RateLimit-Limit" not in answers[0]


def test_the_web_pages_are_not_counted(limited, client):
    for _ in range(5):
        assert client.get("/accounts/login/").status_code == 200


def test_cors_preflight_allows_any_origin_and_exposes_link(anon_api):
    response = anon_api.options(
        "/api/v1/timelines/home",
        HTTP_ORIGIN="https://elk.zone",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in response["Access-Control-Allow-Headers"]
    answer = anon_api.get("/api/v1/accounts/verify_credentials", HTTP_ORIGIN="https://elk.zone")
    assert "Link" in answer["Access-Control-Expose-Headers"]


def test_the_web_pages_send_no_cors_headers(client):
    response = client.get("/accounts/login/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_behind_a_proxy_each_client_address_has_its_own_budget(limited, anon_api):
    limited.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = "/api/v1/accounts/verify_credentials"
    for _ in range(3):
        anon_api.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    spent = anon_api.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    fresh = anon_api.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert (spent.status_code, fresh.status_code) == (429, 401)


def test_a_proxy_in_front_of_loopback_does_not_exempt_its_clients(limited, anon_api):
    limited.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limited.MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK = True
    url = "/api/v1/accounts/verify_credentials"
    codes = [
        anon_api.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_every_route_answers_with_a_trailing_slash_too(api):
    plain = api.get("/api/v1/accounts/verify_credentials")
    slashed = api.get("/api/v1/accounts/verify_credentials/")
    assert slashed.status_code == plain.status_code == 200
    assert slashed.json() == plain.json()


def test_an_unknown_api_route_is_a_json_404(api):
    response = api.get("/api/v1/no_such_thing")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_a_wrong_method_is_json(api):
    response = api.delete("/api/v1/accounts/verify_credentials")
    assert response.status_code == 405
    assert response.json()["error"]


def test_the_consent_page_answers_with_a_trailing_slash(member_client):
    response = member_client.get("/oauth/authorize/?response_type=code&client_id=nope")
    plain = member_client.get("/oauth/authorize?response_type=code&client_id=nope")
    assert response.status_code == plain.status_code != 404


def test_an_empty_json_list_reads_as_the_empty_form_list():
    json_request = factory.put(
        "/api/v1/statuses/1", json.dumps({"media_ids": []}), content_type="application/json"
    )
    form_request = factory.put(
        "/api/v1/statuses/1", "media_ids[]=", content_type="application/x-www-form-urlencoded"
    )
    assert parsed(json_request) == parsed(form_request) == {"media_ids": [""]}


def test_the_link_header_keeps_every_value_of_a_repeated_parameter():
    from api.pagination import link_header
    from core.pagination import Page

    request = factory.get(
        "/api/v1/notifications?types[]=mention&types[]=favourite&limit=2&max_id=99"
    )
    response = HttpResponse()
    link_header(request, response, Page(items=[object()], next_max_id=7, prev_min_id=9))
    assert response["Link"] == (
        "<http://testserver/api/v1/notifications?types%5B%5D=mention&types%5B%5D=favourite"
        '&limit=2&max_id=7>; rel="next", '
        "<http://testserver/api/v1/notifications?types%5B%5D=mention&types%5B%5D=favourite"
        '&limit=2&min_id=9>; rel="prev"'
    )
