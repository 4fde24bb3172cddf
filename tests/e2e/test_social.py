"""The social layer in headless Chromium: follows, mentions, tags, likes, reposts, comments,
notifications and avatars, between two people in two browser contexts; and the README's
screenshot of the home timeline with the demo data."""

import os
import re
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from posts.models import Post
from tests.e2e.test_flows import expect_logged_in_home, field, log_in, member
from tests.factories import PASSWORD
from timelines.management.commands.seed_demo import DEMO_PASSWORD
from users.models import CustomUser

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-home.png"


def mark_document(page: Page) -> None:
    """Tag the current document, so same_document() tells whether a full load happened."""
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def action(card: Locator, name: str) -> Locator:
    """The like, repost or bookmark button in a card's actions bar (in either state)."""
    return card.locator(f"form[action$='/{name}/'] button, form[action$='/un{name}/'] button")


def press(page: Page, card: Locator, name: str, *, count: str | None, label: str) -> None:
    """Click an action; htmx swaps the bar in place: pressed, new label and count."""
    mark_document(page)
    action(card, name).click()
    button = action(card, name)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".label")).to_have_text(label)
    if count is not None:
        expect(button.locator(".count")).to_have_text(count)
    assert same_document(page), f"{name} caused a full page load"


def follow(page: Page, other: CustomUser, *, followers_after: str) -> None:
    """Follow other from their profile; htmx flips the button without a reload."""
    page.goto(f"/@{other.username}/")
    relationship = page.locator("#relationship")
    expect(relationship.locator("#followers-count")).to_have_text("0")
    mark_document(page)
    relationship.get_by_role("button", name="Follow", exact=True).click()
    expect(relationship.get_by_role("button", name="Unfollow", exact=True)).to_be_visible()
    expect(relationship.get_by_role("button", name="Follow", exact=True)).to_have_count(0)
    expect(relationship.locator("#followers-count")).to_have_text(followers_after)
    assert same_document(page), "following caused a full page load"


def publish(page: Page, body: str) -> Post:
    """Post from the compose form on the home page."""
    page.goto("/")
    field(page, "What's happening?").fill(body)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Posted.")
    post = Post.objects.get(body=body)
    expect(page.locator(f"#post-{post.pk}")).to_be_visible()
    return post


def comment(page: Page, post: Post, text: str) -> None:
    """Comment on the post page; htmx appends it and updates the count in place."""
    page.goto(post.get_absolute_url())
    mark_document(page)
    field(page, "Your comment").fill(text)
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#comment-list .comment")).to_contain_text(text)
    card = page.locator(f"#post-{post.pk}")
    expect(card.get_by_role("link", name="1 comment", exact=True)).to_be_visible()
    assert same_document(page), "the comment caused a full page load"


def badge(page: Page) -> Locator:
    return page.locator("#nav-notifications .badge")


def png(path: Path, size: tuple[int, int]) -> Path:
    """A colourful PNG of the given size, drawn with Pillow."""
    image = Image.new("RGB", size, "#2c7873")
    ImageDraw.Draw(image).ellipse((50, 50, size[0] - 50, size[1] - 50), fill="#f4d35e")
    image.save(path, "PNG")
    return path


def loaded_width(image: Locator) -> int:
    """The decoded image's natural width (decode() rejects when the image cannot load)."""
    return image.evaluate("img => img.decode().then(() => img.naturalWidth)")


def test_two_members_follow_mention_react_and_get_notified(
    new_page, live_server, console_errors, tmp_path
):
    """Two members follow each other, mention, like, repost and comment, all in place (htmx);
    the notification badge counts what happened; the tag page and the new avatar work."""
    ann, bob = member(), member()
    tag = f"harbour{uuid.uuid4().hex[:8]}"

    a = new_page()
    log_in(a, ann.username, PASSWORD)
    expect_logged_in_home(a, live_server.url)
    b = new_page()
    log_in(b, bob.username, PASSWORD)
    expect_logged_in_home(b, live_server.url)

    # 1. They follow each other from each other's profile.
    follow(a, bob, followers_after="1")
    follow(b, ann, followers_after="1")
    expect(b.locator("#relationship")).to_contain_text("Follows you")

    # 2. Ann mentions Bob with a new hashtag; it reaches Bob's home timeline. Bob posts too.
    ann_post = publish(a, f"Boats are in, @{bob.username}! #{tag}")
    bob_post = publish(b, "Fish for supper tonight.")
    b.goto("/")
    ann_card = b.locator(f"#post-{ann_post.pk}")
    expect(ann_card).to_contain_text("Boats are in,")
    expect(ann_card.get_by_role("link", name=f"@{bob.username}")).to_be_visible()

    # 3. Each likes, reposts and comments on the other's post; bars update in place.
    press(b, ann_card, "like", count="1", label="Liked")
    press(b, ann_card, "repost", count="1", label="Reposted")
    press(b, ann_card, "bookmark", count=None, label="Bookmarked")
    expect(action(ann_card, "like").locator(".count")).to_have_text("1")
    comment(b, ann_post, "Save me a crab.")

    a.goto("/")
    bob_card = a.locator(f"#post-{bob_post.pk}")
    expect(bob_card).to_contain_text("Fish for supper tonight.")
    press(a, bob_card, "like", count="1", label="Liked")
    press(a, bob_card, "repost", count="1", label="Reposted")
    comment(a, bob_post, "Only if you cook.")

    # Reloaded, Bob's home carries his repost of Ann's post, with the counts he made.
    b.goto("/")
    repost = b.locator("article.post", has=b.locator(".repost-note")).filter(
        has_text="Boats are in,"
    )
    expect(repost).to_have_count(1)
    expect(repost.locator(".repost-note")).to_contain_text("reposted")
    expect(action(repost, "like").locator(".count")).to_have_text("1")
    expect(repost.get_by_role("link", name="1 comment", exact=True)).to_be_visible()

    # 4. Bob's badge: Ann followed him, mentioned him, liked, reposted and commented on his post.
    b.goto("/explore/")
    expect(badge(b)).to_have_text("5")
    expect(badge(b)).to_have_attribute("aria-label", "5 unread")
    b.locator("#nav-notifications").click()
    expect(b).to_have_url(f"{live_server.url}/notifications/")
    notes = b.locator("article.notification")
    expect(notes).to_have_count(5)
    expect(b.locator("article.notification.unread")).to_have_count(5)
    for kind in (
        "followed you",
        "mentioned you",
        "liked your post",
        "reposted your post",
        "commented on your post",
    ):
        expect(notes.filter(has_text=kind)).to_have_count(1)
    expect(notes.filter(has_text="mentioned you")).to_contain_text(f"#{tag}")
    expect(notes.filter(has_text="commented on your post")).to_contain_text("Only if you cook.")
    b.goto("/")
    expect(b.locator("#nav-notifications")).to_be_visible()
    expect(badge(b)).to_have_count(0)
    b.goto("/notifications/")
    expect(b.locator("article.notification")).to_have_count(5)
    expect(b.locator("article.notification.unread")).to_have_count(0)

    # Ann's badge: Bob followed her, liked, reposted and commented on her post.
    a.goto("/")
    expect(badge(a)).to_have_text("4")

    # 5. The hashtag link leads to the tag page, which shows the post.
    b.goto(ann_post.get_absolute_url())
    b.locator(f"#post-{ann_post.pk}").get_by_role("link", name=f"#{tag}").click()
    expect(b).to_have_url(f"{live_server.url}/tags/{tag}/")
    expect(b.get_by_role("heading", name=f"#{tag}")).to_be_visible()
    expect(b.locator(f"#post-{ann_post.pk}")).to_contain_text("Boats are in,")
    expect(b.locator("article.post")).to_have_count(1)

    # 6. Ann uploads an avatar; her profile shows it, cropped and resized to 400 px square.
    a.goto("/settings/profile/")
    field(a, "Avatar").set_input_files(png(tmp_path / "portrait.png", (900, 600)))
    a.get_by_role("button", name="Save profile").click()
    expect(a.get_by_role("status")).to_have_text("Profile saved.")
    a.goto(f"/@{ann.username}/")
    avatar = a.get_by_role("img", name=f"Avatar of @{ann.username}")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/.+\.jpg$"))
    assert loaded_width(avatar) == 400
    # ... and her posts' cards carry it too, in Bob's timeline.
    b.goto("/")
    card_avatar = b.locator(f"#post-{ann_post.pk} img.avatar")
    expect(card_avatar).to_have_attribute("src", re.compile(r"^/media/avatars/"))
    assert loaded_width(card_avatar) == 400

    assert console_errors == []


def test_home_timeline_screenshot(new_page, live_server, console_errors, tmp_path):
    """The demo community's home timeline, as the README shows it.

    With MSG_UPDATE_SCREENSHOT=1 the picture is written to docs/screenshot-home.png;
    otherwise to tmp_path, so the normal suite leaves the repository alone.
    """
    call_command("seed_demo", stdout=StringIO())
    page = new_page(viewport={"width": 1000, "height": 1400})
    log_in(page, "ada", DEMO_PASSWORD)
    expect_logged_in_home(page, live_server.url)
    page.reload()  # without the "signed in" message
    expect(page.locator(".messages")).to_have_count(0)

    posts = page.locator("#timeline article.post")
    expect(posts.first).to_be_visible()
    assert posts.count() >= 10
    expect(page.locator("#timeline .repost-note").first).to_be_visible()
    uploaded = page.locator("#timeline img.avatar[src^='/media/avatars/']")
    expect(uploaded.first).to_be_visible()
    # Every picture on the page has loaded (a broken one would reject decode()).
    page.evaluate("Promise.all([...document.images].map(img => img.decode()))")
    assert page.evaluate("[...document.images].every(img => img.naturalWidth > 0)")

    if os.environ.get("MSG_UPDATE_SCREENSHOT") == "1":
        target = SCREENSHOT
        target.parent.mkdir(exist_ok=True)
    else:
        target = tmp_path / "screenshot-home.png"
    page.screenshot(path=target, animations="disabled", caret="hide")
    with Image.open(target) as shot:
        assert shot.size == (1000, 1400)
    assert console_errors == []
