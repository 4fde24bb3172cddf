"""Filters (v2 and v1) over msg's muted words: one phrase per filter, whole words, "warn"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from social.models import MutedWord
from social.services import muted_word_create
from tests.factories import FollowFactory, PostFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def word(api):
    return muted_word_create(user=api.user, phrase="spoiler", contexts=["home", "public"])


# v2: create -------------------------------------------------------------------------------------


def test_create_with_one_keyword_from_json(api):
    body = {
        "title": "Spoilers",
        "context": ["home", "thread"],
        "filter_action": "warn",
        "keywords_attributes": [{"keyword": "plot twist", "whole_word": True}],
    }
    response = api.post("/api/v2/filters", body, content_type=JSON)
    assert response.status_code == 200, response.content
    created = response.json()
    row = MutedWord.objects.get(user=api.user)
    assert (row.phrase, row.in_home, row.in_thread, row.in_public) == ("plot twist", 1, 1, 0)
    assert created == {
        "id": str(row.pk),
        "title": "plot twist",  # the title is the phrase in msg
        "context": ["home", "thread"],
        "expires_at": None,
        "filter_action": "warn",
        "keywords": [{"id": str(row.pk), "keyword": "plot twist", "whole_word": True}],
        "statuses": [],
    }


def test_create_from_a_form_as_tusky_sends_it(api):
    body = (
        "title=x&context[]=notifications&filter_action=warn"
        "&keywords_attributes[][keyword]=crypto&keywords_attributes[][whole_word]=true"
    )
    response = api.post("/api/v2/filters", body, content_type=FORM)
    assert response.status_code == 200, response.content
    assert response.json()["keywords"][0]["keyword"] == "crypto"
    assert response.json()["context"] == ["notifications"]


def test_a_filter_without_keywords_filters_its_title(api):
    response = api.post("/api/v2/filters", {"title": "politics", "context[]": ["public"]})
    assert response.json()["keywords"][0]["keyword"] == "politics"


def test_several_keywords_are_refused_and_nothing_is_created(api):
    body = {
        "title": "t",
        "context": ["home"],
        "keywords_attributes": [{"keyword": "one"}, {"keyword": "two"}],
    }
    response = api.post("/api/v2/filters", body, content_type=JSON)
    assert response.status_code == 422
    assert "one filter for each keyword" in response.json()["error"]
    assert not MutedWord.objects.exists()


def test_whole_word_false_and_hide_are_accepted_as_what_msg_does(api):
    body = {
        "title": "t",
        "context": ["home", "account"],
        "filter_action": "hide",
        "keywords_attributes": [{"keyword": "cat", "whole_word": False}],
    }
    created = api.post("/api/v2/filters", body, content_type=JSON).json()
    assert created["filter_action"] == "warn"
    assert created["keywords"][0]["whole_word"] is True
    assert created["context"] == ["home"]


def test_expires_in_sets_the_expiry(api):
    before = timezone.now()
    body = {"title": "soon", "context": ["home"], "expires_in": 3600}
    created = api.post("/api/v2/filters", body, content_type=JSON).json()
    row = MutedWord.objects.get()
    assert before + timedelta(seconds=3600) <= row.expires_at <= timezone.now() + timedelta(hours=1)
    assert created["expires_at"].endswith("Z")


@pytest.mark.parametrize(
    "body",
    [
        {"title": "t", "context": ["home"], "filter_action": "delete"},
        {"title": "t", "context": ["nowhere"]},
        {"title": "t", "context": ["account"]},  # no place msg filters
        {"title": "t"},
        {"title": "", "context": ["home"]},
        {"title": "t", "context": ["home"], "expires_in": "soon"},
        {"title": "t", "context": ["home"], "expires_in": -5},
        {"title": "x" * 101, "context": ["home"]},
    ],
)
def test_bad_input_is_a_422_and_creates_nothing(api, body):
    response = api.post("/api/v2/filters", body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert "error" in response.json()
    assert not MutedWord.objects.exists()


def test_the_same_phrase_twice_is_a_422(api, word):
    body = {"title": "Spoiler", "context": ["home"]}
    assert api.post("/api/v2/filters", body, content_type=JSON).status_code == 422


# v2: read, update, delete ----------------------------------------------------------------------


def test_list_and_get(api, word, other_user):
    muted_word_create(user=other_user, phrase="theirs")
    listed = api.get("/api/v2/filters").json()
    assert [f["id"] for f in listed] == [str(word.pk)]
    assert api.get(f"/api/v2/filters/{word.pk}").json() == listed[0]
    assert listed[0]["context"] == ["home", "public"]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_someone_elses_filter_is_a_404_and_stays(api_for, word, method):
    stranger = api_for()
    route = f"/api/v2/filters/{word.pk}"
    if method == "get":
        response = stranger.get(route)
    else:
        response = getattr(stranger, method)(route, "title=mine", content_type=FORM)
    assert response.status_code == 404
    word.refresh_from_db()
    assert word.phrase == "spoiler"


def test_update_the_contexts_and_clear_the_expiry(api):
    word = muted_word_create(
        user=api.user, phrase="spoiler", contexts=["home"], expires_in=timedelta(hours=1)
    )
    body = {"context": ["notifications", "thread"], "expires_in": ""}
    response = api.put(f"/api/v2/filters/{word.pk}", body, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["context"] == ["notifications", "thread"]
    word.refresh_from_db()
    assert (word.phrase, word.in_home, word.in_notifications, word.expires_at) == (
        "spoiler",
        False,
        True,
        None,
    )


def test_an_update_leaving_the_expiry_out_keeps_it(api):
    word = muted_word_create(
        user=api.user, phrase="spoiler", contexts=["home"], expires_in=timedelta(hours=1)
    )
    expires_at = word.expires_at
    api.put(f"/api/v2/filters/{word.pk}", {"title": "spoilers"}, content_type=JSON)
    word.refresh_from_db()
    assert (word.phrase, word.expires_at) == ("spoilers", expires_at)


def test_replacing_the_keyword(api, word):
    body = {
        "keywords_attributes": [
            {"id": str(word.pk), "keyword": "spoiler", "_destroy": True},
            {"keyword": "leak", "whole_word": True},
        ]
    }
    response = api.put(f"/api/v2/filters/{word.pk}", body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["keywords"] == [
        {"id": str(word.pk), "keyword": "leak", "whole_word": True}
    ]


def test_destroying_the_only_keyword_is_refused(api, word):
    body = {"keywords_attributes": [{"id": str(word.pk), "_destroy": True}]}
    response = api.put(f"/api/v2/filters/{word.pk}", body, content_type=JSON)
    assert response.status_code == 422
    word.refresh_from_db()
    assert word.phrase == "spoiler"


def test_a_second_keyword_on_update_is_refused(api, word):
    body = "keywords_attributes[][keyword]=leak&keywords_attributes[][keyword]=twist"
    response = api.put(f"/api/v2/filters/{word.pk}", body, content_type=FORM)
    assert response.status_code == 422
    word.refresh_from_db()
    assert word.phrase == "spoiler"


def test_delete(api, word):
    response = api.delete(f"/api/v2/filters/{word.pk}")
    assert (response.status_code, response.json()) == (200, {})
    assert not MutedWord.objects.exists()
    assert api.delete(f"/api/v2/filters/{word.pk}").status_code == 404


# v2: keywords and statuses ---------------------------------------------------------------------


def test_a_filter_has_one_keyword(api, word):
    keyword = {"id": str(word.pk), "keyword": "spoiler", "whole_word": True}
    assert api.get(f"/api/v2/filters/{word.pk}/keywords").json() == [keyword]
    assert api.get(f"/api/v2/filters/keywords/{word.pk}").json() == keyword
    added = api.post(f"/api/v2/filters/{word.pk}/keywords", {"keyword": "leak"})
    assert added.status_code == 422
    assert api.delete(f"/api/v2/filters/keywords/{word.pk}").status_code == 422
    assert MutedWord.objects.get().phrase == "spoiler"


def test_changing_the_keyword(api, word):
    response = api.put(f"/api/v2/filters/keywords/{word.pk}", "keyword=leak", content_type=FORM)
    assert response.json() == {"id": str(word.pk), "keyword": "leak", "whole_word": True}
    word.refresh_from_db()
    assert word.phrase == "leak"


def test_status_filters_are_not_supported(api, word):
    assert api.get(f"/api/v2/filters/{word.pk}/statuses").json() == []
    response = api.post(f"/api/v2/filters/{word.pk}/statuses", {"status_id": "1"})
    assert response.status_code == 422
    assert api.get("/api/v2/filters/statuses/1").status_code == 404


# v1 ---------------------------------------------------------------------------------------------


def test_v1_list_and_get(api, word):
    expected = {
        "id": str(word.pk),
        "phrase": "spoiler",
        "context": ["home", "public"],
        "whole_word": True,
        "expires_at": None,
        "irreversible": False,
    }
    assert api.get("/api/v1/filters").json() == [expected]
    assert api.get(f"/api/v1/filters/{word.pk}").json() == expected


def test_v1_create_update_delete(api):
    created = api.post(
        "/api/v1/filters", {"phrase": "leak", "context[]": ["home"], "whole_word": "1"}
    )
    assert created.status_code == 200, created.content
    pk = created.json()["id"]
    assert created.json()["phrase"] == "leak"
    # Mastodon.py sends a single context without brackets.
    updated = api.put(
        f"/api/v1/filters/{pk}", "phrase=leaks&context=thread&expires_in=60", content_type=FORM
    )
    assert updated.status_code == 200, updated.content
    assert (updated.json()["phrase"], updated.json()["context"]) == ("leaks", ["thread"])
    assert updated.json()["expires_at"] is not None
    assert api.delete(f"/api/v1/filters/{pk}").json() == {}
    assert not MutedWord.objects.exists()


def test_v1_bad_input_is_a_422(api):
    assert api.post("/api/v1/filters", {"phrase": "x", "context[]": "bogus"}).status_code == 422
    assert api.post("/api/v1/filters", {"context[]": "home"}).status_code == 422
    assert not MutedWord.objects.exists()


# What a filter does, scopes, query counts ------------------------------------------------------


def test_a_filter_made_over_the_api_marks_home(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    PostFactory(author=other_user, body="huge spoiler here")
    body = {"title": "spoiler", "context": ["home"]}
    created = api.post("/api/v2/filters", body, content_type=JSON).json()
    [status] = api.get("/api/v1/timelines/home").json()
    assert status["filtered"] == [
        {"filter": created, "keyword_matches": ["spoiler"], "status_matches": None}
    ]


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/api/v2/filters"),
        ("post", "/api/v2/filters"),
        ("get", "/api/v2/filters/1"),
        ("put", "/api/v2/filters/1"),
        ("delete", "/api/v2/filters/1"),
        ("get", "/api/v2/filters/1/keywords"),
        ("get", "/api/v1/filters"),
        ("post", "/api/v1/filters"),
    ],
)
def test_no_token_is_a_401(anon_api, settings, method, route):
    settings.MSG_PUBLIC_PAGES = True
    assert getattr(anon_api, method)(route).status_code == 401


def test_reading_needs_read_filters_and_writing_write_filters(user, api_for):
    word = muted_word_create(user=user, phrase="spoiler")
    reader, writer = api_for(user, scope="read:filters"), api_for(user, scope="write:filters")
    assert reader.get("/api/v2/filters").status_code == 200
    assert reader.get("/api/v1/filters").status_code == 200
    assert reader.delete(f"/api/v2/filters/{word.pk}").status_code == 403
    assert writer.get("/api/v2/filters").status_code == 403
    assert writer.post("/api/v1/filters", {"phrase": "x", "context[]": "home"}).status_code == 200
    assert writer.delete(f"/api/v2/filters/{word.pk}").status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_query_counts_are_flat(api, django_assert_num_queries, n):
    for i in range(n):
        muted_word_create(user=api.user, phrase=f"word{i}")
    for route in ("/api/v2/filters", "/api/v1/filters"):
        with django_assert_num_queries(2):  # the token, the words
            assert len(api.get(route).json()) == n
