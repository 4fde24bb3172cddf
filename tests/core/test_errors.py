"""One mapping from service errors to responses (core.errors), and the middleware that answers
with it (core.middleware): the site's error pages, or plain text for htmx."""

import pytest
from allauth.core.exceptions import RateLimited as AllauthRateLimited
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request
from django_htmx.middleware import HtmxDetails

from core.errors import ErrorResponse, RateLimited, error_response
from core.middleware import ServiceErrorMiddleware, htmx_error_text
from posts import views as post_views
from posts.models import Post, Visibility
from tests.factories import FollowFactory, PostFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("error", "status", "messages"),
    [
        (
            ValidationError({"body": "Too long.", "images": ["No alt."]}),
            400,
            ["Too long.", "No alt."],
        ),
        (PermissionDenied("Not yours."), 403, ["Not yours."]),
        (PermissionDenied(), 403, ["You do not have permission to do that."]),
        (Post.DoesNotExist("Post matching query does not exist."), 404, None),
        (ObjectDoesNotExist(), 404, None),
        (Http404("No such post."), 404, None),
        (RateLimited(), 429, None),
        (AllauthRateLimited(), 429, None),
    ],
)
def test_error_response_maps_each_service_error(error, status, messages):
    """Each kind of error gets its status; a missing row's message (model names) is not shown."""
    response = error_response(error)
    assert response is not None
    assert response.status == status
    if messages is not None:
        assert response.messages == messages
    assert "matching query" not in response.text


def test_error_response_leaves_other_errors_alone():
    assert error_response(ZeroDivisionError()) is None
    assert error_response(KeyError("x")) is None


def test_error_response_is_data_a_json_api_can_use():
    assert error_response(PermissionDenied("Nope.")) == ErrorResponse(403, ["Nope."])


def _request(htmx: bool):
    request = RequestFactory().post("/", headers=HTMX if htmx else {})
    request.user = AnonymousUser()
    request.htmx = HtmxDetails(request)
    return request


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (ValidationError("Write something first."), 400, "Not accepted"),
        (PermissionDenied("Not yours."), 403, "Not allowed"),
        (Post.DoesNotExist(), 404, "Not found"),
        (RateLimited(), 429, "Too many attempts"),
    ],
)
def test_the_middleware_renders_the_error_page(error, status, heading):
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(_request(htmx=False), error)
    assert response is not None
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.content.decode()
    if status in (400, 403):
        assert error_response(error).text in response.content.decode()


def test_the_middleware_answers_htmx_with_plain_text():
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(
        _request(htmx=True), ValidationError("You cannot follow yourself.")
    )
    assert response is not None
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "You cannot follow yourself."


def test_the_middleware_lets_other_errors_through():
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(_request(htmx=False), ZeroDivisionError()) is None


def test_a_refused_htmx_action_is_a_403_with_the_reason(member_client, user):
    """A refusal the view lets through (following yourself) reaches htmx in plain text.

    (A post's actions answer their own refusals with the actions bar: tests/social.)"""
    url = reverse("relationship_action", kwargs={"username": user.username, "action": "follow"})
    response = member_client.post(url, headers=HTMX)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert "yourself" in response.content.decode()


def test_a_refused_plain_action_redirects_with_a_message(member_client, user):
    author = FollowFactory(follower=user).followee
    post = PostFactory(author=author, visibility=Visibility.FOLLOWERS)
    response = member_client.post(f"{post.get_absolute_url()}repost/", follow=True)
    assert response.status_code == 200
    assert "Followers-only posts cannot be reposted." in response.content.decode()


@pytest.mark.parametrize("status", [403, 404, 405, 429, 500, 502])
def test_an_error_page_reaches_htmx_as_one_short_line_of_text(status):
    """Whatever error page an htmx request meets, static/js/errors.js gets a line to show."""
    page = HttpResponse("<!DOCTYPE html><html><h1>Error</h1></html>", status=status)
    response = ServiceErrorMiddleware(lambda request: page)(_request(htmx=True))
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text == htmx_error_text(status)
    assert text and "<" not in text and len(text) < 300


def test_djangos_own_400_page_reaches_htmx_as_a_line_not_a_page():
    """A request too big or with too many fields gets Django's 400 page (handler400): htmx
    would swap that whole page into the target, so it gets a line of text instead."""
    request = _request(htmx=True)
    page = bad_request(request, SuspiciousOperation("too many fields"))
    assert page.content.lstrip().lower().startswith(b"<!doctype")
    response = ServiceErrorMiddleware(lambda request: page)(request)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == htmx_error_text(400)


def test_error_pages_stay_pages_without_htmx_and_htmx_keeps_its_400_partial():
    page = HttpResponse("<p>Not found</p>", status=404)
    assert ServiceErrorMiddleware(lambda request: page)(_request(htmx=False)) is page
    partial = HttpResponse("<div>refused</div>", status=400)
    response = ServiceErrorMiddleware(lambda request: partial)(_request(htmx=True))
    assert response.content == b"<div>refused</div>"


def test_an_unknown_url_answers_htmx_in_plain_text(member_client):
    response = member_client.post("/no/such/place/", headers=HTMX)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == htmx_error_text(404)


def test_a_failed_csrf_check_answers_htmx_in_plain_text(user):
    """A page older than the session (its token rotated by a log-in elsewhere) says reload."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("relationship_action", kwargs={"username": user.username, "action": "mute"})
    response = client.post(url, headers=HTMX)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == htmx_error_text(403)


def test_a_like_on_a_deleted_post_tells_htmx_it_is_gone(member_client):
    post = PostFactory()
    url = f"{post.get_absolute_url()}like/"
    post.delete()
    response = member_client.post(url, headers=HTMX)
    assert response.status_code == 404
    assert response.content.decode() == htmx_error_text(404)


def test_a_server_error_answers_htmx_in_plain_text(member_client, monkeypatch):
    def broken(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setitem(post_views.ACTIONS, "like", (broken, post_views.ACTIONS["like"][1]))
    member_client.raise_request_exception = False
    post = PostFactory()
    response = member_client.post(f"{post.get_absolute_url()}like/", headers=HTMX)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == htmx_error_text(500)
