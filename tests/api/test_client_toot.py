"""toot 0.52.1, a second and independent Mastodon client, drives msg on a live server.

Each command runs as its own process (`.venv/bin/toot ...`), as a person would type it, with
its configuration in a folder of the test's own (XDG_CONFIG_HOME). toot logs in with the
password grant (`toot login_cli`), reads entities into its own dataclasses (so a missing or
mistyped field fails the command), and sends JSON bodies where Mastodon.py sends forms.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from oauth2_provider.models import get_access_token_model
from toot import api

from notifications.models import Notification
from posts.models import Like, Post, PostImage
from social.models import Follow
from tests.api.clients import authorization_code, close_connections_after_each_request, png
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.live]

TOOT = Path(sys.executable).parent / "toot"


class Toot:
    """Run toot commands with a configuration folder of their own."""

    def __init__(self, config: Path, base_url: str) -> None:
        self.base_url = base_url
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(config),
            "XDG_CONFIG_HOME": str(config),
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
        }
        # toot names an account user@<the instance's uri>.
        self.domain = urlsplit(base_url).netloc

    def run(self, *args: str, user=None, ok: bool = True) -> subprocess.CompletedProcess:
        command = [str(TOOT)]
        if user is not None:
            command += ["--as", f"{user.username}@{self.domain}"]
        done = subprocess.run(
            [*command, *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        if ok:
            assert done.returncode == 0, f"toot {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def json(self, *args: str, user=None):
        return json.loads(self.run(*args, "--json", user=user).stdout)


@pytest.fixture
def toot(live_server, tmp_path, monkeypatch) -> Toot:
    close_connections_after_each_request(monkeypatch)
    return Toot(tmp_path, live_server.url)


def test_toot_logs_in_posts_reads_and_deletes(toot, tmp_path):
    alice, bob = UserFactory(), UserFactory()

    # Log in with the password grant; the account becomes toot's active one.
    for member in (alice, bob):
        done = toot.run("login_cli", "-i", toot.base_url, "-e", member.email, "-p", PASSWORD)
        assert "Successfully logged in" in done.stdout
        assert get_access_token_model().objects.filter(user=member).count() == 1
    assert toot.json("whoami", user=alice)["username"] == alice.username
    assert toot.json("whoami")["username"] == bob.username  # the last login is active

    instance = toot.run("instance", toot.base_url)
    assert "4.7.0" in instance.stdout

    # Post: text, then a content warning with an image and its description, then a reply.
    status = toot.json("post", "Hello from toot #tootcli", user=alice)
    post = Post.objects.get(pk=status["id"])
    assert (post.author, post.body) == (alice, "Hello from toot #tootcli")
    picture = tmp_path / "square.png"
    picture.write_bytes(png())
    status = toot.json(
        "post",
        "With a picture",
        "-m",
        str(picture),
        "-d",
        "A red square",
        "-p",
        "Colours",
        "-v",
        "unlisted",
        user=alice,
    )
    pictured = Post.objects.get(pk=status["id"])
    assert (pictured.spoiler_text, pictured.visibility) == ("Colours", "unlisted")
    assert PostImage.objects.get(post=pictured).alt_text == "A red square"
    reply = toot.json("post", "A reply", "-r", str(post.pk), user=bob)
    assert Post.objects.get(pk=reply["id"]).in_reply_to_id == post.pk
    poll = toot.json(
        "post", "Tea or coffee?", "--poll-option", "Tea", "--poll-option", "Coffee", user=alice
    )
    assert [o["title"] for o in poll["poll"]["options"]] == ["Tea", "Coffee"]

    # Follow, favourite, reblog (bob), then alice's notifications.
    toot.run("follow", alice.username, user=bob)
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    toot.run("favourite", str(post.pk), user=bob)
    assert Like.objects.filter(user=bob, post=post).exists()
    toot.run("reblog", str(post.pk), user=bob)
    assert Post.objects.filter(author=bob, repost_of=post).exists()
    notes = toot.json("notifications", user=alice)
    assert {"follow", "favourite", "reblog"} <= {n["type"] for n in notes}
    assert len(notes) == Notification.objects.filter(recipient=alice).count()

    # Timelines: bob's home has alice's posts; the tag timeline has the tagged one.
    home = toot.json("timelines", "home", "--no-pager", "--no-clear", user=bob)
    # alice's posts, bob's reblog; not bob's reply (msg's home shows top-level posts only)
    top_level = Post.objects.filter(in_reply_to__isnull=True).order_by("-pk")
    assert [s["id"] for s in home] == [str(pk) for pk in top_level.values_list("pk", flat=True)]
    tagged = toot.json("timelines", "tag", "tootcli", "--no-pager", "--no-clear", user=bob)
    assert [s["id"] for s in tagged] == [str(post.pk)]
    shown = toot.run("timelines", "home", "--no-pager", "--no-clear", user=bob)
    assert "Hello from toot" in shown.stdout
    assert "With a picture" in shown.stdout
    old_style = toot.run("timeline", "--once", user=bob)
    assert "Hello from toot" in old_style.stdout

    # Search: the account, the status, the tag.
    found = toot.json("search", alice.username, user=bob)
    assert alice.username in [a["username"] for a in found["accounts"]]
    found = toot.json("search", "tootcli", "-t", "hashtags", user=bob)
    assert "tootcli" in [t["name"] for t in found["hashtags"]]

    # Delete: gone from the database.
    toot.run("delete", str(pictured.pk), user=alice)
    assert not Post.objects.filter(pk=pictured.pk).exists()
    assert toot.run("status", str(pictured.pk), user=alice, ok=False).returncode != 0


def test_toot_browser_login_through_the_consent_page(toot, monkeypatch):
    """toot's `login` flow (its Python API; the command prompts on a terminal): the URL it
    opens (/oauth/authorize/ with a slash), the consent page, the code pasted back."""
    from toot import auth

    member = UserFactory()
    monkeypatch.setenv("XDG_CONFIG_HOME", toot.env["XDG_CONFIG_HOME"])
    app = auth.get_or_create_app(toot.base_url)
    url = api.get_browser_login_url(app)
    assert urlsplit(url).path == "/oauth/authorize/"
    code, _browser, consent = authorization_code(url, member.username, PASSWORD)
    assert "toot - a Mastodon CLI client" in consent.text
    auth.login_auth_code(app, code)
    # The command line now works with the token toot saved.
    assert toot.json("whoami")["username"] == member.username
    assert get_access_token_model().objects.get(user=member).scope == "read write follow"
