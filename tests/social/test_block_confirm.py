"""Block asks first: a <dialog> on the profile, the same question on its own page without
JavaScript, and one message once it is done."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from social.models import Block, Follow
from social.services import block_create, follow_create
from tests.pages import html

pytestmark = pytest.mark.django_db


def block_url(person) -> str:
    return reverse("relationship_action", kwargs={"username": person.username, "action": "block"})


def profile_url(person) -> str:
    return reverse("profile", kwargs={"username": person.username})


def text(response) -> str:
    """Return the page's visible text, tags dropped and entities read."""
    body = re.sub(r"<(script|dialog)\b.*?</\1>", " ", html(response), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def test_confirmation_page_says_what_block_does(member_client, user, other_user):
    """GET is the question, with what a block does, Cancel back to the profile and a Block
    button that POSTs, and changes nothing."""
    follow_create(follower=user, followee=other_user)
    response = member_client.get(block_url(other_user))
    assert response.status_code == 200
    page = text(response)
    assert f"Block @{other_user.username}?" in page
    assert f"@{other_user.username} will not be able to follow you, see your posts" in page
    assert "message you" in page and "that follow ends" in page
    content = html(response)
    assert re.search(
        rf'<form method="post" action="{re.escape(block_url(other_user))}">.*?'
        r'<button type="submit"[^>]*>Block</button>',
        content,
        re.S,
    )
    assert f'<a href="{profile_url(other_user)}" role="button" class="secondary">Cancel</a>' in (
        content
    )
    assert not Block.objects.exists()
    assert Follow.objects.exists()


def test_confirmation_page_of_an_unknown_account_is_404(member_client):
    url = reverse("relationship_action", kwargs={"username": "nobody", "action": "block"})
    assert member_client.get(url).status_code == 404


def test_no_confirmation_page_for_yourself(member_client, user):
    assert member_client.get(block_url(user)).status_code == 404


def test_confirmation_page_needs_login(client, other_user):
    response = client.get(block_url(other_user))
    assert response.status_code == 302
    assert not Block.objects.exists()


def test_post_blocks_and_the_message_shows_once(member_client, user, other_user):
    """Confirming blocks, ends follows both ways, and the profile says it once."""
    follow_create(follower=user, followee=other_user)
    follow_create(follower=other_user, followee=user)
    response = member_client.post(
        block_url(other_user), {"next": profile_url(other_user)}, follow=True
    )
    assert response.redirect_chain == [(profile_url(other_user), 302)]
    assert Block.objects.filter(blocker=user, blocked=other_user).exists()
    assert not Follow.objects.exists()
    page = text(response)
    assert page.count(f"You blocked @{other_user.username}") == 1
    assert page.count("see your posts") == 1  # the status line, not the message again
    # The message is spent: the next page shows it no more.
    assert "You blocked" not in text(member_client.get(profile_url(other_user)))


def test_profile_block_button_opens_the_dialog_and_falls_back_to_the_page(
    member_client, other_user
):
    """The Block button is a GET form to the confirmation page that names its dialog; the
    dialog holds the same question with a Cancel that only closes it."""
    content = html(member_client.get(profile_url(other_user)))
    button = re.search(
        rf'<form method="get" action="{re.escape(block_url(other_user))}">\s*'
        r'<button type="submit"[^>]*data-dialog="(?P<dialog>[\w-]+)"[^>]*>Block</button>',
        content,
    )
    assert button is not None
    dialog = re.search(rf'<dialog id="{button["dialog"]}".*?</dialog>', content, re.S)
    assert dialog is not None
    assert f"Block @{other_user.username}?" in dialog[0]
    assert '<button type="button" class="secondary" data-dialog-close>Cancel</button>' in dialog[0]
    assert f'<form method="post" action="{block_url(other_user)}">' in dialog[0]
    assert 'name="csrfmiddlewaretoken"' in dialog[0]


def test_no_block_dialog_once_blocked(member_client, user, other_user):
    block_create(blocker=user, blocked=other_user)
    content = html(member_client.get(profile_url(other_user)))
    assert "<dialog" not in content
    assert ">Unblock</button>" in content


def test_block_needs_the_csrf_token(user, other_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(block_url(other_user), {"next": profile_url(other_user)})
    assert response.status_code == 403
    assert not Block.objects.exists()
