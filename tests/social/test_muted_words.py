"""Muted words: the patterns (run on the real database backend), the services, where they
apply, expiry, own posts, reposts, the settings page, and the query counts of the timelines."""

import re
import string
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, TextField, Value
from django.db.models.lookups import IRegex
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification
from posts.models import Post
from posts.selectors import comments, muted_phrase
from posts.services import post_create, post_repost
from social import services
from social.models import FilterContext, MutedWord
from social.selectors import most_followed_ids
from social.services import block_create, muted_word_create, muted_word_delete, muted_word_update
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.timelines.test_queries import PAGES, QUERIES, make_world
from timelines import selectors as timelines

pytestmark = pytest.mark.django_db

ALL = list(FilterContext.values)

# (phrase, text, whether the phrase filters a post with that text)
TABLE: list[tuple[str, str, bool]] = [
    ("cat", "Cat!", True),
    ("cat", "the cat sat", True),
    ("cat", "CAT", True),
    ("cat", "a-cat-b", True),
    ("cat", "concat", False),
    ("cat", "cats", False),
    ("cat", "cat_", False),
    ("cat", "cat2", False),
    ("C++", "I love C++!", True),
    ("C++", "c++", True),
    ("C++", "C+", False),
    ("C++", "ABC++", False),
    ("a.b", "see a.b here", True),
    ("a.b", "(a.b)", True),
    ("a.b", "axb", False),
    ("naïve", "A NAÏVE idea", True),
    ("naïve", "naive", False),
    ("naïve", "naïveté", False),
    ("na", "naïve", False),  # ï is a word character in both engines
    ("über", "Über alles", True),
    ("(x)", "f (x) = 1", True),
    ("(x)", "(X)", True),
    ("(x)", "f x = 1", False),
    ("🐱", "I like 🐱s", True),
    ("🐱", "🐶", False),
    ('"quoted"', 'say "quoted" now', True),
    ('"quoted"', "say quoted now", False),
    ("it's", "It's fine", True),
    ("it's", "its fine", False),
    ("a\\b", "path a\\b here", True),
    ("a\\b", "path ab here", False),
    ("hello world", "Hello   world", True),
    ("hello world", "hello\nworld", True),
    ("hello world", "helloworld", False),
    ("$100", "costs $100.", True),
    ("$100", "costs $1000", False),
    ("^start", "a ^start", True),
    ("^start", "start", False),
    ("[abc]", "x [abc] y", True),
    ("[abc]", "a", False),
    (".*", "wild .* card", True),
    (".*", "anything", False),
    ("a|b", "a|b", True),
    ("a|b", "a", False),
    ("{2}", "x{2}", True),
    ("{2}", "xx", False),
    (string.punctuation, f"all {string.punctuation} here", True),
    (string.punctuation, "all punctuation here", False),
]
# Every ASCII punctuation mark between two letters, escaped in both engines alike.
TABLE += [(f"x{c}y", f"the x{c}y!", True) for c in string.punctuation]
TABLE += [(f"x{c}y", "the xzy!", False) for c in string.punctuation]


def matches_in_database(word: MutedWord, text: str) -> bool:
    """Run word's pattern on text in the database, as posts.selectors does (iregex)."""
    qs = MutedWord.objects.filter(pk=word.pk)
    return qs.filter(IRegex(Value(text, output_field=TextField()), F("pattern"))).exists()


@pytest.mark.parametrize(("phrase", "text", "expected"), TABLE)
def test_pattern_matches_whole_words_on_this_database(user, phrase, text, expected):
    """A phrase filters a text as whole words, any case, in the database (SQLite or
    PostgreSQL) and in Python's re alike."""
    word = muted_word_create(user=user, phrase=phrase)
    assert matches_in_database(word, text) is expected
    assert bool(re.search(f"(?i){word.pattern}", text)) is expected


# Services -----------------------------------------------------------------------------------


def test_create_trims_and_stores_the_contexts(user):
    word = muted_word_create(
        user=user, phrase="  spoilers   ahead ", contexts=[FilterContext.HOME, "thread"]
    )
    word.refresh_from_db()
    assert word.phrase == "spoilers ahead"
    assert (word.in_home, word.in_notifications, word.in_public, word.in_thread) == (
        True,
        False,
        False,
        True,
    )
    assert word.expires_at is None


@pytest.mark.parametrize(
    ("phrase", "contexts", "field"),
    [
        ("", ALL, "phrase"),
        ("   ", ALL, "phrase"),
        ("x" * 101, ALL, "phrase"),
        ("bad\x00word", ALL, "phrase"),
        ("fine", [], "contexts"),
        ("fine", ["everywhere"], "contexts"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(user, phrase, contexts, field):
    with pytest.raises(ValidationError) as error:
        muted_word_create(user=user, phrase=phrase, contexts=contexts)
    assert field in error.value.message_dict
    assert not MutedWord.objects.exists()


def test_a_phrase_of_100_characters_is_allowed(user):
    assert muted_word_create(user=user, phrase="x" * 100).phrase == "x" * 100


def test_the_same_phrase_in_another_case_is_refused(user):
    muted_word_create(user=user, phrase="Cat")
    with pytest.raises(ValidationError) as error:
        muted_word_create(user=user, phrase="cAT")
    assert "phrase" in error.value.message_dict
    assert muted_word_create(user=UserFactory(), phrase="cat").phrase == "cat"


def expire(word: MutedWord) -> None:
    MutedWord.objects.filter(pk=word.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def test_adding_an_expired_phrase_again_renews_its_filter(user, monkeypatch):
    """An expired filter filters nothing: adding its phrase again renews that row (places and
    expiry), even at the limit, while an active duplicate is still refused."""
    monkeypatch.setattr(services, "MUTED_WORDS_MAX", 2)
    old = muted_word_create(user=user, phrase="eclipse", expires_in=timedelta(hours=1))
    muted_word_create(user=user, phrase="other")
    expire(old)
    renewed = muted_word_create(user=user, phrase="Eclipse", contexts=[FilterContext.PUBLIC])
    assert renewed.pk == old.pk
    assert MutedWord.objects.filter(user=user).count() == 2
    renewed.refresh_from_db()
    assert renewed.expires_at is None
    assert (renewed.in_home, renewed.in_public) == (False, True)
    assert matches_in_database(renewed, "an ECLIPSE tonight")
    monkeypatch.setattr(services, "MUTED_WORDS_MAX", 3)
    with pytest.raises(ValidationError) as error:
        muted_word_create(user=user, phrase="eclipse")
    assert "already filter" in str(error.value.message_dict["phrase"])


def test_expiry_is_in_the_future(user):
    with pytest.raises(ValidationError):
        muted_word_create(user=user, phrase="a", expires_at=timezone.now() - timedelta(1))
    with pytest.raises(ValidationError):
        muted_word_create(user=user, phrase="b", expires_in=timedelta(0))
    with pytest.raises(ValidationError):
        muted_word_create(
            user=user,
            phrase="c",
            expires_in=timedelta(hours=1),
            expires_at=timezone.now() + timedelta(hours=1),
        )
    before = timezone.now()
    word = muted_word_create(user=user, phrase="d", expires_in=timedelta(hours=6))
    assert word.expires_at is not None
    assert before + timedelta(hours=6) <= word.expires_at <= timezone.now() + timedelta(hours=6)


def test_at_most_so_many_words(user, monkeypatch):
    monkeypatch.setattr(services, "MUTED_WORDS_MAX", 2)
    muted_word_create(user=user, phrase="one")
    muted_word_create(user=user, phrase="two")
    with pytest.raises(ValidationError):
        muted_word_create(user=user, phrase="three")
    assert MutedWord.objects.filter(user=user).count() == 2


def test_update_rebuilds_the_pattern_and_only_the_owner_may(user, other_user):
    word = muted_word_create(user=user, phrase="cat")
    with pytest.raises(PermissionDenied):
        muted_word_update(user=other_user, muted_word=word, phrase="dog", contexts=ALL)
    muted_word_update(user=user, muted_word=word, phrase="dog", contexts=[FilterContext.PUBLIC])
    word.refresh_from_db()
    assert word.phrase == "dog"
    assert matches_in_database(word, "Dog!")
    assert not matches_in_database(word, "cat")
    assert (word.in_home, word.in_public) == (False, True)


def test_delete_only_by_the_owner(user, other_user):
    word = muted_word_create(user=user, phrase="cat")
    with pytest.raises(PermissionDenied):
        muted_word_delete(user=other_user, muted_word=word)
    assert muted_word_delete(user=user, muted_word=word) is True
    assert not MutedWord.objects.exists()


# Selectors ----------------------------------------------------------------------------------


def home_card(viewer, post: Post) -> Post:
    return timelines.home(viewer).get(pk=post.pk)


@pytest.fixture
def followee(user):
    return FollowFactory(follower=user).followee


def test_a_matching_post_on_home_is_filtered_with_the_phrase(user, followee):
    muted_word_create(user=user, phrase="Cat")
    muted_word_create(user=user, phrase="dog")
    hit = PostFactory(author=followee, body="My CAT is asleep")
    miss = PostFactory(author=followee, body="My concatenation")
    assert home_card(user, hit).filtered == "Cat"
    assert home_card(user, miss).filtered is None
    # the post stays on the page: it collapses, it is not dropped
    assert set(timelines.home(user).values_list("pk", flat=True)) >= {hit.pk, miss.pk}


def test_the_content_warning_is_matched_too(user, followee):
    muted_word_create(user=user, phrase="election")
    post = post_create(author=followee, body="Long thread", spoiler_text="Election news")
    assert home_card(user, post).filtered == "election"


def test_an_expired_word_filters_nothing(user, followee):
    word = muted_word_create(user=user, phrase="cat", expires_in=timedelta(minutes=30))
    post = PostFactory(author=followee, body="cat")
    assert home_card(user, post).filtered == "cat"
    MutedWord.objects.filter(pk=word.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert home_card(user, post).filtered is None


def test_a_word_applies_only_in_its_contexts(user, followee):
    muted_word_create(user=user, phrase="cat", contexts=[FilterContext.PUBLIC])
    post = PostFactory(author=followee, body="cat")
    assert home_card(user, post).filtered is None
    assert timelines.explore(user).get(pk=post.pk).filtered == "cat"
    # a profile is no filter context: nothing collapses there
    assert timelines.profile(user, followee).get(pk=post.pk).filtered is None


def test_own_posts_and_own_reposts_are_never_filtered(user, followee):
    muted_word_create(user=user, phrase="cat")
    mine = PostFactory(author=user, body="my cat")
    assert home_card(user, mine).filtered is None
    repost = post_repost(user=user, post=PostFactory(author=UserFactory(), body="a cat"))
    assert home_card(user, repost).filtered is None


def test_a_repost_is_filtered_by_the_original_text(user, followee):
    muted_word_create(user=user, phrase="cat")
    original = PostFactory(author=UserFactory(), body="look, a cat")
    repost = post_repost(user=followee, post=original)
    assert home_card(user, repost).filtered == "cat"


def test_another_readers_words_do_not_apply(user, other_user, followee):
    muted_word_create(user=other_user, phrase="cat")
    post = PostFactory(author=followee, body="cat")
    assert home_card(user, post).filtered is None


def test_comments_are_filtered_in_threads(user):
    muted_word_create(user=user, phrase="cat", contexts=[FilterContext.THREAD])
    post = PostFactory(body="A question")
    comment = CommentFactory(in_reply_to=post, body="cat")
    assert comments(user, post).get(pk=comment.pk).filtered == "cat"


def test_muted_phrase_is_none_without_a_context_or_a_reader(user):
    assert muted_phrase(None, FilterContext.HOME).value is None
    assert muted_phrase(user, None).value is None


# Pages --------------------------------------------------------------------------------------


def test_the_card_collapses_behind_the_phrase(member_client, user, followee):
    muted_word_create(user=user, phrase="cat")
    PostFactory(author=followee, body="the cat is back")
    PostFactory(author=followee, body="nothing to see")
    content = member_client.get(reverse("home")).content.decode()
    assert content.count('<details class="filtered">') == 1
    assert "Filtered: <q>cat</q>" in content
    assert "the cat is back" in content  # inside the reveal


@pytest.mark.usefixtures("commits")
def test_notifications_collapse_in_their_context(member_client, user):
    muted_word_create(user=user, phrase="cat", contexts=[FilterContext.NOTIFICATIONS])
    PostFactory(body=f"@{user.username} look at this cat")
    assert Notification.objects.filter(recipient=user, kind=Kind.MENTION).exists()
    content = member_client.get(reverse("notifications")).content.decode()
    assert "Filtered: <q>cat</q>" in content


def test_settings_page_shows_the_empty_state(member_client):
    response = member_client.get(reverse("settings_filters"))
    assert response.status_code == 200
    assert "You filter no words yet" in response.content.decode()


def test_settings_page_adds_a_word(member_client, user):
    response = member_client.post(
        reverse("settings_filters"),
        {"phrase": "Spoilers", "contexts": ["home", "public"], "expires": "1d"},
    )
    assert response.status_code == 302
    word = MutedWord.objects.get(user=user)
    assert (word.phrase, word.in_home, word.in_public, word.in_thread) == (
        "Spoilers",
        True,
        True,
        False,
    )
    assert word.expires_at is not None
    assert timedelta(hours=23) < word.expires_at - timezone.now() <= timedelta(days=1)
    content = member_client.get(reverse("settings_filters")).content.decode()
    assert "Spoilers" in content
    assert "expires in" in content


@pytest.mark.parametrize(
    "data",
    [
        {"phrase": "", "contexts": ["home"], "expires": ""},
        {"phrase": "ok", "expires": ""},
        {"phrase": "ok", "contexts": ["nowhere"], "expires": ""},
        {"phrase": "ok", "contexts": ["home"], "expires": "forever"},
        {"phrase": "x" * 101, "contexts": ["home"], "expires": ""},
        {"phrase": "a\x00b", "contexts": ["home"], "expires": ""},
    ],
)
def test_settings_page_refuses_bad_input(member_client, data):
    response = member_client.post(reverse("settings_filters"), data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not MutedWord.objects.exists()


def test_settings_page_refuses_a_duplicate(member_client, user):
    muted_word_create(user=user, phrase="cat")
    response = member_client.post(
        reverse("settings_filters"), {"phrase": "CAT", "contexts": ["home"], "expires": ""}
    )
    assert response.status_code == 400
    assert "already filter" in response.content.decode()


def test_settings_page_renews_a_phrase_whose_filter_expired(member_client, user):
    """The page lists an expired filter as "expired"; adding its phrase again filters it
    again rather than calling it a duplicate."""
    expire(muted_word_create(user=user, phrase="eclipse", expires_in=timedelta(hours=1)))
    response = member_client.post(
        reverse("settings_filters"),
        {"phrase": "eclipse", "contexts": ["home", "public"], "expires": ""},
    )
    assert response.status_code == 302, response.content.decode()
    assert MutedWord.objects.filter(
        user=user, phrase__iexact="eclipse", expires_at__isnull=True
    ).exists()


def test_delete_asks_then_removes(member_client, user):
    word = muted_word_create(user=user, phrase="cat")
    url = reverse("muted_word_delete", kwargs={"pk": word.pk})
    assert member_client.get(url).status_code == 200
    assert MutedWord.objects.filter(pk=word.pk).exists()
    assert member_client.post(url).status_code == 302
    assert not MutedWord.objects.filter(pk=word.pk).exists()


def test_nobody_else_can_delete_a_word(member_client, other_user):
    word = muted_word_create(user=other_user, phrase="cat")
    url = reverse("muted_word_delete", kwargs={"pk": word.pk})
    assert member_client.get(url).status_code == 404
    assert member_client.post(url).status_code == 404
    assert MutedWord.objects.filter(pk=word.pk).exists()


# Query counts -------------------------------------------------------------------------------

# session, member, the reader's words, badge
FILTERS_QUERIES = 4


@pytest.fixture
def _everything_on_one_page(settings):
    settings.MSG_PAGE_SIZE = 50


@pytest.mark.parametrize("n", [1, 40])
def test_settings_page_query_count_is_flat(member_client, user, django_assert_num_queries, n):
    for i in range(n):
        muted_word_create(user=user, phrase=f"word{i}")
    with django_assert_num_queries(FILTERS_QUERIES):
        response = member_client.get(reverse("settings_filters"))
    assert response.content.decode().count('class="filter-row"') == n


@pytest.mark.usefixtures("commits", "_everything_on_one_page")
@pytest.mark.parametrize("n", [1, 40])
@pytest.mark.parametrize("words", [0, 3])
@pytest.mark.parametrize("page", ["home", "explore", "tag", "detail"])
def test_muted_words_add_no_query(member_client, user, django_assert_num_queries, page, words, n):
    """Home, explore, tag and a thread cost their pinned count (tests/timelines) with 0 or 3
    muted words, for 1 item as for 40."""
    setup = PAGES[page](make_world(user, 1), n)
    for phrase in ["lighthouse", "the", "a"][:words]:
        muted_word_create(user=user, phrase=phrase)
    most_followed_ids()  # explore's who to follow: cached site-wide, as on nearly every view
    with django_assert_num_queries(QUERIES[page]):
        response = member_client.get(setup.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert setup.count(content) == setup.items
    if words and page == "tag":  # "Seen from the coast #lighthouses": "the" matches
        assert content.count("Filtered: <q>the</q>") == n


def test_a_muted_word_in_the_quoted_post_filters_the_quote(client):
    """A quote shows its quoted post in full, so a muted word there filters the quote."""
    reader, friend = UserFactory(), UserFactory()
    FollowFactory(follower=reader, followee=friend)
    quoted = PostFactory(body="spoilers about DRAGONS here")
    post_create(author=friend, body="look at this", quote_of=quoted)
    muted_word_create(user=reader, phrase="dragons")
    client.force_login(reader)
    content = client.get(reverse("home")).content.decode()
    assert "DRAGONS" in content  # the quote is on the page, folded
    assert 'class="filtered"' in content


def test_a_muted_word_never_reads_a_quoted_post_hidden_from_the_reader(client):
    """A quote of a post the reader may not see shows "Post unavailable" and is folded only by
    its own words: matching the hidden text would tell a blocked reader, one filter at a time,
    which words the blocker's post holds."""
    author, quoter, reader = UserFactory(), UserFactory(), UserFactory()
    hidden = post_create(author=author, body="the launch date is friday")
    post_create(author=quoter, body="look at this", quote_of=hidden)
    block_create(blocker=author, blocked=reader)
    muted_word_create(user=reader, phrase="friday")
    client.force_login(reader)
    page = client.get(reverse("explore")).content.decode()
    assert "Post unavailable" in page
    assert '<details class="filtered">' not in page
    # The same quote, for a reader who may see the quoted post, is folded by its words.
    other = UserFactory()
    muted_word_create(user=other, phrase="friday")
    client.force_login(other)
    assert '<details class="filtered">' in client.get(reverse("explore")).content.decode()
