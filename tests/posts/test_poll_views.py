"""Polls on the page: the vote form or the results on a card, voting with htmx or a plain form,
and pinned query counts for timelines with polls and for a vote."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from posts.models import PollVote
from posts.services import post_repost
from posts.services.polls import PollSpec, poll_vote, polls_close_due
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX, html
from tests.posts.test_queries import HOME_QUERIES, HOME_WITH_REPOSTS_QUERIES, SIZES, card_count

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def poll_post(author=None, *, multiple: bool = False, visibility: str = "public", **kwargs):
    spec = PollSpec(options=("Tea", "Coffee", "Water"), expires_in=HOUR, multiple=multiple)
    return PostFactory(author=author or UserFactory(), visibility=visibility, poll=spec, **kwargs)


def options(post) -> list[int]:
    return list(post.poll.options.order_by("position").values_list("pk", flat=True))


def vote_url(post) -> str:
    return reverse("poll_vote", kwargs={"username": post.author.username, "pk": post.pk})


def page_of(client, post) -> str:
    return html(client.get(post.get_absolute_url()))


def shows_form(content: str) -> bool:
    return 'name="choice"' in content


def shows_results(content: str) -> bool:
    return "<meter" in content


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# What a card shows -------------------------------------------------------------------------------


def test_a_reader_who_has_not_voted_sees_the_form_not_the_results(member_client):
    """Before voting, a reader gets radio buttons and no percentages, with the time left."""
    content = page_of(member_client, poll_post())
    assert shows_form(content)
    assert 'type="radio"' in content
    assert not shows_results(content)
    assert " left</time>" in content


def test_a_multiple_choice_poll_offers_checkboxes(member_client):
    """A multiple-choice poll's form uses checkboxes."""
    content = page_of(member_client, poll_post(multiple=True))
    assert 'type="checkbox"' in content
    assert 'type="radio"' not in content


def test_a_reader_who_voted_sees_the_results_and_their_choice(member_client, user):
    """After voting, the reader sees each option's share and which one they chose."""
    post = poll_post()
    tea, coffee, _ = options(post)
    poll_vote(user=user, poll=post.poll, option_ids=[coffee])
    poll_vote(user=UserFactory(), poll=post.poll, option_ids=[coffee])
    poll_vote(user=UserFactory(), poll=post.poll, option_ids=[tea])
    content = page_of(member_client, post)
    assert shows_results(content)
    assert not shows_form(content)
    assert "3 voters" in content
    # Coffee has 2 of 3 votes (67%), tea 1 of 3 (33%), water none.
    values = re.findall(r'<meter min="0" max="100" value="(\d+)"', content)
    assert values == ["33", "67", "0"]
    chosen = re.findall(
        r'<li class="chosen">\s*<span class="poll-option"[^>]*>([^<]*?)\s*<', content
    )
    assert chosen == ["Coffee"]


def test_the_author_sees_the_results_without_voting(member_client, user):
    """The author sees the results of their own poll at once."""
    content = page_of(member_client, poll_post(author=user))
    assert shows_results(content)
    assert not shows_form(content)


def test_everyone_sees_the_results_once_the_poll_ended(member_client):
    """An ended poll shows its results and "Closed", to a reader who did not vote too."""
    post = poll_post()
    with time_machine.travel(timezone.now() + 2 * HOUR):
        content = page_of(member_client, post)
        assert shows_results(content)
        assert "Closed" in content
        polls_close_due()
        assert shows_results(page_of(member_client, post))


def test_a_repost_shows_the_originals_poll(member_client, user):
    """A reposted poll shows on home, voting at the original's address."""
    author = FollowFactory(follower=user).followee
    post_repost(user=author, post=poll_post())
    content = html(member_client.get(reverse("home")))
    assert shows_form(content)
    assert "/vote/" in content


# Voting ----------------------------------------------------------------------------------------


def test_an_htmx_vote_swaps_in_the_results(member_client, user):
    """With htmx, the answer is the poll alone, now with the results."""
    post = poll_post()
    _, coffee, _ = options(post)
    response = member_client.post(vote_url(post), {"choice": [coffee]}, headers=HTMX)
    assert response.status_code == 200
    content = html(response)
    assert "<html" not in content
    assert 'class="poll"' in content
    assert shows_results(content)
    assert "(your choice)" in content
    assert PollVote.objects.get(user=user).choices.get().pk == coffee


def test_a_plain_vote_redirects_back_with_a_message(member_client, user):
    """Without JavaScript the form posts, and the reader returns where they were."""
    post = poll_post()
    tea = options(post)[0]
    response = member_client.post(vote_url(post), {"choice": [tea], "next": "/explore/"})
    assert response.status_code == 302
    assert response["Location"] == "/explore/"
    assert messages_of(response) == ["Your vote was counted."]
    assert PollVote.objects.filter(user=user, poll=post.poll).exists()


def test_a_plain_vote_ignores_a_next_address_on_another_site(member_client):
    """The redirect stays on the site."""
    post = poll_post()
    data = {"choice": options(post)[:1], "next": "https://evil.example/"}
    response = member_client.post(vote_url(post), data)
    assert response["Location"] == post.get_absolute_url()


@pytest.mark.parametrize("choice", [[], ["abc"], ["²"], ["-1"], ["99999999999999999999999"], "two"])
def test_bad_input_gives_an_error_and_no_vote(member_client, choice):
    """No option, a non-number, or two options in a single-choice poll: an error, no vote."""
    post = poll_post()
    values = options(post)[:2] if choice == "two" else choice
    response = member_client.post(vote_url(post), {"choice": values}, headers=HTMX)
    assert response.status_code == 200
    content = html(response)
    assert 'role="alert"' in content
    assert shows_form(content)
    response = member_client.post(vote_url(post), {"choice": values})
    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert not PollVote.objects.exists()


def test_a_second_vote_shows_an_error_with_the_results(member_client, user):
    """Voting again is refused with a message; the results stay."""
    post = poll_post()
    tea, coffee, _ = options(post)
    member_client.post(vote_url(post), {"choice": [tea]})
    response = member_client.post(vote_url(post), {"choice": [coffee]}, headers=HTMX)
    content = html(response)
    assert "already voted" in content
    assert shows_results(content)
    response = member_client.post(vote_url(post), {"choice": [coffee]})
    assert messages_of(response)[-1] == "You have already voted in this poll."
    assert PollVote.objects.get(user=user).choices.get().pk == tea


def test_a_vote_in_an_ended_poll_is_refused(member_client):
    """Once the time is up, a vote is refused with a message."""
    post = poll_post()
    with time_machine.travel(timezone.now() + 2 * HOUR):
        response = member_client.post(vote_url(post), {"choice": options(post)[:1]})
    assert messages_of(response) == ["This poll has ended."]
    assert not PollVote.objects.exists()


def test_a_post_without_a_poll_or_hidden_from_the_reader_is_a_404(member_client):
    """Nothing to vote in, or a post the reader may not see: 404, and nothing stored."""
    plain = PostFactory()
    assert member_client.post(vote_url(plain), {"choice": ["1"]}).status_code == 404
    hidden = poll_post(visibility="followers")
    response = member_client.post(vote_url(hidden), {"choice": options(hidden)[:1]})
    assert response.status_code == 404
    assert not PollVote.objects.exists()


def test_voting_needs_a_login(client):
    """A visitor is sent to log in."""
    post = poll_post()
    response = client.post(vote_url(post), {"choice": options(post)[:1]})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not PollVote.objects.exists()


def test_voting_takes_post_only(member_client):
    """A GET of the vote address is refused."""
    assert member_client.get(vote_url(poll_post())).status_code == 405


# Query counts ----------------------------------------------------------------------------------

# A page of cards with polls: the home page's queries + one prefetch of all the options with
# their votes and the reader's choices (voters and "voted" are subqueries of the cards query).
HOME_WITH_POLLS_QUERIES = HOME_QUERIES + 1
# Reposts of polls: the originals' options are a second prefetch.
HOME_WITH_REPOSTED_POLLS_QUERIES = HOME_WITH_REPOSTS_QUERIES + 1
# A vote: its transaction (a savepoint inside the test's: 2), the visibility check, the post's
# lock, the poll's lock (checked as it stands: closing waits for the vote), the options, the
# vote in a savepoint of its own (3), the choices in one insert.
VOTE_QUERIES = 10
# The htmx vote: the session, the member, the card (the post, its images, its options), the
# vote, and the card again for the results.
HTMX_VOTE_QUERIES = 2 + 3 + VOTE_QUERIES + 3


@pytest.fixture
def _everything_on_one_page(settings):
    settings.MSG_PAGE_SIZE = max(SIZES) + 10


@pytest.mark.usefixtures("_everything_on_one_page")
@pytest.mark.parametrize("n", SIZES)
def test_home_with_polls_query_count_does_not_grow(
    member_client, user, django_assert_num_queries, n
):
    """Home with n polls by n followed authors, some voted in by the reader, costs the same for
    1 as for 40."""
    for i in range(n):
        post = poll_post(author=FollowFactory(follower=user).followee, multiple=i % 2 == 1)
        poll_vote(user=UserFactory(), poll=post.poll, option_ids=options(post)[:1])
        if i % 3 == 0:
            poll_vote(user=user, poll=post.poll, option_ids=options(post)[1:2])
    with django_assert_num_queries(HOME_WITH_POLLS_QUERIES):
        response = member_client.get(reverse("home"))
    assert card_count(response) == n
    content = html(response)
    assert content.count('class="poll"') == n
    assert content.count("(your choice)") == len(range(0, n, 3))


@pytest.mark.usefixtures("_everything_on_one_page")
@pytest.mark.parametrize("n", SIZES)
def test_home_with_reposted_polls_query_count_does_not_grow(
    member_client, user, django_assert_num_queries, n
):
    """Reposts of polls (by followed users, of others' polls) cost the same for 1 as for 40."""
    for _ in range(n):
        post_repost(user=FollowFactory(follower=user).followee, post=poll_post())
    with django_assert_num_queries(HOME_WITH_REPOSTED_POLLS_QUERIES):
        response = member_client.get(reverse("home"))
    assert card_count(response) == n
    assert html(response).count('class="poll"') == n


@pytest.mark.parametrize("multiple", [False, True])
def test_a_vote_costs_a_pinned_number_of_queries(user, django_assert_num_queries, multiple):
    """One option or all of them: a vote costs the same."""
    post = poll_post(multiple=multiple)
    chosen = options(post) if multiple else options(post)[:1]
    with django_assert_num_queries(VOTE_QUERIES):
        poll_vote(user=user, poll=post.poll, option_ids=chosen)
    assert PollVote.objects.get(user=user).choices.count() == len(chosen)


def test_an_htmx_vote_costs_a_pinned_number_of_queries(
    member_client, user, django_assert_num_queries
):
    """The vote view: the card, the vote and the card again, nothing per option."""
    post = poll_post(multiple=True)
    data = {"choice": options(post)}
    with django_assert_num_queries(HTMX_VOTE_QUERIES):
        response = member_client.post(vote_url(post), data, headers=HTMX)
    assert shows_results(html(response))


# Compose -----------------------------------------------------------------------------------------


def compose(client, **poll):
    data = {"body": "Lunch?", "visibility": "public", "poll-duration": "60", **poll}
    return client.post(reverse("post_create"), data)


def test_compose_with_options_publishes_a_poll(member_client, user):
    """Filled options make a poll, with the chosen length and kind."""
    before = timezone.now()
    response = compose(
        member_client, **{"poll-option_1": "Pizza", "poll-option_3": "Soup", "poll-multiple": "on"}
    )
    assert response.status_code == 302
    post = user.posts.get()
    assert list(post.poll.options.values_list("title", flat=True)) == ["Pizza", "Soup"]
    assert post.poll.multiple
    assert before + HOUR <= post.poll.expires_at <= timezone.now() + HOUR


def test_compose_without_options_publishes_no_poll(member_client, user):
    """Empty options: a plain post."""
    assert compose(member_client).status_code == 302
    assert not hasattr(user.posts.get(), "poll")


@pytest.mark.parametrize(
    ("poll", "words"),
    [
        ({"poll-option_1": "Only one"}, "2 to 4"),
        ({"poll-option_1": "Same", "poll-option_2": "same"}, "different"),
        ({"poll-option_1": "a", "poll-option_2": "b", "poll-duration": "2"}, "valid choice"),
        ({"poll-option_1": "a", "poll-option_2": "x" * 51}, "at most 50"),
    ],
)
def test_a_bad_poll_shows_the_form_again_with_what_was_typed(member_client, user, poll, words):
    """A refused poll saves nothing and keeps the text and options typed."""
    response = compose(member_client, **poll)
    assert response.status_code == 400
    content = html(response)
    assert words in content
    assert "Lunch?" in content
    assert f'value="{poll["poll-option_1"]}"' in content
    assert not user.posts.exists()


def test_the_notifications_page_says_whose_poll_ended(client, commits):
    """The author reads "Your poll has ended", a voter "A poll you voted in has ended"."""
    author, voter = UserFactory(), UserFactory()
    post = poll_post(author=author)
    poll_vote(user=voter, poll=post.poll, option_ids=options(post)[:1])
    polls_close_due(now=timezone.now() + 2 * HOUR)
    client.force_login(author)
    content = html(client.get(reverse("notifications")))
    assert "Your poll has ended" in content
    assert "A poll you voted in has ended" not in content
    client.force_login(voter)
    content = html(client.get(reverse("notifications")))
    assert "A poll you voted in has ended" in content
    assert "Your poll has ended" not in content


@pytest.mark.parametrize("choice", [str(2**63), "9" * 19, "9" * 40])
def test_an_option_id_too_large_for_any_row_is_refused_clearly(choice):
    """A number larger than any 64-bit id is "not an option" (a clear refusal), never an
    overflow in the database driver, with and without htmx."""
    from django.test import Client

    author, voter = UserFactory(), UserFactory()
    post = PostFactory(
        author=author,
        body="Tabs or spaces?",
        poll=PollSpec(options=["Tabs", "Spaces"], expires_in=dt.timedelta(hours=1)),
    )
    client = Client(raise_request_exception=False)
    client.force_login(voter)
    url = reverse("poll_vote", kwargs={"username": author.username, "pk": post.pk})
    plain = client.post(url, {"choice": choice})
    htmx = client.post(url, {"choice": choice}, headers=HTMX)
    assert (plain.status_code, htmx.status_code) == (302, 200)
    assert "Choose among this poll" in htmx.content.decode()
    assert not PollVote.objects.exists()
