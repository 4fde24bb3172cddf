"""axe-core (via axe-playwright-python) finds no serious accessibility problems on any page, in
both themes (light and dark) and at both widths (a desktop and a phone).

The test runs once per (theme, width): xdist spreads the four runs over its workers. Each run
builds its data once and walks every page in one browser context, switching who is logged in by
swapping the session cookie.
"""

import time
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, expect

from conversations.services import message_send
from lists.services import list_create, list_member_add
from posts.models import Post, Visibility
from posts.services import media as media_services
from posts.services import post_create, post_edit, post_like, post_repost
from posts.services.polls import PollSpec
from social.services import follow_create, mute_create, muted_word_create
from tests.core.test_images import encode, quadrants, upload
from tests.e2e.test_flows import member
from tests.factories import CommentFactory, PostFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.browser

# axe's impact levels that fail the test; "minor" and "moderate" findings are reported only.
BLOCKING = {"serious", "critical"}

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
COMBOS = [(width, scheme) for width in VIEWPORTS for scheme in ("light", "dark")]


def serious_violations(page: Page) -> list[str]:
    """Run axe on the page; return one line per serious or critical violation."""
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        + f" [{v['nodes'][0].get('failureSummary', '')}]"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def log_in_as(page: Page, base_url: str, user: CustomUser | None) -> None:
    """Make page's context hold user's session (or none, for a visitor)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def with_images(author: CustomUser, alts: list[str]) -> Post:
    ids = [
        media_services.media_upload(
            owner=author, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=alt
        ).pk
        for alt in alts
    ]
    return post_create(author=author, body="Two pictures #a11y", media_ids=ids)


@pytest.mark.parametrize(("width", "scheme"), COMBOS, ids=[f"{w}-{s}" for w, s in COMBOS])
def test_every_page_passes_axe(new_page, live_server, settings, width, scheme, console_errors):
    """Public pages, a new member's first screen, every member page with real content on it,
    and the open lightbox and block dialog: no serious or critical axe violations."""
    started = time.monotonic()
    page = new_page(viewport=VIEWPORTS[width], color_scheme=scheme)
    problems: list[str] = []

    def check(path: str, status: int = 200) -> None:
        response = page.goto(path)
        if response is None or response.status != status:
            problems.append(f"{path}: answered {response and response.status}, not {status}")
        problems.extend(serious_violations(page))

    reader, writer = member(), UserFactory(username="hopper")
    newcomer, other = member(), member()
    post = PostFactory(author=writer, body="Accessible #a11y post mentioning @" + reader.username)
    pictures = with_images(writer, ["A red square", "A green square"])

    # A visitor; then, with MSG_PUBLIC_PAGES on, the pages anyone may read.
    for path in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        check(path)
    settings.MSG_PUBLIC_PAGES = True
    for path in ["/", f"/@{writer.username}/", post.get_absolute_url(), "/tags/a11y/"]:
        check(path)
    settings.MSG_PUBLIC_PAGES = False
    check("/no-such-page/", status=404)
    # The browser logs the 404 status itself as a console error: that one is expected.
    console_errors[:] = [error for error in console_errors if "/no-such-page/" not in error]

    # A new member's empty home: who to follow and trending tags.
    log_in_as(page, live_server.url, newcomer)
    page.goto("/")
    expect(page.locator("#main")).to_contain_text(f"@{writer.username}")
    expect(page.locator("#main")).to_contain_text("a11y")
    problems.extend(serious_violations(page))

    log_in_as(page, live_server.url, reader)
    for path in member_pages(reader, writer, other, post):
        check(path)

    # The lightbox, opened from a card's image.
    page.goto(pictures.get_absolute_url())
    page.locator(f"#post-{pictures.pk} a.post-image-link").first.click()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    problems.extend(serious_violations(page))

    # The block confirmation, as a <dialog> on the profile.
    page.goto(f"/@{writer.username}/")
    page.locator("#relationship").get_by_role("button", name="Block", exact=True).click()
    expect(page.get_by_role("dialog", name=f"Block @{writer.username}?")).to_be_visible()
    problems.extend(serious_violations(page))

    print(f"axe {width}-{scheme}: {time.monotonic() - started:.1f} s")
    assert problems == [], "\n".join(problems)
    assert console_errors == []


def member_pages(
    reader: CustomUser, writer: CustomUser, other: CustomUser, post: Post
) -> list[str]:
    """Give reader a timeline, notifications of several kinds, a poll, a content warning, a
    quote, an edit, a direct message, a list, a mute and a muted word; return the pages."""
    follow_create(follower=reader, followee=writer)
    follow_create(follower=writer, followee=reader)
    mine = PostFactory(author=reader, body="My own post")
    CommentFactory(in_reply_to=post, author=reader)
    CommentFactory(in_reply_to=mine, author=writer)
    post_like(user=reader, post=post)
    post_repost(user=reader, post=post)
    post_like(user=writer, post=mine)
    post_repost(user=writer, post=mine)
    quoting = post_create(author=writer, body="Quoting you", quote_of=mine)
    poll = post_create(
        author=writer,
        body="Which editor?",
        poll=PollSpec(options=["vim", "emacs"], expires_in=timedelta(hours=1)),
    )
    warned = post_create(author=writer, body="the ending", spoiler_text="Film spoilers")
    both = post_create(
        author=writer,
        body="Pick one",
        spoiler_text="Poll inside",
        poll=PollSpec(options=["yes", "no"], expires_in=timedelta(hours=1)),
    )
    post_create(author=writer, body="unlisted words", visibility=Visibility.UNLISTED)
    quote = post_create(author=reader, body="So true", quote_of=post)
    post_edit(user=writer, post=poll, body="Which editor do you use?")
    message = message_send(author=writer, body="Hello there", recipients=[reader])
    list_ = list_create(owner=reader, title="Writers")
    list_member_add(owner=reader, list_=list_, user=writer)
    word = muted_word_create(user=reader, phrase="spoilers")
    mute_create(muter=reader, muted=other)
    name, pk = writer.username, post.pk
    return [
        "/",
        "/explore/",
        f"/@{name}/",
        post.get_absolute_url(),
        warned.get_absolute_url(),
        both.get_absolute_url(),
        "/notifications/",
        "/search/?q=hopper",
        "/search/?q=accessible",
        "/tags/a11y/",
        "/bookmarks/",
        "/settings/profile/",
        "/settings/blocks/",
        "/settings/mutes/",
        "/settings/filters/",
        "/accounts/password/change/",
        f"/@{name}/followers/",
        f"/@{name}/following/",
        f"/@{name}/{pk}/likes/",
        f"/@{name}/{pk}/reposts/",
        f"/@{name}/{pk}/quotes/",
        f"/@{name}/{pk}/quote/",
        f"/@{name}/{poll.pk}/history/",
        f"/@{name}/block/",
        quote.get_absolute_url(),
        "/messages/",
        f"/messages/{message.pk}/",
        f"/messages/new/?to={name}",
        "/lists/",
        f"/lists/{list_.pk}/",
        f"/lists/{list_.pk}/edit/",
        f"/@{name}/lists/",
        # The confirmation pages and the edit form.
        f"/lists/{list_.pk}/delete/",
        f"/settings/filters/{word.pk}/delete/",
        f"/@{reader.username}/{mine.pk}/edit/",
        f"/@{reader.username}/{mine.pk}/delete/",
        f"/@{name}/{quoting.pk}/detach/",
    ]
