"""GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes, through poll_vote as on the web."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from posts.models import PollVote, Visibility
from posts.services import post_create
from posts.services.polls import PollSpec, poll_vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def poll_post(author, *, multiple=False, visibility=Visibility.PUBLIC, options=("a", "b", "c")):
    spec = PollSpec(options=list(options), expires_in=timedelta(hours=1), multiple=multiple)
    return post_create(author=author, body="vote", poll=spec, visibility=visibility)


def vote(client, poll_id, choices, *, as_json=False):
    url = f"/api/v1/polls/{poll_id}/votes"
    if as_json:
        return client.post(url, json.dumps({"choices": choices}), content_type="application/json")
    return client.post(url, urlencode({"choices[]": choices}, doseq=True), content_type=FORM)


def test_a_poll_with_its_counts(api, other_user):
    post = poll_post(other_user)
    poll_vote(user=UserFactory(), poll=post.poll, option_ids=[post.poll.options.all()[1].pk])
    response = api.get(f"/api/v1/polls/{post.poll.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(post.poll.pk)
    assert [o["title"] for o in body["options"]] == ["a", "b", "c"]
    assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]
    assert (body["votes_count"], body["voters_count"]) == (1, 1)
    assert (body["voted"], body["own_votes"], body["expired"]) == (False, [], False)
    assert body == api.get(f"/api/v1/statuses/{post.pk}").json()["poll"]


def test_the_poll_of_a_hidden_post_is_a_404(api, other_user):
    post = poll_post(other_user, visibility=Visibility.FOLLOWERS)
    response = api.get(f"/api/v1/polls/{post.poll.pk}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    assert vote(api, post.poll.pk, ["0"]).status_code == 404
    assert not PollVote.objects.exists()


@pytest.mark.parametrize("bad", ["x", "0", "99999", "9" * 30])
def test_an_unknown_poll_is_a_404(api, bad):
    assert api.get(f"/api/v1/polls/{bad}").status_code == 404


def test_a_visitor_reads_a_public_poll_with_public_pages(anon_api, other_user, settings):
    post = poll_post(other_user)
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get(f"/api/v1/polls/{post.poll.pk}").status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    body = anon_api.get(f"/api/v1/polls/{post.poll.pk}").json()
    assert (body["voted"], body["own_votes"]) == (None, None)


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_vote(api, other_user, as_json):
    post = poll_post(other_user)
    response = vote(api, post.poll.pk, ["1"], as_json=as_json)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["voted"], body["own_votes"]) == (True, [1])
    assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]
    chosen = PollVote.objects.get(user=api.user).choices.get()
    assert chosen.title == "b"


def test_several_choices_in_a_multiple_choice_poll(api, other_user):
    post = poll_post(other_user, multiple=True)
    body = vote(api, post.poll.pk, ["0", "2"]).json()
    assert body["own_votes"] == [0, 2]
    assert (body["votes_count"], body["voters_count"]) == (2, 1)


def test_the_author_may_vote_as_on_the_web(api):
    post = poll_post(api.user)
    assert vote(api, post.poll.pk, ["0"]).status_code == 200


@pytest.mark.parametrize(
    "choices",
    [["3"], ["-1"], ["x"], ["0", "1"], [], ["9" * 30], ["\u0661"]],
    ids=["past the end", "negative", "not a number", "two in one", "none", "huge", "arabic"],
)
def test_a_wrong_choice_is_a_422_and_counts_nothing(api, other_user, choices):
    post = poll_post(other_user)
    response = vote(api, post.poll.pk, choices)
    assert response.status_code == 422, response.content
    assert response.json()["error"].startswith("Validation failed")
    assert not PollVote.objects.exists()


def test_a_second_vote_is_a_422(api, other_user):
    post = poll_post(other_user)
    assert vote(api, post.poll.pk, ["0"]).status_code == 200
    response = vote(api, post.poll.pk, ["1"])
    assert response.status_code == 422
    assert "already voted" in response.json()["error"]
    assert PollVote.objects.get().choices.get().title == "a"


def test_a_vote_in_an_ended_poll_is_a_422(api, other_user):
    post = poll_post(other_user)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = vote(api, post.poll.pk, ["0"])
        assert api.get(f"/api/v1/polls/{post.poll.pk}").json()["expired"] is True
    assert response.status_code == 422
    assert "ended" in response.json()["error"]
    assert not PollVote.objects.exists()


def test_voting_needs_write_statuses(api_for, other_user):
    post = poll_post(other_user)
    assert vote(api_for(scope="read write:favourites"), post.poll.pk, ["0"]).status_code == 403
    assert api_for(scope="write").get(f"/api/v1/polls/{post.poll.pk}").status_code == 403
    assert not PollVote.objects.exists()


# The token; the post's card with its poll; its images; the poll's options with their counts.
POLL_QUERIES = 4


@pytest.mark.parametrize("voters", [1, 20])
def test_the_query_count_of_a_poll_is_flat(api, other_user, voters, django_assert_num_queries):
    post = poll_post(other_user)
    options = list(post.poll.options.all())
    for n in range(voters):
        poll_vote(user=UserFactory(), poll=post.poll, option_ids=[options[n % 3].pk])
    with django_assert_num_queries(POLL_QUERIES):
        response = api.get(f"/api/v1/polls/{post.poll.pk}")
    assert response.json()["voters_count"] == voters
