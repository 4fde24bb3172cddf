"""Quote posts: who may quote what, the quoted card (or "Post unavailable"), the notification,
detaching, the pages, and their query counts."""

import re
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from notifications.models import Kind, Notification
from posts.models import Post, Visibility
from posts.selectors import post_get_visible
from posts.services import ImageUpload, post_create, post_delete, post_repost
from posts.services.quotes import quote_detach
from social.selectors import most_followed_ids
from social.services import block_create, follow_create, mute_create
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import FollowFactory, PostFactory, UserFactory
from timelines import selectors as timelines
from users.models import QuotePolicy
from users.services import user_delete

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def quote(author, post, body="Look at this", **kwargs) -> Post:
    return post_create(author=author, body=body, quote_of=post, **kwargs)


def with_policy(policy: str):
    author = UserFactory()
    author.quote_policy = policy
    author.save(update_fields=["quote_policy"])
    return author


# Who may quote what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "relation", "allowed"),
    [
        (QuotePolicy.EVERYONE, "stranger", True),
        (QuotePolicy.EVERYONE, "follower", True),
        (QuotePolicy.FOLLOWERS, "stranger", False),
        (QuotePolicy.FOLLOWERS, "follower", True),
        (QuotePolicy.NOBODY, "stranger", False),
        (QuotePolicy.NOBODY, "follower", False),
        (QuotePolicy.NOBODY, "author", True),
    ],
)
def test_quote_policy_matrix(user, policy, relation, allowed):
    author = with_policy(policy)
    original = PostFactory(author=author)
    quoter = author if relation == "author" else user
    if relation == "follower":
        follow_create(follower=user, followee=author)
    if allowed:
        made = quote(quoter, original)
        assert (made.quote_of, made.is_quote) == (original, True)
    else:
        with pytest.raises(PermissionDenied):
            quote(quoter, original)
        assert not Post.objects.filter(is_quote=True).exists()


def test_unlisted_posts_can_be_quoted(user):
    original = PostFactory(visibility=Visibility.UNLISTED)
    assert quote(user, original).quote_of == original


@pytest.mark.parametrize("visibility", [Visibility.FOLLOWERS, Visibility.DIRECT])
def test_followers_only_and_direct_posts_are_refused(user, visibility):
    author = UserFactory()
    follow_create(follower=user, followee=author)
    body = f"Hello @{user.username}"  # a direct post the quoter may see
    original = PostFactory(author=author, visibility=visibility, body=body)
    assert post_get_visible(user, original.pk).exists()
    with pytest.raises(PermissionDenied, match="public and unlisted"):
        quote(user, original)


@BLOCKED_EITHER_WAY
def test_blocked_either_way_is_refused(user, author_blocks):
    author = UserFactory()
    original = PostFactory(author=author)
    block_between(author, user, author_blocks=author_blocks)
    with pytest.raises(PermissionDenied):
        quote(user, original)


def test_quoting_a_repost_quotes_the_original(user):
    original = PostFactory()
    repost = post_repost(user=UserFactory(), post=original)
    assert quote(user, repost).quote_of == original


# Notification -------------------------------------------------------------------------------


def test_the_quoted_author_is_notified_and_detaching_withdraws_it(user):
    author = UserFactory()
    made = quote(user, PostFactory(author=author))
    notes = Notification.objects.filter(recipient=author, actor=user, kind=Kind.QUOTE)
    assert list(notes.values_list("post", flat=True)) == [made.pk]
    quote_detach(user=author, quote=made)
    assert not notes.exists()


def test_nobody_is_told_of_a_quote_they_cannot_see(user):
    """A followers-only quote is not shown to the quoted author who does not follow."""
    author = UserFactory()
    quote(user, PostFactory(author=author), visibility=Visibility.FOLLOWERS)
    assert not Notification.objects.filter(recipient=author, kind=Kind.QUOTE).exists()


def test_quoting_your_own_post_tells_nobody(user):
    quote(user, PostFactory(author=user))
    assert not Notification.objects.filter(kind=Kind.QUOTE).exists()


# Detach and deletion ------------------------------------------------------------------------


def test_only_the_quoted_author_may_detach(user, other_user):
    author = UserFactory()
    made = quote(user, PostFactory(author=author))
    for someone in (user, other_user):
        with pytest.raises(PermissionDenied):
            quote_detach(user=someone, quote=made)
    quote_detach(user=author, quote=made)
    made.refresh_from_db()
    assert (made.quote_of, made.is_quote) == (None, True)


def card(viewer, post: Post) -> Post:
    return post_get_visible(viewer, post.pk).get()


def test_a_deleted_original_leaves_the_quote_unavailable(member_client, user):
    author = UserFactory()
    original = PostFactory(author=author, body="the original words")
    made = quote(UserFactory(), original)
    post_delete(user=author, post=original)
    made.refresh_from_db()
    assert (made.quote_of, made.is_quote) == (None, True)
    content = member_client.get(made.get_absolute_url()).content.decode()
    assert "Post unavailable" in content
    assert "the original words" not in content


@pytest.mark.parametrize("why", ["blocked", "deactivated"])
def test_a_reader_who_cannot_see_the_original_sees_it_unavailable(member_client, user, why):
    author = UserFactory()
    original = PostFactory(author=author, body="the original words")
    made = quote(UserFactory(), original, body="quoting it")
    assert card(user, made).quote_visible is True
    if why == "blocked":
        block_create(blocker=author, blocked=user)
    else:
        author.is_active = False
        author.save(update_fields=["is_active"])
    assert card(user, made).quote_visible is False
    content = member_client.get(made.get_absolute_url()).content.decode()
    assert "quoting it" in content
    assert "Post unavailable" in content
    assert "the original words" not in content


def test_the_quoted_card_shows_with_its_content_warning(member_client, user):
    original = post_create(author=UserFactory(), body="hidden words", spoiler_text="Spoilers")
    made = quote(UserFactory(), original)
    content = member_client.get(made.get_absolute_url()).content.decode()
    quoted = content[content.index('class="quoted"') :]
    assert 'class="content-warning"' in quoted
    assert quoted.index("Spoilers") < quoted.index("hidden words")


def test_a_repost_of_a_quote_shows_the_quoted_card(user):
    original = PostFactory(body="the original words")
    made = quote(UserFactory(), original)
    reposter = FollowFactory(follower=user).followee
    repost = post_repost(user=reposter, post=made)
    shown = timelines.home(user).get(pk=repost.pk)
    assert shown.quote_visible is True
    assert shown.repost_of.quote_of == original


def test_account_deletion_leaves_quotes_unavailable(user):
    author = UserFactory()
    made = quote(user, PostFactory(author=author))
    user_delete(user=author)
    made.refresh_from_db()
    assert (made.quote_of, made.is_quote) == (None, True)


# Pages --------------------------------------------------------------------------------------


def test_quote_page_previews_and_posts(member_client, user):
    original = PostFactory(body="worth quoting")
    url = reverse("post_quote", kwargs={"username": original.author.username, "pk": original.pk})
    response = member_client.get(url)
    assert response.status_code == 200
    assert "worth quoting" in response.content.decode()
    response = member_client.post(url, {"body": "So true", "visibility": "public"})
    made = Post.objects.get(author=user, is_quote=True)
    assert response.status_code == 302
    assert response["Location"] == made.get_absolute_url()
    assert made.quote_of == original


def test_quote_page_keeps_what_was_typed_after_bad_input(member_client, user):
    original = PostFactory()
    url = reverse("post_quote", kwargs={"username": original.author.username, "pk": original.pk})
    response = member_client.post(url, {"body": "", "visibility": "everyone"})
    assert response.status_code == 400
    assert not Post.objects.filter(is_quote=True).exists()


def test_quote_page_refuses_what_may_not_be_quoted(member_client, user):
    original = PostFactory(author=with_policy(QuotePolicy.NOBODY))
    url = reverse("post_quote", kwargs={"username": original.author.username, "pk": original.pk})
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"body": "x", "visibility": "public"}).status_code == 403
    assert not Post.objects.filter(is_quote=True).exists()


def test_compose_passes_the_quote_through(member_client, user):
    original = PostFactory()
    form = {"body": "Quoted from compose", "visibility": "public", "poll-duration": 1440}
    response = member_client.post(reverse("post_create"), {**form, "quote_of": original.pk})
    assert response.status_code == 302
    assert Post.objects.get(author=user).quote_of == original


def test_compose_refuses_a_quote_it_may_not_make(member_client, user):
    original = PostFactory(author=with_policy(QuotePolicy.NOBODY))
    form = {"body": "Quoted from compose", "visibility": "public", "poll-duration": 1440}
    response = member_client.post(reverse("post_create"), {**form, "quote_of": original.pk})
    assert response.status_code == 400
    assert "does not allow quotes" in response.content.decode()
    assert 'name="quote_of"' in response.content.decode()
    assert not Post.objects.filter(author=user).exists()


def test_the_card_offers_quote_only_for_open_posts(member_client, user):
    author = FollowFactory(follower=user).followee
    PostFactory(author=author, body="open")
    PostFactory(author=author, body="closed", visibility=Visibility.FOLLOWERS)
    content = member_client.get(reverse("profile", kwargs={"username": author.username}))
    assert content.content.decode().count("/quote/") == 1


def test_detach_plain_asks_then_detaches(client, user):
    author = UserFactory()
    made = quote(user, PostFactory(author=author))
    client.force_login(author)
    url = reverse("quote_detach", kwargs={"username": user.username, "pk": made.pk})
    assert client.get(url).status_code == 200
    made.refresh_from_db()
    assert made.quote_of is not None
    assert client.post(url).status_code == 302
    made.refresh_from_db()
    assert made.quote_of is None


def test_detach_with_htmx_answers_unavailable(client, user):
    author = UserFactory()
    made = quote(user, PostFactory(author=author))
    client.force_login(author)
    content = client.get(made.get_absolute_url()).content.decode()
    assert "Detach my post" in content
    url = reverse("quote_detach", kwargs={"username": user.username, "pk": made.pk})
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Post unavailable" in response.content.decode()


def test_detach_of_someone_elses_quote_is_a_404(member_client, user):
    made = quote(UserFactory(), PostFactory(author=UserFactory()))
    url = reverse("quote_detach", kwargs={"username": made.author.username, "pk": made.pk})
    assert member_client.post(url).status_code == 404
    made.refresh_from_db()
    assert made.quote_of is not None


def test_the_quotes_of_a_post(member_client, user):
    original = PostFactory()
    quote(UserFactory(), original, body="public quote")
    quote(UserFactory(), original, body="hidden quote", visibility=Visibility.FOLLOWERS)
    url = reverse("post_quotes", kwargs={"username": original.author.username, "pk": original.pk})
    content = member_client.get(url).content.decode()
    assert "public quote" in content
    assert "hidden quote" not in content
    detail = member_client.get(original.get_absolute_url()).content.decode()
    assert "Quoted by 1" in detail


def test_profile_settings_change_the_quote_policy(member_client, user):
    response = member_client.post(
        reverse("settings_profile"),
        {"display_name": "Me", "bio": "", "quote_policy": QuotePolicy.FOLLOWERS},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.quote_policy == QuotePolicy.FOLLOWERS


# Query counts -------------------------------------------------------------------------------


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def image_post(author):
    upload = ImageUpload(
        file=SimpleUploadedFile("square.png", _png(), content_type="image/png"), alt_text="A"
    )
    return PostFactory(author=author, images=[upload])


# session, member, who to follow (above explore's first page), cards, card images, quoted
# posts' images, badge
EXPLORE_WITH_QUOTES = 7
# + the reposted originals' images and the quoted posts' images of reposted quotes
HOME_WITH_QUOTES = 8


@pytest.fixture
def _one_page(settings):
    settings.MSG_PAGE_SIZE = 100


@pytest.mark.usefixtures("_one_page")
@pytest.mark.parametrize("n", [1, 40])
def test_explore_with_quotes_is_flat(member_client, user, django_assert_num_queries, n):
    """Quotes of image posts, half of them of posts the reader cannot see: flat."""
    hidden = UserFactory()
    block_create(blocker=hidden, blocked=user)
    for i in range(n):
        quote(UserFactory(), image_post(hidden if i % 2 else UserFactory()))
    most_followed_ids()  # explore's who to follow: cached site-wide, as on nearly every view
    with django_assert_num_queries(EXPLORE_WITH_QUOTES):
        response = member_client.get(reverse("explore"))
    content = response.content.decode()
    assert len(re.findall(r'<div class="quoted"', content)) == n
    assert content.count("Post unavailable") == n // 2


@pytest.mark.usefixtures("_one_page")
@pytest.mark.parametrize("n", [1, 40])
def test_home_with_quotes_and_reposted_quotes_is_flat(
    member_client, user, django_assert_num_queries, n
):
    for _ in range(n):
        followee = FollowFactory(follower=user).followee
        made = quote(followee, image_post(UserFactory()))
        post_repost(user=FollowFactory(follower=user).followee, post=made)
    with django_assert_num_queries(HOME_WITH_QUOTES):
        response = member_client.get(reverse("home"))
    assert len(re.findall(r'<div class="quoted"', response.content.decode())) == 2 * n


def test_a_quote_folds_a_muted_accounts_post_on_home(client):
    """A followee's quote of an account the reader muted does not bring that account's post
    back into view: the quoted card stays folded behind a notice, closed, until opened."""
    reader, muted, friend = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=reader, followee=friend)
    original = PostFactory(author=muted, body="MUTED-ACCOUNT-TEXT")
    post_create(author=friend, body="look at this", quote_of=original)
    mute_create(muter=reader, muted=muted)
    client.force_login(reader)
    html = client.get(reverse("home")).content.decode()
    folded = re.search(r'<details class="quote-muted">(.*?)</details>', html, re.S)
    assert folded is not None
    assert "MUTED-ACCOUNT-TEXT" in folded.group(1)
    assert html.count("MUTED-ACCOUNT-TEXT") == 1
    assert "whom you muted" in folded.group(1)
    # Someone who did not mute the author sees the quoted post open.
    client.force_login(friend)
    html = client.get(reverse("home")).content.decode()
    assert "MUTED-ACCOUNT-TEXT" in html and "quote-muted" not in html


# The session and the user; the post as a card and its images; its quotes as cards, their
# images and the quoted post's images; the nav badges.
QUOTES_PAGE_QUERIES = 8


@pytest.mark.parametrize("n", [1, 40])
def test_the_quotes_page_query_count_is_flat(member_client, user, django_assert_num_queries, n):
    original = PostFactory()
    for _ in range(n):
        quote(UserFactory(), original, body="a quote")
    url = reverse("post_quotes", kwargs={"username": original.author.username, "pk": original.pk})
    with django_assert_num_queries(QUOTES_PAGE_QUERIES):
        response = member_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="quoted"') == min(n, 20)
