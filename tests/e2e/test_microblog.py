"""Issue 8's microblog features in headless Chromium, between several people: a poll voted and
then closed by the periodic job, a quote and its detaching, a content warning revealed, and an
image uploaded first whose alt text survives a refused post and is edited afterwards."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from posts.models import Poll, PollVote, Post, PostImage
from tests.e2e.test_flows import field, log_in, member
from tests.e2e.test_social import badge, mark_document, png, publish, same_document
from tests.factories import PASSWORD
from users.models import CustomUser

pytestmark = pytest.mark.browser


def signed_in(new_page, person: CustomUser, **context_options) -> Page:
    """A page of its own for person, logged in."""
    page = new_page(**context_options)
    log_in(page, person.username, PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def notes(page: Page):
    return page.locator("article.notification")


def test_a_poll_voted_by_two_members_and_closed_by_the_periodic_job(new_page, console_errors):
    """The author adds a poll from the compose form; one member votes in place (htmx), another
    without JavaScript; results show to voters and the author only. The close_polls job ends
    it once, even run twice: author and voters are told, and everybody sees the final results."""
    ann, bob, cat, dan = member(), member(), member(), member()
    a = signed_in(new_page, ann)

    # Ann writes a three-option poll, open for 5 minutes.
    a.goto("/")
    field(a, "What's happening?").fill("Tea or coffee for the night shift?")
    a.get_by_text("Add a poll", exact=True).click()
    field(a, "Option 1").fill("Tea")
    field(a, "Option 2").fill("Coffee")
    field(a, "Option 3").fill("Neither")
    field(a, "Poll length").select_option(label="5 minutes")
    a.get_by_role("button", name="Post", exact=True).click()
    expect(a.get_by_role("status")).to_have_text("Posted.")
    post = Post.objects.get(author=ann)
    poll = Poll.objects.get(post=post)
    assert [o.title for o in poll.options.order_by("position")] == ["Tea", "Coffee", "Neither"]
    assert timedelta(minutes=4) < poll.expires_at - timezone.now() <= timedelta(minutes=5)
    # The author sees the (empty) results, not a vote form.
    own_poll = a.locator(f"#post-{post.pk} .poll")
    expect(own_poll.locator(".poll-results li")).to_have_count(3)
    expect(own_poll.get_by_role("button", name="Vote")).to_have_count(0)
    expect(own_poll.locator(".poll-meta")).to_contain_text("0 voters")

    # Bob votes on the post page; htmx swaps the results in without a page load.
    b = signed_in(new_page, bob)
    b.goto(post.get_absolute_url())
    poll_box = b.locator(f"#post-{post.pk} .poll")
    expect(poll_box.locator(".poll-results")).to_have_count(0)
    mark_document(b)
    poll_box.get_by_label("Coffee").check()
    poll_box.get_by_role("button", name="Vote").click()
    poll_box = b.locator(f"#post-{post.pk} .poll")
    expect(poll_box.locator(".poll-results li.chosen")).to_contain_text("Coffee")
    expect(poll_box.locator(".poll-results li.chosen")).to_contain_text("(your choice)")
    expect(poll_box.locator("li.chosen .poll-percent")).to_have_text("100%")
    expect(poll_box.get_by_role("button", name="Vote")).to_have_count(0)
    assert same_document(b), "voting caused a full page load"

    # Cat votes without JavaScript: the plain form posts and redirects back to the post.
    c = signed_in(new_page, cat, java_script_enabled=False)
    c.goto(post.get_absolute_url())
    c.locator(f"#post-{post.pk} .poll").get_by_label("Tea").check()
    c.locator(f"#post-{post.pk} .poll").get_by_role("button", name="Vote").click()
    expect(c.get_by_role("status")).to_have_text("Your vote was counted.")
    expect(c).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "$"))
    cat_poll = c.locator(f"#post-{post.pk} .poll")
    expect(cat_poll.locator("li.chosen")).to_contain_text("Tea")
    expect(cat_poll.locator("li.chosen .poll-percent")).to_have_text("50%")
    expect(cat_poll.locator(".poll-meta")).to_contain_text("2 voters")
    assert PollVote.objects.filter(poll=poll).count() == 2

    # Dan has not voted: he gets the form and no results while the poll is open.
    d = signed_in(new_page, dan)
    d.goto(post.get_absolute_url())
    dan_poll = d.locator(f"#post-{post.pk} .poll")
    expect(dan_poll.get_by_role("button", name="Vote")).to_be_visible()
    expect(dan_poll.locator(".poll-results")).to_have_count(0)
    expect(dan_poll.locator(".poll-percent")).to_have_count(0)

    # Time passes (set up in the database), and the real periodic job runs, twice.
    Poll.objects.filter(pk=poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("close_polls", stdout=out)
    assert out.getvalue().strip() == "Closed 1 poll."
    again = StringIO()
    call_command("close_polls", stdout=again)
    assert again.getvalue().strip() == "Closed 0 polls."

    # The author and both voters are told once; Dan is not.
    for page, text in (
        (a, "Your poll has ended"),
        (b, "A poll you voted in has ended"),
        (c, "A poll you voted in has ended"),
    ):
        page.goto("/explore/")
        expect(badge(page)).to_have_text("1")
        page.goto("/notifications/")
        expect(notes(page)).to_have_count(1)
        expect(notes(page)).to_contain_text(text)
        expect(notes(page)).to_contain_text("Tea or coffee for the night shift?")
    d.goto("/explore/")
    expect(d.locator("#nav-notifications")).to_be_visible()
    expect(badge(d)).to_have_count(0)

    # Dan, who never voted, now sees the final results and can no longer vote.
    d.goto(post.get_absolute_url())
    dan_poll = d.locator(f"#post-{post.pk} .poll")
    expect(dan_poll.get_by_role("button", name="Vote")).to_have_count(0)
    results = dan_poll.locator(".poll-results li")
    expect(results).to_have_count(3)
    expect(results.filter(has_text="Tea").locator(".poll-percent")).to_have_text("50%")
    expect(results.filter(has_text="Coffee").locator(".poll-percent")).to_have_text("50%")
    expect(results.filter(has_text="Neither").locator(".poll-percent")).to_have_text("0%")
    expect(dan_poll.locator("li.chosen")).to_have_count(0)
    expect(dan_poll.locator(".poll-meta")).to_contain_text("Closed")
    assert console_errors == []


def test_a_quote_notified_then_detached_by_the_quoted_author(new_page, live_server, console_errors):
    """Bob quotes Ann's public post from its card's Quote link: his post shows hers inside it
    and Ann is told. Ann detaches her post in place (htmx, after confirming); the quote then
    shows "Post unavailable" to everybody, and her post itself stays."""
    ann, bob = member(), member()
    a = signed_in(new_page, ann)
    original = publish(a, "Harbour lights are back on tonight.")

    b = signed_in(new_page, bob)
    b.goto(original.get_absolute_url())
    b.locator(f"#post-{original.pk}").get_by_role("link", name="Quote", exact=True).click()
    expect(b).to_have_url(f"{live_server.url}{original.get_absolute_url()}quote/")
    expect(b.get_by_role("heading", name="Quote this post")).to_be_visible()
    preview = b.locator(".quoted")
    expect(preview).to_contain_text("Harbour lights are back on tonight.")
    expect(preview).to_contain_text(f"@{ann.username}")
    field(b, "Your comment on this post").fill("Finally! Worth the walk down.")
    b.get_by_role("button", name="Post quote").click()
    expect(b.get_by_role("status")).to_have_text("Quoted.")
    quote = Post.objects.get(author=bob)
    assert quote.quote_of_id == original.pk and quote.is_quote
    expect(b).to_have_url(f"{live_server.url}{quote.get_absolute_url()}")
    card = b.locator(f"#post-{quote.pk}")
    expect(card.locator(".post-body").first).to_contain_text("Finally! Worth the walk down.")
    quoted = card.locator(".quoted")
    expect(quoted).to_contain_text("Harbour lights are back on tonight.")
    expect(quoted.get_by_role("link", name=ann.name, exact=True)).to_have_attribute(
        "href", f"/@{ann.username}/"
    )
    # Only the quoted author may detach: Bob has no such link.
    expect(quoted.get_by_role("link", name="Detach my post")).to_have_count(0)

    # Ann is told, and follows the notification to the quote.
    a.goto("/explore/")
    expect(badge(a)).to_have_text("1")
    a.goto("/notifications/")
    note = notes(a)
    expect(note).to_have_count(1)
    expect(note).to_contain_text("quoted your post")
    expect(note).to_contain_text(bob.name)
    note.get_by_role("link", name="see post").click()
    expect(a).to_have_url(f"{live_server.url}{quote.get_absolute_url()}")

    # She detaches her post in place, once she confirms.
    mark_document(a)
    a.once("dialog", lambda dialog: dialog.accept())
    a.locator(f"#post-{quote.pk} .quoted").get_by_role("link", name="Detach my post").click()
    expect(a.locator(f"#post-{quote.pk} .quoted")).to_have_text("Post unavailable")
    assert same_document(a), "detaching caused a full page load"
    quote.refresh_from_db()
    assert quote.quote_of_id is None
    assert Post.objects.filter(pk=original.pk).exists()

    # Bob's quote now shows the gap; his own words stay. Ann's notification is gone.
    b.reload()
    card = b.locator(f"#post-{quote.pk}")
    expect(card.locator(".quoted")).to_have_text("Post unavailable")
    expect(card).to_contain_text("Finally! Worth the walk down.")
    expect(card).not_to_contain_text("Harbour lights")
    a.goto("/notifications/")
    expect(notes(a)).to_have_count(0)
    assert console_errors == []


def test_a_content_warning_hides_the_post_until_show_more(new_page, console_errors):
    """A post written with a content warning shows only the warning to readers; the native
    <details> reveals the text on "Show more" and hides it again on "Show less"."""
    ann, bob = member(), member()
    a = signed_in(new_page, ann)
    a.goto("/")
    field(a, "What's happening?").fill("The butler did it, in the library.")
    a.get_by_text("Audience and content warning", exact=True).click()
    field(a, "Content warning (optional)").fill("Spoilers for the finale")
    a.get_by_role("button", name="Post", exact=True).click()
    expect(a.get_by_role("status")).to_have_text("Posted.")
    post = Post.objects.get(author=ann)
    assert post.spoiler_text == "Spoilers for the finale"

    b = signed_in(new_page, bob)
    b.goto(post.get_absolute_url())
    card = b.locator(f"#post-{post.pk}")
    warning = card.locator("details.content-warning")
    body = card.get_by_text("The butler did it, in the library.")
    expect(warning.locator("summary")).to_contain_text("Spoilers for the finale")
    expect(warning.get_by_text("Show more")).to_be_visible()
    expect(body).to_be_hidden()
    expect(warning).not_to_have_attribute("open", "")

    warning.get_by_text("Show more").click()
    expect(body).to_be_visible()
    expect(warning).to_have_attribute("open", "")
    expect(warning.get_by_text("Show less")).to_be_visible()
    expect(warning.get_by_text("Show more")).to_be_hidden()

    warning.get_by_text("Show less").click()
    expect(body).to_be_hidden()
    assert console_errors == []


def test_an_image_uploaded_first_survives_a_refused_post_and_its_alt_text_is_edited(
    new_page, live_server, console_errors, tmp_path: Path
):
    """Choosing an image uploads it at once (htmx): a thumbnail and an alt-text field replace
    the file input. A post refused for its blank text keeps the image attached with its
    description, so it is posted without choosing it again; the alt text is edited afterwards."""
    ann, bob = member(), member()
    a = signed_in(new_page, ann)
    a.goto("/")
    a.get_by_text("Add images (up to 4)", exact=True).click()
    mark_document(a)
    field(a, "Image 1").set_input_files(png(tmp_path / "pier.png", (640, 480)))
    # The upload is done when the server's draft (its hidden media id) replaces the preview.
    expect(a.locator("input[type=hidden][name=media]")).to_have_count(1)
    thumb = a.locator(".compose-media img.compose-thumb")
    expect(thumb).to_have_count(1)
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert same_document(a), "the upload caused a full page load"
    draft = PostImage.objects.get(owner=ann)
    assert draft.post_id is None
    expect(a.locator("input[type=hidden][name=media]")).to_have_value(str(draft.pk))

    # The description is saved as soon as it changes.
    alt = field(a, "Description of image 1 (alt text)")
    alt.fill("A yellow sun setting over a teal sea")
    alt.blur()
    expect(a.locator(f"#media-{draft.pk}-status")).to_have_text("Description saved.")
    draft.refresh_from_db()
    assert draft.alt_text == "A yellow sun setting over a teal sea"

    # Only spaces as text: refused, and the page comes back with the image still attached.
    field(a, "What's happening?").fill("   ")
    a.get_by_role("button", name="Post", exact=True).click()
    expect(a.locator(".field-error[role=alert]")).not_to_have_count(0)
    assert not Post.objects.filter(author=ann).exists()
    thumb = a.locator(".compose-media img.compose-thumb")
    expect(thumb).to_have_count(1)
    expect(thumb).to_be_visible()
    expect(field(a, "Description of image 1 (alt text)")).to_have_value(
        "A yellow sun setting over a teal sea"
    )
    expect(a.locator("input[type=hidden][name=media]")).to_have_value(str(draft.pk))
    assert all(not f.input_value() for f in a.locator("input[type=file]").all())

    # Fixed text, and the same upload is posted with its description.
    field(a, "What's happening?").fill("Sunset at the pier.")
    a.get_by_role("button", name="Post", exact=True).click()
    expect(a.get_by_role("status")).to_have_text("Posted.")
    post = Post.objects.get(author=ann)
    draft.refresh_from_db()
    assert draft.post_id == post.pk
    assert PostImage.objects.filter(owner=ann).count() == 1

    b = signed_in(new_page, bob)
    b.goto(post.get_absolute_url())
    picture = b.locator(f"#post-{post.pk} .post-images img")
    expect(picture).to_have_count(1)
    expect(picture).to_have_attribute("alt", "A yellow sun setting over a teal sea")
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    # Ann corrects the description on the post's edit page.
    a.goto(post.get_absolute_url())
    a.locator(f"#post-{post.pk}").get_by_role("link", name="Edit", exact=True).click()
    alt = field(a, "Description of image 1 (alt text)")
    expect(alt).to_have_value("A yellow sun setting over a teal sea")
    alt.fill("A yellow sun setting over a teal sea, seen from the pier")
    a.get_by_role("button", name="Save").click()
    expect(a).to_have_url(f"{live_server.url}{post.get_absolute_url()}")
    b.reload()
    expect(b.locator(f"#post-{post.pk} .post-images img")).to_have_attribute(
        "alt", "A yellow sun setting over a teal sea, seen from the pier"
    )
    expect(b.locator(f"#post-{post.pk}")).to_contain_text("Sunset at the pier.")
    # The refused post's 400 answer is the one error the browser logged.
    assert len(console_errors) == 1, console_errors
    assert "status of 400" in console_errors[0] and "/compose/" in console_errors[0]
